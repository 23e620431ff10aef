package routes

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// redocly is the pinned OpenAPI linter; `make test` installs it with npm ci.
const redocly = "../tools/node/node_modules/.bin/redocly"

func runRedocly(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := os.Stat(redocly); err != nil {
		t.Fatalf("%s is missing (run `make test`, which installs tools/node): %v", redocly, err)
	}
	cmd := exec.Command(redocly, args...)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestTheOpenAPIDocumentPassesRedoclyLint(t *testing.T) {
	t.Parallel()
	out := runRedocly(t, "lint", "--format=stylish", "openapi.yaml")
	// The recommended rules' warnings count as failures too: the document is ours.
	if lintWarning.MatchString(out) {
		t.Errorf("redocly warns:\n%s", out)
	}
}

// lintWarning matches a warning line of the stylish format: "57:5  warning  rule  message".
var lintWarning = regexp.MustCompile(`(?m)^\s*\d+:\d+\s+warning\s`)

// fiberParam matches a Fiber path parameter with an optional constraint: ":id<int>".
var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)(<[^>]*>)?`)

func TestEveryAPIRouteIsInTheOpenAPIDocumentAndBack(t *testing.T) {
	t.Parallel()
	bundled := filepath.Join(t.TempDir(), "openapi.json")
	runRedocly(t, "bundle", "openapi.yaml", "--output", bundled)
	raw, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}

	app := New(bareApp(t, nil))
	registered := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/api/v1" {
			continue
		}
		switch r.Method {
		case fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
			registered[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	if len(registered) < 20 {
		t.Fatalf("found only %d API routes: %v", len(registered), registered)
	}
	var missing, stale []string
	for op := range registered {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !registered[op] {
			stale = append(stale, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, op := range missing {
		t.Errorf("%s is served but not in routes/openapi.yaml", op)
	}
	for _, op := range stale {
		t.Errorf("%s is in routes/openapi.yaml but not served", op)
	}
}

// TestAPIAnswersCarryTheFieldsTheDocumentRequires reads real answers of the
// admin API and checks that every property the OpenAPI schema marks required
// is present (following $ref and allOf, into list items), so the document and
// the code do not drift apart.
func TestAPIAnswersCarryTheFieldsTheDocumentRequires(t *testing.T) {
	t.Parallel()
	bundled := filepath.Join(t.TempDir(), "openapi.json")
	runRedocly(t, "bundle", "openapi.yaml", "--output", bundled)
	raw, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}

	f := startAdminServer(t)
	_, admin := f.client(t, "admin")
	c := f.srv.NewClient(t)
	c.Token = f.srv.CreateToken(t, admin)
	unit := f.tree.ID(t, "001")
	for _, tt := range []struct{ path, schema string }{
		{"/api/v1/me", "Me"},
		{"/api/v1/units?q=ba+dinh", "UnitPage"},
		{fmt.Sprintf("/api/v1/units/%d", unit), "UnitDetail"},
		{fmt.Sprintf("/api/v1/units/%d/children", unit), "UnitPage"},
		{"/api/v1/users", "UserPage"},
		{fmt.Sprintf("/api/v1/users/%d", admin.ID), "User"},
		{fmt.Sprintf("/api/v1/bodies/%d", f.ids["body"]), "Body"},
		{"/api/v1/inspectors", "InspectorPage"},
		{fmt.Sprintf("/api/v1/inspectors/%d", f.ids["inspector"]), "InspectorProfile"},
		{"/api/v1/holidays?year=2026", "HolidayYear"},
		{fmt.Sprintf("/api/v1/holidays/%d", f.ids["holiday"]), "Holiday"},
		{fmt.Sprintf("/api/v1/catalogs/kinds/%d", f.ids["kind"]), "CatalogEntry"},
		{fmt.Sprintf("/api/v1/rules/%d", f.ids["rule"]), "Rule"},
		{"/api/v1/audit", "AuditPage"},
		{"/api/v1/catalogs/planets", "Error"},
	} {
		r := c.GetJSON(tt.path)
		var body any
		r.JSON(t, &body)
		for _, problem := range missingRequired(doc.Components.Schemas, doc.Components.Schemas[tt.schema], body, "$") {
			t.Errorf("GET %s (%s): %s", tt.path, tt.schema, problem)
		}
	}
}

// schema is the part of a JSON schema the required-fields check reads.
type schema struct {
	Ref        string            `json:"$ref"`
	AllOf      []schema          `json:"allOf"`
	Required   []string          `json:"required"`
	Properties map[string]schema `json:"properties"`
	Items      *schema           `json:"items"`
}

// missingRequired lists the required properties s asks for that v lacks.
func missingRequired(all map[string]schema, s schema, v any, at string) []string {
	if s.Ref != "" {
		return missingRequired(all, all[strings.TrimPrefix(s.Ref, "#/components/schemas/")], v, at)
	}
	var out []string
	for _, part := range s.AllOf {
		out = append(out, missingRequired(all, part, v, at)...)
	}
	switch val := v.(type) {
	case map[string]any:
		for _, name := range s.Required {
			if _, ok := val[name]; !ok {
				out = append(out, at+"."+name+" is missing")
			}
		}
		for name, p := range s.Properties {
			if sub, ok := val[name]; ok && sub != nil {
				out = append(out, missingRequired(all, p, sub, at+"."+name)...)
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range val {
				out = append(out, missingRequired(all, *s.Items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return out
}
