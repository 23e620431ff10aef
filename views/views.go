// Package views holds what the browser gets: HTML templates, static assets and
// the message catalogs (Vietnamese first, English), all embedded in the binary.
package views

import (
	"embed"
	"io/fs"
)

// files is every template, asset and catalog, read-only.
//
//go:embed templates static locales
var files embed.FS

// Templates returns the template tree (layouts/, auth/, admin/…); a template is
// named by its path without ".html", e.g. "auth/login".
func Templates() fs.FS { return sub("templates") }

// Static returns the static assets served under /static/.
func Static() fs.FS { return sub("static") }

// LocaleFiles returns the catalogs: vi/*.toml and en/*.toml.
func LocaleFiles() fs.FS { return sub("locales") }

func sub(dir string) fs.FS {
	s, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return s
}
