package samspil

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Enumerations are string types whose values are a fixed list, such as
// Visibility and Visibilities. The list is the one source of the allowed
// values:
//
//   - the API's OpenAPI document takes the enum of every field of the type
//     from it (internal/httpapi), so fields carry no enum tag;
//   - Validation.OneOf refuses any other value with "must be one of …",
//     listing it, so Validate methods write no message of their own.
//
// To add an enumeration, declare the type, its constants and its list
// beside each other, and register the list below (or with RegisterEnum in an
// init of the file that declares it). A field that may also be empty (""
// for "the default" or "none") is tagged allowEmpty:"true"; OneOf refuses
// "", so its Validate checks the field only when it is not empty.
func init() {
	RegisterEnum(Roles)
	RegisterEnum(Visibilities)
	RegisterEnum(ActorKinds)
	RegisterEnum(OrgKinds)
	RegisterEnum(UnitKinds)
	RegisterEnum(Categories)
	RegisterEnum(Lifecycles)
	RegisterEnum(UserBands)
	RegisterEnum(ProcurementForms)
	RegisterEnum(NoticeRules)
	RegisterEnum(ContractStatuses)
	RegisterEnum(ContractSorts)
	RegisterEnum(ImportKinds)
	RegisterEnum(ImportStatuses)
	RegisterEnum(UnitActions)
	RegisterEnum(RowActions)
	RegisterEnum(FeedScopes)
	RegisterEnum(CollaborationKinds)
	RegisterEnum(LegalForms)
	RegisterEnum(Exclusivities)
	RegisterEnum(CostKeys)
	RegisterEnum(MemberRoles)
	RegisterEnum(Commitments)
	RegisterEnum(MemberEventKinds)
	RegisterEnum(DocumentKinds)
	RegisterEnum(AmbitionAreas)
	RegisterEnum(DecisionRules)
	RegisterEnum(DecisionStatuses)
	RegisterEnum(VoteChoices)
	RegisterEnum(OutcomeResults)
	RegisterEnum(ForumLevels)
	RegisterEnum(ForumStatuses)
	RegisterEnum(MeetingStatuses)
	RegisterEnum(AttendanceStatuses)
	RegisterEnum(ActionStatuses)
	RegisterEnum(NoticeKinds)
}

// enums holds the values of each registered enumeration type. It is filled
// by init functions and only read afterwards.
var enums = map[reflect.Type][]string{}

// RegisterEnum registers the string type T as an enumeration of values, in
// the order they are shown. It panics when T is registered twice or values
// is empty or repeats a value: it is meant for init functions.
func RegisterEnum[T ~string](values []T) {
	t := reflect.TypeFor[T]()
	if _, ok := enums[t]; ok {
		panic("samspil: enumeration " + t.String() + " registered twice")
	}
	if len(values) == 0 {
		panic("samspil: enumeration " + t.String() + " has no values")
	}
	s := make([]string, len(values))
	for i, v := range values {
		if slices.Contains(s[:i], string(v)) {
			panic(fmt.Sprintf("samspil: enumeration %s repeats %q", t, v))
		}
		s[i] = string(v)
	}
	enums[t] = s
}

// EnumValues returns the values of the enumeration type t, or nil when t is
// not a registered enumeration.
func EnumValues(t reflect.Type) []string {
	return slices.Clone(enums[t])
}

// EnumTypes returns the registered enumeration types, sorted by name.
func EnumTypes() []reflect.Type {
	out := make([]reflect.Type, 0, len(enums))
	for t := range enums {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b reflect.Type) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// OneOf records a problem with the field at path when value, of a
// registered enumeration type, is not one of the type's values; the message
// lists them. It reports whether value is valid. It panics when value's
// type is not a registered enumeration.
func (v *Validation) OneOf(path string, value any) bool {
	rv := reflect.ValueOf(value)
	values, ok := enums[reflect.TypeOf(value)]
	if !ok {
		panic(fmt.Sprintf("samspil: %T is not a registered enumeration", value))
	}
	if slices.Contains(values, rv.String()) {
		return true
	}
	v.Add(path, "must be one of %s", strings.Join(values, ", "))
	return false
}
