package httpapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// docSchema is the part of a JSON schema in the document the test reads.
type docSchema struct {
	Enum       []any                 `json:"enum"`
	Items      *docSchema            `json:"items"`
	Properties map[string]*docSchema `json:"properties"`
}

// TestEnumsFromGoLists reads the OpenAPI document as served: every
// property and parameter whose Go type is an enumeration has exactly the
// type's Go list as its enum (with "" where the field is tagged
// allowEmpty), no other property has an enum but the few listed here, every
// string type of the domain the API uses is a registered enumeration, and
// huma refuses a value outside the list with a message that lists exactly
// the Go list.
func TestEnumsFromGoLists(t *testing.T) {
	a := New(httpx.NewRouter(), nil)
	b, err := a.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]*docSchema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	reg := a.huma.OpenAPI().Components.Schemas
	domain := reflect.TypeFor[samspil.Role]().PkgPath()
	// Enumerations that are no Go type: error codes of problem documents.
	handWritten := map[string]bool{"Problem.code": true}
	seen := map[reflect.Type]bool{}

	// want returns the enum a field of type ft must have, or nil.
	want := func(where string, ft reflect.Type, allowEmpty bool) []any {
		values := samspil.EnumValues(ft)
		if values == nil {
			if ft.Kind() == reflect.String && ft.PkgPath() == domain {
				t.Errorf("%s: %s is a string type of the domain but no registered enumeration; register its list in enum.go", where, ft)
			}
			return nil
		}
		seen[ft] = true
		out := []any{}
		for _, v := range values {
			out = append(out, v)
		}
		if allowEmpty {
			out = append(out, "")
		}
		return out
	}
	fields := 0
	for name, s := range doc.Components.Schemas {
		gt := reg.TypeFromRef(schemaPrefix + name)
		if gt == nil || gt.Kind() != reflect.Struct {
			continue
		}
		for _, f := range fieldsOf(gt) {
			p := s.Properties[jsonName(f)]
			if p == nil {
				continue
			}
			where := name + "." + jsonName(f)
			ft, target := f.Type, p
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice && p.Items != nil {
				ft, target = ft.Elem(), p.Items
			}
			if f.Tag.Get("enum") != "" && !handWritten[where] {
				t.Errorf("%s has a hand-written enum tag", where)
			}
			w := want(where, ft, f.Tag.Get("allowEmpty") == "true")
			switch {
			case w == nil && target.Enum != nil && !handWritten[where]:
				t.Errorf("%s: enum %v for a field that is no enumeration", where, target.Enum)
			case w != nil && !slices.Equal(target.Enum, w):
				t.Errorf("%s: enum %v, want the Go list %v", where, target.Enum, w)
			case w != nil:
				fields++
			}
		}
	}
	if fields < 80 {
		t.Errorf("only %d enumeration fields found in the document", fields)
	}

	// Parameters: those of enumeration types, and the few others with an enum.
	params := map[string][]any{
		"GET /organizations kind":                        want("", reflect.TypeFor[samspil.OrgKind](), false),
		"GET /systems category":                          want("", reflect.TypeFor[samspil.Category](), false),
		"GET /usages lifecycle":                          want("", reflect.TypeFor[samspil.Lifecycle](), false),
		"GET /contracts status":                          want("", reflect.TypeFor[samspil.ContractStatus](), false),
		"GET /contracts sort":                            want("", reflect.TypeFor[samspil.ContractSort](), false),
		"GET /contracts urgency":                         want("", reflect.TypeFor[samspil.Urgency](), false),
		"GET /exports what":                              want("", reflect.TypeFor[samspil.ImportKind](), false),
		"GET /collaborations/{id}/decisions status":      want("", reflect.TypeFor[samspil.DecisionStatus](), false),
		"POST /collaborations/{id}/documents/files kind": want("", reflect.TypeFor[samspil.DocumentKind](), false),
		"GET /invitations status":                        want("", reflect.TypeFor[samspil.InvitationStatus](), false),
		"GET /initiatives phase":                         want("", reflect.TypeFor[samspil.InitiativePhase](), false),
		"GET /organizations/{id}/role-types object_kind": want("", reflect.TypeFor[samspil.RoleObjectKind](), false),
		"GET /exports format":                            {"csv", "xlsx"},
		"GET /deletions object_type":                     {"system", "usage", "contract", "data_processing_registration"},
	}
	found := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				Parameters []struct {
					Name   string    `json:"name"`
					Schema docSchema `json:"schema"`
				} `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				continue // not an operation
			}
			for _, p := range op.Parameters {
				key := strings.ToUpper(method) + " " + path + " " + p.Name
				w, ok := params[key]
				switch {
				case !ok && p.Schema.Enum != nil:
					t.Errorf("%s: enum %v; if its type is an enumeration, add it here", key, p.Schema.Enum)
				case ok && !slices.Equal(p.Schema.Enum, w):
					t.Errorf("%s: enum %v, want %v", key, p.Schema.Enum, w)
				case ok:
					found[key] = true
				}
			}
		}
	}
	for key := range params {
		if !found[key] {
			t.Errorf("no parameter %s in the document", key)
		}
	}

	// Every registered enumeration shows in the document.
	for _, ty := range samspil.EnumTypes() {
		if !seen[ty] {
			t.Errorf("the enumeration %s is in no field or parameter of the document", ty)
		}
	}

	// huma refuses a value outside the list, listing the list.
	checked := 0
	for name, s := range reg.Map() {
		for prop, p := range s.Properties {
			target := p
			if p.Items != nil {
				target = p.Items
			}
			if target.Enum == nil || handWritten[name+"."+prop] {
				continue
			}
			var list []string
			for _, v := range target.Enum {
				list = append(list, v.(string))
			}
			value := any("bogus")
			if target != p {
				value = []any{"bogus"}
			}
			res := &huma.ValidateResult{}
			huma.Validate(reg, p, huma.NewPathBuffer([]byte(prop), 0), huma.ModeWriteToServer, value, res)
			wantMsg := fmt.Sprintf(`expected value to be one of "%s"`, strings.Join(list, ", "))
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), wantMsg) {
				t.Errorf("%s.%s: %v, want %s", name, prop, res.Errors, wantMsg)
			}
			checked++
		}
	}
	if checked < 80 {
		t.Errorf("only %d enumerations validated", checked)
	}
}
