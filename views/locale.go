package views

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"khung/app/msg"
)

// DefaultLanguage is the language of a visitor who has not chosen one.
const DefaultLanguage = "vi"

// Languages returns the supported language codes, the default first.
func Languages() []string { return []string{"vi", "en"} }

// IsLanguage tells whether code is a supported language.
func IsLanguage(code string) bool {
	for _, l := range Languages() {
		if l == code {
			return true
		}
	}
	return false
}

// Locales holds the message catalogs of every language.
type Locales struct {
	bundle *i18n.Bundle
	// byLang holds one translator per language, made once: a Localizer only
	// reads the bundle, and making one per call parsed language tags on every
	// request (a tenth of the calendar JSON's CPU time).
	byLang map[string]*Translator
}

// LoadLocales reads every *.toml file of each language folder of fsys
// (vi/core.toml, vi/admin.toml, en/…). Keys may be dotted or nested tables:
// `[login] title = "…"` is the message "login.title".
func LoadLocales(fsys fs.FS) (*Locales, error) {
	b := i18n.NewBundle(language.Vietnamese)
	for _, lang := range Languages() {
		files, err := CatalogFiles(fsys, lang)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			buf, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("read catalog %s: %w", f, err)
			}
			if _, err := b.ParseMessageBytes(language.Make(lang), buf, toml.Unmarshal); err != nil {
				return nil, fmt.Errorf("parse catalog %s: %w", f, err)
			}
		}
	}
	l := &Locales{bundle: b, byLang: map[string]*Translator{}}
	for _, lang := range Languages() {
		l.byLang[lang] = &Translator{Lang: lang, loc: i18n.NewLocalizer(b, lang, DefaultLanguage)}
	}
	return l, nil
}

// CatalogFiles lists the catalog files of one language, sorted.
func CatalogFiles(fsys fs.FS, lang string) ([]string, error) {
	files, err := fs.Glob(fsys, path.Join(lang, "*.toml"))
	if err != nil {
		return nil, fmt.Errorf("list catalogs of %s: %w", lang, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no catalog for language %q", lang)
	}
	sort.Strings(files)
	return files, nil
}

// CatalogMessage is one message of a catalog and the file that defines it.
type CatalogMessage struct {
	File string
	*i18n.Message
}

// CatalogMessages reads every message of lang's catalogs in fsys, file by file.
func CatalogMessages(fsys fs.FS, lang string) ([]CatalogMessage, error) {
	files, err := CatalogFiles(fsys, lang)
	if err != nil {
		return nil, err
	}
	var out []CatalogMessage
	for _, f := range files {
		buf, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		msgs, err := i18n.ParseMessageBytes(buf, toml.Unmarshal)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, m := range msgs {
			out = append(out, CatalogMessage{File: f, Message: m})
		}
	}
	return out, nil
}

// For returns the translator of lang (the default language when lang is not supported).
func (l *Locales) For(lang string) *Translator {
	if !IsLanguage(lang) {
		lang = DefaultLanguage
	}
	return l.byLang[lang]
}

// Translator gives the messages of one language.
type Translator struct {
	Lang string // "vi" or "en"
	loc  *i18n.Localizer
}

// T returns message id filled with key/value pairs: T("home.hello", "Name", "Lan").
// A pair named "Count" also picks the plural form (one/other). A missing id
// comes back as the id itself (the catalog tests keep that from shipping).
func (t *Translator) T(id string, pairs ...any) string {
	var data map[string]any
	if len(pairs) > 0 {
		data = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			data[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	return t.render(id, data)
}

// Msg renders a service's message (an id with parameters) in the translator's language.
func (t *Translator) Msg(m msg.Message) string { return t.render(m.ID, m.Args) }

func (t *Translator) render(id string, data map[string]any) string {
	if t.loc == nil {
		return id
	}
	// A parameter may be a message of its own that renders itself in the
	// reader's language (e.g. an engine's message inside an app's message).
	for k, v := range data {
		switch r := v.(type) {
		case msg.Message:
			data = maps.Clone(data)
			data[k] = t.Msg(r)
		case interface{ RenderIn(*Translator) string }:
			data = maps.Clone(data)
			data[k] = r.RenderIn(t)
		}
	}
	if n, ok := data["Count"]; ok {
		// A message with plural forms (one/other) picks one by Count; a plain
		// message that merely shows a Count has no "one" form, so it is
		// rendered without choosing.
		s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
		if err == nil {
			return s
		}
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Has tells whether the catalogs of the translator's language define id.
func (t *Translator) Has(id string) bool {
	if t.loc == nil {
		return false
	}
	_, tag, err := t.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id})
	return err == nil && tag.String() == t.Lang
}

// Pick returns vi or en, whichever is the translator's language (for messages
// that come with both texts, like apperr's).
func (t *Translator) Pick(vi, en string) string {
	if t.Lang == "en" && en != "" {
		return en
	}
	return vi
}
