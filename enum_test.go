package samspil

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestEnumerationsRefuseOtherValues gives every enumeration field that a
// Validate method checks a value outside its list: each is refused at its
// path with the message listing exactly the type's Go list.
func TestEnumerationsRefuseOtherValues(t *testing.T) {
	const bad = "bogus"
	cases := []struct {
		name, path string
		list       any // the Go list of the field's type
		err        error
	}{
		{"organization kind", "kind", OrgKinds, (&Organization{Kind: bad}).Validate()},
		{"organization visibility", "visibility", Visibilities, (&Organization{Visibility: bad}).Validate()},
		{"unit kind", "kind", UnitKinds, (&OrgUnit{Kind: bad}).Validate()},
		{"system category", "category", Categories, (&System{Category: bad}).Validate()},
		{"system visibility", "visibility", Visibilities, (&System{Visibility: bad}).Validate()},
		{"usage lifecycle", "lifecycle", Lifecycles, (&Usage{Lifecycle: bad}).Validate()},
		{"usage user band", "user_band", UserBands, (&Usage{UserBand: bad}).Validate()},
		{"usage visibility", "visibility", Visibilities, (&Usage{Visibility: bad}).Validate()},
		{"contract procurement form", "procurement_form", ProcurementForms, (&Contract{ProcurementForm: bad}).Validate()},
		{"contract visibility", "visibility", Visibilities, (&Contract{Visibility: bad}).Validate()},
		{"contract price visibility", "price_visibility", Visibilities, (&Contract{PriceVisibility: bad}).Validate()},
		{"contract notice rule", "notice_rule", NoticeRules, ContractTerms{NoticeRule: bad}.Validate()},
		{"collaboration kind", "kind", CollaborationKinds, (&Collaboration{Kind: bad}).Validate()},
		{"collaboration legal form", "legal_form", LegalForms, (&Collaboration{LegalForm: bad}).Validate()},
		{"collaboration exclusivity", "exclusivity", Exclusivities, (&Collaboration{Exclusivity: bad}).Validate()},
		{"collaboration decision rule", "decision_rule", DecisionRules, (&Collaboration{DecisionRule: bad}).Validate()},
		{"collaboration cost key", "cost_key", CostKeys, (&Collaboration{CostKey: bad}).Validate()},
		{"collaboration visibility", "visibility", Visibilities, (&Collaboration{Visibility: bad}).Validate()},
		{"member role", "role", MemberRoles, (&Member{Role: bad}).Validate()},
		{"member commitment", "commitment", Commitments, (&Member{Commitment: bad}).Validate()},
		{"adjustment exclusivity", "exclusivity", Exclusivities, (&AdjustmentInput{Exclusivity: bad}).Validate()},
		{"adjustment commitment", "commitments[0].commitment", Commitments,
			(&AdjustmentInput{Commitments: []CommitmentChange{{Commitment: bad}}}).Validate()},
		{"document kind", "kind", DocumentKinds, (&DocumentInput{Kind: bad}).Validate()},
		{"ambition area", "levels[0].area", AmbitionAreas, (&AmbitionInput{Levels: []AmbitionLevel{{Area: bad}}}).Validate()},
		{"strategy visibility", "visibility", Visibilities, (&Strategy{Visibility: bad}).Validate()},
		{"decision rule", "rule", DecisionRules, (&DecisionInput{Rule: bad}).Validate()},
		{"forum level", "level", ForumLevels, (&Forum{Level: bad}).Validate()},
		{"meeting status", "status", MeetingStatuses, (&Meeting{Status: bad}).Validate()},
		{"action item status", "status", ActionStatuses, (&ActionItem{Status: bad}).Validate()},
	}
	for _, c := range cases {
		list := reflectList(c.list)
		want := "must be one of " + strings.Join(list, ", ")
		var e *Error
		if !errors.As(c.err, &e) || e.Code != EINVALID {
			t.Errorf("%s: %v, want invalid", c.name, c.err)
			continue
		}
		i := slices.IndexFunc(e.Fields, func(f FieldError) bool { return f.Path == c.path })
		if i < 0 || e.Fields[i].Message != want || e.Fields[i].format != "must be one of %s" {
			t.Errorf("%s: fields %+v, want %s: %q", c.name, e.Fields, c.path, want)
		}
		// The list of the case is the one registered for the field's type.
		if got := EnumValues(reflect.TypeOf(c.list).Elem()); !slices.Equal(got, list) {
			t.Errorf("%s: registered %v, list %v", c.name, got, list)
		}
	}
	// The valid values pass.
	var v Validation
	for _, vis := range Visibilities {
		v.OneOf("visibility", vis)
	}
	if v.Err() != nil {
		t.Errorf("valid values refused: %v", v.Err())
	}
}

// TestEnumRegistry checks the registry: every list is registered once, in
// its order, and a type that is not registered is a programming error.
func TestEnumRegistry(t *testing.T) {
	types := EnumTypes()
	if len(types) < 30 {
		t.Fatalf("only %d enumerations registered", len(types))
	}
	for _, ty := range types {
		if ty.Kind() != reflect.String || ty.PkgPath() != reflect.TypeFor[Role]().PkgPath() {
			t.Errorf("%s is not a string type of the domain", ty)
		}
		if len(EnumValues(ty)) == 0 {
			t.Errorf("%s has no values", ty)
		}
	}
	if got := EnumValues(reflect.TypeFor[Visibility]()); !slices.Equal(got, []string{"private", "partners", "sector", "public"}) {
		t.Errorf("visibilities %v", got)
	}
	if EnumValues(reflect.TypeFor[string]()) != nil || EnumValues(reflect.TypeFor[Permission]()) != nil {
		t.Error("a type that is no enumeration has values")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("OneOf of a plain string did not panic")
			}
		}()
		var v Validation
		v.OneOf("x", "admin")
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("registering a type twice did not panic")
			}
		}()
		RegisterEnum(Roles)
	}()
}

// reflectList returns the values of a []T of a string type.
func reflectList(list any) []string {
	rv := reflect.ValueOf(list)
	out := make([]string, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).String()
	}
	return out
}
