package views

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"khung/app/apperr"
	"khung/app/visits"
)

// A sink is a function or method that takes a message id as its argument
// number arg: pkg.name(…) from other packages, name(…) inside pkg, or
// x.name(…) on any value when pkg is empty.
type sink struct {
	pkg, name string
	arg       int
}

var sinks = []sink{
	{"apperr", "Fail", 1},  // apperr.Fail(kind, id, …)
	{"apperr", "Field", 2}, // apperr.Field(field, rule, id, …)
	{"", "AddField", 2},    // (*apperr.ValidationError).AddField(field, rule, id, …)
	{"msg", "New", 0},      // msg.New(id, …)
	{"planning", "Msg", 0}, // planning.Msg(id, …)
	{"", "T", 0},           // (*views.Translator).T(id, …)
	{"", "setFlash", 1},    // (*routes.Handlers).setFlash(c, id)
}

// idTypes are the struct types whose field ID holds a message id, in
// composite literals: msg.Message{ID: …}, apperr.Constraint{ID: …}, and the
// elided elements of an apperr.Constraints map.
var idTypes = map[string]string{"Message": "msg planning", "Constraint": "apperr", "Constraints": "apperr"}

// runtimeIDs lists, for each place that builds a message id at run time
// ("file:function"), every id it can build. Keep it in step with the code: the
// test fails on a place that builds ids and is not listed here.
var runtimeIDs = map[string][]string{
	"routes/admin_audit.go:codeWords": append(prefixed("admin.relation.", "spouse", "parent", "child", "sibling", "parent_in_law"),
		prefixed("admin.post.", "head", "deputy", "personnel", "accounting")...),
	"routes/admin_catalogs.go:catalogPage": {"admin.catalog.kinds", "admin.catalog.topics", "admin.catalog.skills"},
	"routes/calendar.go:monthPage": {"visits.month.m1", "visits.month.m2", "visits.month.m3", "visits.month.m4",
		"visits.month.m5", "visits.month.m6", "visits.month.m7", "visits.month.m8", "visits.month.m9",
		"visits.month.m10", "visits.month.m11", "visits.month.m12"},
	"routes/plans_pages.go:stepHandler":  {"plans.flash.submit", "plans.flash.approve", "plans.flash.publish", "plans.flash.return"},
	"routes/proposals.go:proposalViewOf": append(proposalForms, proposalStatuses...),
	"routes/proposals.go:listPage":       append(proposalForms, proposalStatuses...),
	"routes/proposals_form.go:formData":  proposalForms,
	"app/visits/prepare.go:prepared":     visits.PreparationIDs(),
	"app/planning/explain.go:formMsg":    {"planning.form.planned", "planning.form.unannounced", "planning.form.verification"},
	"app/icalfeed/render.go:Summary":     {"ical.form.planned", "ical.form.unannounced", "ical.form.verification"},
	"app/icalfeed/render.go:Description": prefixed("ical.label.", "code", "joint_bodies", "kinds", "lead_body", "leader", "members", "part_of", "plan", "topics"),
	"app/notify/notes.go:Render": subjectAndBody("notify.reminder.before", "notify.reminder.overdue", "notify.reminder.due",
		"notify.escalation.office", "notify.escalation.head", "notify.escalation.leadership"),
	"app/planning/repair.go:dateLine": {"repair.new.first_free", "repair.new.cheapest", "repair.placed.first_free",
		"repair.placed.cheapest", "repair.moved.first_free", "repair.moved.cheapest"},
	"app/plans/document.go:XLSX":         prefixed("plans.document.column.", "n", "unit", "content", "lead_body", "co_bodies", "dates", "days", "leader"),
	"app/remediation/notes.go:Render":    subjectAndBody("notify.remediation.returned", "notify.remediation.accepted"),
	"app/notices/plansteps.go:Render":    subjectAndBody("plansux.notice.submit", "plansux.notice.approve", "plansux.notice.return"),
	"routes/plans_board.go:newCheckView": prefixed("plansux.rule.", "H1", "H2", "H3", "H4", "H5", "H6", "V"),
	"routes/plans_pages.go:confirmPage":  prefixed("plansux.confirm.", "submit.title", "approve.title", "publish.title"),
}

// prefixed returns prefix+name for each name.
func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// subjectAndBody returns the .subject and .body ids of each notification id.
func subjectAndBody(ids ...string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id+".subject", id+".body")
	}
	return out
}

var (
	proposalForms    = []string{"proposals.form_value.planned", "proposals.form_value.unannounced", "proposals.form_value.verification"}
	proposalStatuses = []string{"proposals.status_value.draft", "proposals.status_value.submitted",
		"proposals.status_value.accepted", "proposals.status_value.rejected", "proposals.status_value.withdrawn"}
)

// use is one message id found in the code.
type use struct {
	id, where string
}

// messageUses returns the ids the file passes to a sink or writes into an ID
// field, and the places (file:function) where an id is built at run time.
func messageUses(fset *token.FileSet, f *ast.File) (ids []use, built []string) {
	pkg := f.Name.Name
	for _, decl := range f.Decls {
		fn := ""
		if d, ok := decl.(*ast.FuncDecl); ok {
			fn = d.Name.Name
		}
		i, b := declUses(fset, pkg, fn, decl)
		ids, built = append(ids, i...), append(built, b...)
	}
	return ids, built
}

