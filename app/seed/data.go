package seed

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/BurntSushi/toml"

	"khung/models"
)

// dataFiles are the demo city's data: names, bodies, logins, catalogs and the
// inspectors' titles. Each file names its source in its header.
//
//go:embed data/*.toml
var dataFiles embed.FS

// demoData is the demo city's data read from data/*.toml.
type demoData struct {
	names      nameLists
	office     districtOffice
	bodies     []bodySpec
	users      []demoUser
	todayUsers []demoUser // logins of today's city (users_today.toml), loaded by Today
	kinds      []models.InspectionKind
	skills     []models.Skill
	topics     []models.Topic
	inspectors inspectorTexts
}

// nameLists are the parts of Vietnamese names the demo inspectors are drawn from.
type nameLists struct {
	Family []struct {
		Name   string `toml:"name"`
		Weight int    `toml:"weight"`
	} `toml:"family"`
	MaleMiddle   []string `toml:"male_middle"`
	FemaleMiddle []string `toml:"female_middle"`
	MaleGiven    []string `toml:"male_given"`
	FemaleGiven  []string `toml:"female_given"`
}

// districtOffice says how a district's Phòng Nội vụ is named, and when its
// body ended (with the districts).
type districtOffice struct {
	NamePrefix    string       `toml:"name_prefix"`
	ShortPrefix   string       `toml:"short_prefix"`
	TypeLabel     string       `toml:"type_label"`
	DistrictTypes []string     `toml:"district_types"`
	ValidTo       *models.Date `toml:"valid_to"`
	LegalBasis    string       `toml:"legal_basis"`
}

// inspectorTexts are the demo inspectors' titles, leave reasons and notes.
type inspectorTexts struct {
	RelativeNote string                `toml:"relative_note"`
	Titles       map[string]titleLists `toml:"titles"` // by body kind; "other" for the rest
	Leave        []struct {
		Reason string `toml:"reason"`
		Days   int    `toml:"days"`
	} `toml:"leave"`
}

type titleLists struct {
	Lead   []string `toml:"lead"`
	Member []string `toml:"member"`
}

// catalogEntry is a kind, skill or topic as data/catalogs.toml writes it.
type catalogEntry struct {
	Code       string      `toml:"code"`
	NameVI     string      `toml:"name_vi"`
	NameEN     string      `toml:"name_en"`
	LegalBasis string      `toml:"legal_basis"`
	Kind       string      `toml:"kind"`  // topics only
	Skill      string      `toml:"skill"` // topics only
	ValidFrom  models.Date `toml:"valid_from"`
}

// loadDemoData reads and checks the demo data files of fsys (dataFiles in
// production): every key known, every required value present.
func loadDemoData(fsys fs.FS) (*demoData, error) {
	d := &demoData{}
	var bodies struct {
		Office districtOffice `toml:"district_office"`
		Body   []struct {
			Code       string          `toml:"code"`
			Name       string          `toml:"name"`
			Short      string          `toml:"short"`
			Kind       models.BodyKind `toml:"kind"`
			Precedence int             `toml:"precedence"`
			Unit       string          `toml:"unit"`
			Skill      string          `toml:"skill"`
			Inspectors int             `toml:"inspectors"`
			LegalBasis string          `toml:"legal_basis"`
			ValidFrom  *models.Date    `toml:"valid_from"`
			ValidTo    *models.Date    `toml:"valid_to"`
		} `toml:"body"`
	}
	var users, todayUsers struct {
		User []struct {
			Email     string              `toml:"email"`
			FullName  string              `toml:"full_name"`
			Role      models.Role         `toml:"role"`
			Unit      string              `toml:"unit"`
			Position  models.UnitPosition `toml:"position"`
			Inspector string              `toml:"inspector"`
			What      string              `toml:"what"`
		} `toml:"user"`
	}
	var catalogs struct {
		Kind  []catalogEntry `toml:"kind"`
		Skill []catalogEntry `toml:"skill"`
		Topic []catalogEntry `toml:"topic"`
	}
	for _, f := range []struct {
		name string
		into any
	}{
		{"data/names.toml", &d.names},
		{"data/bodies.toml", &bodies},
		{"data/users.toml", &users},
		{"data/users_today.toml", &todayUsers},
		{"data/catalogs.toml", &catalogs},
		{"data/inspectors.toml", &d.inspectors},
	} {
		if err := decodeData(fsys, f.name, f.into); err != nil {
			return nil, err
		}
	}

	d.office = bodies.Office
	for _, b := range bodies.Body {
		d.bodies = append(d.bodies, bodySpec{Code: b.Code, Name: b.Name, Short: b.Short, Kind: b.Kind,
			Precedence: b.Precedence, Unit: b.Unit, Skill: b.Skill, Inspectors: b.Inspectors,
			LegalBasis: b.LegalBasis, ValidFrom: b.ValidFrom, ValidTo: b.ValidTo})
	}
	for _, u := range users.User {
		d.users = append(d.users, demoUser{Email: u.Email, FullName: u.FullName, Role: u.Role, Unit: u.Unit,
			Position: u.Position, Inspector: u.Inspector, What: u.What})
	}
	for _, u := range todayUsers.User {
		d.todayUsers = append(d.todayUsers, demoUser{Email: u.Email, FullName: u.FullName, Role: u.Role, Unit: u.Unit,
			Position: u.Position, What: u.What})
	}
	for _, k := range catalogs.Kind {
		d.kinds = append(d.kinds, models.InspectionKind{Code: k.Code, NameVI: k.NameVI, NameEN: k.NameEN,
			LegalBasis: k.LegalBasis, ValidFrom: k.ValidFrom})
	}
	basis := map[string]string{}
	for _, s := range catalogs.Skill {
		d.skills = append(d.skills, models.Skill{Code: s.Code, NameVI: s.NameVI, NameEN: s.NameEN,
			LegalBasis: s.LegalBasis, ValidFrom: s.ValidFrom})
		basis[s.Code] = s.LegalBasis
	}
	for _, t := range catalogs.Topic {
		// A topic rests on the law of its field, which is its skill's.
		d.topics = append(d.topics, models.Topic{Code: t.Code, NameVI: t.NameVI, NameEN: t.NameEN,
			LegalBasis: basis[t.Skill], KindCode: &t.Kind, SkillCode: &t.Skill, ValidFrom: t.ValidFrom})
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("seed data: %w", err)
	}
	return d, nil
}

