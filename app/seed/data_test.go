package seed

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// withFile is the embedded data with one file replaced.
func withFile(t *testing.T, name, text string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(dataFiles, "data")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(dataFiles, "data/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m["data/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	m[name] = &fstest.MapFile{Data: []byte(text)}
	return m
}

func TestTheEmbeddedDemoDataLoads(t *testing.T) {
	d, err := loadDemoData(dataFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.bodies) != 9 || len(d.users) != 8 || len(d.kinds) != 4 || len(d.skills) != 8 || len(d.topics) != 16 {
		t.Errorf("bodies %d, users %d, kinds %d, skills %d, topics %d; want 9, 8, 4, 8, 16",
			len(d.bodies), len(d.users), len(d.kinds), len(d.skills), len(d.topics))
	}
}

func TestBadDemoDataIsRefusedWithItsFile(t *testing.T) {
	users, err := fs.ReadFile(dataFiles, "data/users.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, text, want string
	}{
		{"a key no field reads (a table's keys after a sub-table)", "data/inspectors.toml",
			"relative_note = \"x\"\n[titles.other]\nlead = [\"a\"]\nmember = [\"b\"]\nleave = [{ reason = \"r\", days = 1 }]\n",
			"unknown keys"},
		{"a TOML syntax error", "data/names.toml", "family = [", "data/names.toml"},
		{"a body without its skill", "data/bodies.toml",
			"[district_office]\nname_prefix = \"P \"\nshort_prefix = \"P \"\ntype_label = \"P\"\nlegal_basis = \"L\"\n[[body]]\ncode = \"b\"\nname = \"B\"\nshort = \"B\"\nkind = \"division\"\nunit = \"01-SNV\"\ninspectors = 1\n",
			`body "b" lacks a value`},
		{"no login linked to the demo inspector", "data/users.toml",
			strings.NewReplacer(`inspector = "i001"`, `inspector = ""`, `full_name = ""`, `full_name = "X"`).Replace(string(users)),
			"no login is linked"},
		{"a topic of an unknown skill", "data/catalogs.toml",
			"[[kind]]\ncode = \"k\"\nname_vi = \"K\"\nname_en = \"K\"\nlegal_basis = \"L\"\nvalid_from = \"2024-01-01\"\n" +
				"[[skill]]\ncode = \"s\"\nname_vi = \"S\"\nname_en = \"S\"\nlegal_basis = \"L\"\nvalid_from = \"2024-01-01\"\n" +
				"[[topic]]\ncode = \"t\"\nname_vi = \"T\"\nname_en = \"T\"\nkind = \"k\"\nskill = \"nope\"\nvalid_from = \"2024-01-01\"\n",
			`topic "t"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadDemoData(withFile(t, tt.file, tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