// declUses does messageUses for one declaration of package pkg, inside function fn.
func declUses(fset *token.FileSet, pkg, fn string, decl ast.Decl) (ids []use, built []string) {
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			// A label:"field.…" struct tag names a field in other fields'
			// validation messages (apperr.Validate).
			if n.Tag != nil {
				tag, _ := strconv.Unquote(n.Tag.Value)
				if id, ok := reflect.StructTag(tag).Lookup("label"); ok {
					ids = append(ids, use{id, fset.Position(n.Tag.Pos()).String()})
				}
			}
		case *ast.CallExpr:
			s, ok := sinkOf(pkg, n)
			if !ok || len(n.Args) <= s.arg {
				return true
			}
			arg := n.Args[s.arg]
			where := fset.Position(arg.Pos()).String()
			switch a := arg.(type) {
			case *ast.BasicLit:
				if a.Kind == token.STRING {
					id, _ := strconv.Unquote(a.Value)
					ids = append(ids, use{id, where})
				}
			case *ast.BinaryExpr:
				built = append(built, filepath.ToSlash(fset.Position(arg.Pos()).Filename)+":"+fn)
			case *ast.CallExpr:
				if sel, ok := a.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
					built = append(built, filepath.ToSlash(fset.Position(arg.Pos()).Filename)+":"+fn)
				}
			}
		case *ast.CompositeLit:
			if !isIDType(pkg, n.Type) {
				return true
			}
			ast.Inspect(n, func(m ast.Node) bool {
				kv, ok := m.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				key, ok := kv.Key.(*ast.Ident)
				lit, isLit := kv.Value.(*ast.BasicLit)
				if ok && key.Name == "ID" && isLit && lit.Kind == token.STRING {
					id, _ := strconv.Unquote(lit.Value)
					ids = append(ids, use{id, fset.Position(lit.Pos()).String()})
				}
				return true
			})
		}
		return true
	})
	return ids, built
}

func sinkOf(pkg string, call *ast.CallExpr) (sink, bool) {
	for _, s := range sinks {
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			if s.pkg != "" && s.pkg == pkg && fun.Name == s.name {
				return s, true
			}
		case *ast.SelectorExpr:
			if fun.Sel.Name != s.name {
				continue
			}
			x, isIdent := fun.X.(*ast.Ident)
			if s.pkg == "" || (isIdent && x.Name == s.pkg) {
				return s, true
			}
		}
	}
	return sink{}, false
}

func isIDType(pkg string, t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return strings.Contains(idTypes[t.Name], pkg)
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		return ok && strings.Contains(idTypes[t.Sel.Name], x.Name)
	}
	return false
}

// missing lists the uses whose id either language lacks.
func missing(uses []use, vi, en map[string]string) []string {
	var out []string
	for _, u := range uses {
		var langs []string
		if _, ok := vi[u.id]; !ok {
			langs = append(langs, "vi")
		}
		if _, ok := en[u.id]; !ok {
			langs = append(langs, "en")
		}
		if len(langs) > 0 {
			out = append(out, fmt.Sprintf("%s: message %q is missing in %s", u.where, u.id, strings.Join(langs, " and ")))
		}
	}
	sort.Strings(out)
	return out
}

// repositoryUses parses every non-test Go file of the repository.
func repositoryUses(t *testing.T) (ids []use, built []string) {
	t.Helper()
	eachGoFile(t, func(fset *token.FileSet, f *ast.File) {
		i, b := messageUses(fset, f)
		ids, built = append(ids, i...), append(built, b...)
	})
	return ids, built
}

// eachGoFile parses every non-test Go file of the repository and hands it to
// fn, with positions relative to the repository's root.
func eachGoFile(t *testing.T, fn func(fset *token.FileSet, f *ast.File)) {
	t.Helper()
	root := ".."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(fset, filepath.ToSlash(rel), src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		fn(fset, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEveryMessageIDInTheCodeHasAMessageInBothLanguages(t *testing.T) {
	vi, en := catalogIDs(t, "vi"), catalogIDs(t, "en")

	t.Run("a made-up id is reported, a known one is not", func(t *testing.T) {
		src := `package demo
func f() error {
	_ = msg.New("error.not_found")
	_ = apperr.Constraints{"x_key": {Field: "x", ID: "made.up.constraint"}}
	return apperr.Fail(apperr.ErrConflict, "made.up.id", "Count", 2)
}`
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "demo.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ids, _ := messageUses(fset, f)
		got := missing(ids, vi, en)
		want := []string{
			`demo.go:4:51: message "made.up.constraint" is missing in vi and en`,
			`demo.go:5:41: message "made.up.id" is missing in vi and en`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	ids, built := repositoryUses(t)
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids in the code: are the sinks still right?", len(ids))
	}
	sort.Strings(built)
	for i, where := range built {
		if _, ok := runtimeIDs[where]; !ok && (i == 0 || built[i-1] != where) {
			t.Errorf("%s builds a message id at run time: list the ids it can build in runtimeIDs", where)
		}
	}
	for where, list := range runtimeIDs {
		for _, id := range list {
			ids = append(ids, use{id, where})
		}
	}
	for _, id := range apperr.ValidationIDs() {
		ids = append(ids, use{id, "apperr.ValidationIDs"})
	}
	for _, m := range missing(ids, vi, en) {
		t.Error(m)
	}
}