// decodeData decodes the TOML file name of fsys into v, refusing unknown keys.
func decodeData(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("seed data: %w", err)
	}
	md, err := toml.Decode(string(b), v)
	if err != nil {
		return fmt.Errorf("seed data %s: %w", name, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		return fmt.Errorf("seed data %s: unknown keys %v", name, keys)
	}
	return nil
}

// check reports the first missing or inconsistent value of the data.
func (d *demoData) check() error {
	n := d.names
	switch {
	case len(n.Family) == 0 || len(n.MaleMiddle) == 0 || len(n.FemaleMiddle) == 0 || len(n.MaleGiven) == 0 || len(n.FemaleGiven) == 0:
		return fmt.Errorf("names.toml: a list of names is empty")
	case d.office.NamePrefix == "" || d.office.ShortPrefix == "" || d.office.TypeLabel == "" || d.office.LegalBasis == "":
		return fmt.Errorf("bodies.toml: district_office lacks a prefix or type label")
	case len(d.bodies) == 0 || len(d.users) == 0 || len(d.kinds) == 0 || len(d.skills) == 0 || len(d.topics) == 0:
		return fmt.Errorf("bodies, users or catalogs are empty")
	case len(d.inspectors.Leave) == 0 || d.inspectors.RelativeNote == "":
		return fmt.Errorf("inspectors.toml: no leave reasons or relative note")
	}
	for _, f := range n.Family {
		if f.Name == "" || f.Weight < 1 {
			return fmt.Errorf("names.toml: family name %q needs a positive weight", f.Name)
		}
	}
	for _, k := range []string{string(models.BodyInspectorate), string(models.BodyDistrictInternal), "other"} {
		if t := d.inspectors.Titles[k]; len(t.Lead) == 0 || len(t.Member) == 0 {
			return fmt.Errorf("inspectors.toml: titles.%s needs lead and member titles", k)
		}
	}
	for _, b := range d.bodies {
		if b.Code == "" || b.Name == "" || b.Short == "" || b.Kind == "" || b.Unit == "" || b.Skill == "" || b.Inspectors < 1 || b.LegalBasis == "" {
			return fmt.Errorf("bodies.toml: body %q lacks a value", b.Code)
		}
	}
	linked := false
	for _, u := range d.users {
		if u.Email == "" || u.Role == "" || u.Position == "" || u.What == "" || u.FullName == "" && u.Inspector == "" {
			return fmt.Errorf("users.toml: user %q lacks a value", u.Email)
		}
		linked = linked || u.Inspector == DemoInspectorCode
	}
	if !linked {
		return fmt.Errorf("users.toml: no login is linked to inspector %s", DemoInspectorCode)
	}
	skills := map[string]bool{}
	for _, s := range d.skills {
		skills[s.Code] = true
	}
	kinds := map[string]bool{}
	for _, k := range d.kinds {
		kinds[k.Code] = true
	}
	for _, k := range d.kinds {
		if k.Code == "" || k.NameVI == "" || k.NameEN == "" || k.LegalBasis == "" || k.ValidFrom.IsZero() {
			return fmt.Errorf("catalogs.toml: kind %q lacks a name, legal basis or date", k.Code)
		}
	}
	for _, s := range d.skills {
		if s.Code == "" || s.NameVI == "" || s.NameEN == "" || s.LegalBasis == "" || s.ValidFrom.IsZero() {
			return fmt.Errorf("catalogs.toml: skill %q lacks a name, legal basis or date", s.Code)
		}
	}
	for _, t := range d.topics {
		if t.Code == "" || t.NameVI == "" || t.NameEN == "" || t.ValidFrom.IsZero() || !kinds[*t.KindCode] || !skills[*t.SkillCode] {
			return fmt.Errorf("catalogs.toml: topic %q lacks a name or date, or names an unknown kind or skill", t.Code)
		}
	}
	for _, b := range d.bodies {
		if !skills[b.Skill] {
			return fmt.Errorf("bodies.toml: body %s names unknown skill %s", b.Code, b.Skill)
		}
	}
	return nil
}

// skillCodes are the codes of the skills of the catalog, in file order.
func (d *demoData) skillCodes() []string {
	out := make([]string, 0, len(d.skills))
	for _, s := range d.skills {
		out = append(out, s.Code)
	}
	return out
}

// titles are the job titles for an inspector of a body of kind k.
func (d *demoData) titles(k models.BodyKind) titleLists {
	if t, ok := d.inspectors.Titles[string(k)]; ok {
		return t
	}
	return d.inspectors.Titles["other"]
}
