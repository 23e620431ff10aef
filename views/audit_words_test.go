package views

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"khung/app/audit"
	"khung/app/catalogs"
	"khung/models"
)

// auditRuntime lists, for each place that passes audit.Record a computed
// action or entity ("file:function action" or "file:function entity"), every
// code it can pass. Keep it in step with the code: the test fails on a place
// that computes a code and is not listed here.
var auditRuntime = map[string][]string{
	"app/plans/versions.go:take action":               {"submit", "approve", "publish", "return"},
	"app/plans/build.go:Build action":                 {"build", "rebuild"},
	"app/catalogs/catalogs.go:Create entity":          catalogTables(),
	"app/catalogs/catalogs.go:Update entity":          catalogTables(),
	"app/catalogs/catalogs.go:Delete entity":          catalogTables(),
	"app/signing/store.go:keep entity":                {"decision", "conclusion"}, // routes/routes.go: docs.sign/upload(kind)
	"app/users/users.go:recordChange action":          {"update", "activate", "deactivate"},
	"app/icalfeed/tokens.go:Renew action":             {"calendar_feed.create", "calendar_feed.renew"},
	"app/remediation/remediation.go:Decide action":    {"remediation.return", "remediation.accept"},
	"app/proposals/proposals.go:close action":         {"withdraw", "reject"},
	"app/inspections/lifecycle.go:RecordEvent action": visitEventActions(),
}

func catalogTables() []string {
	var out []string
	for _, c := range catalogs.All() {
		out = append(out, c.Table())
	}
	return out
}

// visitEventActions are "visit."+kind of every event a visit can have.
func visitEventActions() []string {
	var out []string
	for _, k := range []models.VisitEventKind{models.EventExtended, models.EventSuspended, models.EventResumed, models.EventCancelled} {
		out = append(out, "visit."+string(k))
	}
	return out
}

// auditUses returns the message ids of the literal actions and entities the
// file passes to audit.Record, and the places that pass computed ones.
func auditUses(fset *token.FileSet, f *ast.File) (ids []use, computed []string) {
	for _, decl := range f.Decls {
		fn := ""
		if d, ok := decl.(*ast.FuncDecl); ok {
			fn = d.Name.Name
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isAuditRecord(f.Name.Name, call) || len(call.Args) < 4 {
				return true
			}
			for i, part := range []string{"action", "entity"} {
				arg := call.Args[2+i]
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					computed = append(computed, filepath.ToSlash(fset.Position(arg.Pos()).Filename)+":"+fn+" "+part)
					continue
				}
				code, _ := strconv.Unquote(lit.Value)
				ids = append(ids, use{auditMessage(part, code), fset.Position(arg.Pos()).String()})
			}
			return true
		})
	}
	return ids, computed
}

func isAuditRecord(pkg string, call *ast.CallExpr) bool {
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		return pkg == "audit" && fun.Name == "Record"
	case *ast.SelectorExpr:
		x, ok := fun.X.(*ast.Ident)
		return ok && x.Name == "audit" && fun.Sel.Name == "Record"
	}
	return false
}

func auditMessage(part, code string) string {
	if part == "action" {
		return audit.ActionMessage(code)
	}
	return audit.EntityMessage(code)
}

func TestEveryAuditedActionAndEntityHasWordsInBothLanguages(t *testing.T) {
	vi, en := catalogIDs(t, "vi"), catalogIDs(t, "en")

	t.Run("a made-up code is reported, a known one is not", func(t *testing.T) {
		src := `package demo
func f(tx *gorm.DB, a authz.Actor, kind string) error {
	_ = audit.Record(tx, a, "visit.status", "visit", 1, nil, nil)
	_ = audit.Record(tx, a, kind, "plan_versions", 1, nil, nil)
	return audit.Record(tx, a, "made.up", "nowhere", 1, nil, nil)
}`
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "demo.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ids, computed := auditUses(fset, f)
		got := missing(ids, vi, en)
		want := []string{
			`demo.go:5:29: message "audit.action.made_up" is missing in vi and en`,
			`demo.go:5:40: message "audit.entity.nowhere" is missing in vi and en`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if strings.Join(computed, ",") != "demo.go:f action" {
			t.Errorf("computed codes at %q, want demo.go:f action", computed)
		}
	})

	var ids []use
	var computed []string
	eachGoFile(t, func(fset *token.FileSet, f *ast.File) {
		i, c := auditUses(fset, f)
		ids, computed = append(ids, i...), append(computed, c...)
	})
	if len(ids) < 80 {
		t.Fatalf("found only %d audited codes in the code: is audit.Record still called so?", len(ids))
	}
	sort.Strings(computed)
	for i, where := range computed {
		if _, ok := auditRuntime[where]; !ok && (i == 0 || computed[i-1] != where) {
			t.Errorf("%s passes a computed code to audit.Record: list the codes it can pass in auditRuntime", where)
		}
	}
	for where, codes := range auditRuntime {
		if _, found := slices.BinarySearch(computed, where); !found {
			t.Errorf("auditRuntime lists %s, which passes no computed code to audit.Record any more", where)
		}
		part := where[strings.LastIndex(where, " ")+1:]
		for _, code := range codes {
			ids = append(ids, use{auditMessage(part, code), where})
		}
	}
	for _, m := range missing(ids, vi, en) {
		t.Error(m)
	}
}
