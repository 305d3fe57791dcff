package httpapi

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// Enumerations (string types registered with samspil.RegisterEnum, such as
// samspil.Visibility) get their allowed values in the OpenAPI document, and
// so in huma's validation of requests, from their Go lists: setEnums gives
// every property of a component schema whose Go field has such a type (or a
// pointer to or slice of it) the type's values as its enum, and
// setParamEnums does the same for an operation's parameters. A field tagged
// allowEmpty:"true" also allows "". Fields of these types carry no enum tag:
// a new enumeration needs nothing here.

// schemaPrefix is where component schemas live in the document.
const schemaPrefix = "#/components/schemas/"

// setEnums sets the enums of the properties of every component schema made
// from a Go struct.
func setEnums(reg huma.Registry) {
	for name, s := range reg.Map() {
		t := reg.TypeFromRef(schemaPrefix + name)
		if t == nil || t.Kind() != reflect.Struct {
			continue
		}
		for _, f := range fieldsOf(t) {
			if p := s.Properties[jsonName(f)]; p != nil {
				setEnum(p, f)
			}
		}
	}
}

// setParamEnums sets the enums of the parameters of the operation at
// method and path made from the input struct in.
func setParamEnums(oapi *huma.OpenAPI, method, path string, in reflect.Type) {
	op := operation(oapi.Paths[path], method)
	if op == nil {
		panic("httpapi: no operation " + method + " " + path)
	}
	for _, f := range fieldsOf(in) {
		for _, loc := range []string{"path", "query", "header", "cookie"} {
			name, ok := f.Tag.Lookup(loc)
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, ",")
			for _, p := range op.Parameters {
				if p.In == loc && p.Name == name && p.Schema != nil {
					setEnum(p.Schema, f)
				}
			}
		}
	}
}

// operation returns the operation of a path for method.
func operation(item *huma.PathItem, method string) *huma.Operation {
	if item == nil {
		return nil
	}
	switch method {
	case http.MethodGet:
		return item.Get
	case http.MethodPost:
		return item.Post
	case http.MethodPut:
		return item.Put
	case http.MethodPatch:
		return item.Patch
	case http.MethodDelete:
		return item.Delete
	case http.MethodHead:
		return item.Head
	}
	return nil
}

// setEnum gives the schema s of the field f its enumeration's values, when
// the field's type is an enumeration.
func setEnum(s *huma.Schema, f reflect.StructField) {
	t, target := f.Type, s
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t, target = t.Elem(), s.Items
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	values := samspil.EnumValues(t)
	empty := f.Tag.Get("allowEmpty") == "true"
	switch {
	case values == nil && empty:
		panic(fmt.Sprintf("httpapi: field %s is tagged allowEmpty, but its type %s is not an enumeration", f.Name, t))
	case values == nil:
		return
	case f.Tag.Get("enum") != "":
		panic(fmt.Sprintf("httpapi: field %s of the enumeration %s has an enum tag; its values come from samspil.RegisterEnum", f.Name, t))
	case target == nil:
		panic(fmt.Sprintf("httpapi: field %s of the enumeration %s has no schema to hold its values", f.Name, t))
	}
	enum := make([]any, 0, len(values)+1)
	for _, v := range values {
		enum = append(enum, v)
	}
	if empty {
		enum = append(enum, "")
	}
	target.Enum = enum
	target.PrecomputeMessages()
}

// fieldsOf returns the exported fields of a struct, with those of embedded
// structs that have no JSON name of their own in their place; an outer
// field hides an embedded one of the same name, as in encoding/json.
func fieldsOf(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	seen := map[string]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		var embedded []reflect.Type
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case f.Anonymous && f.Tag.Get("json") == "" && ft.Kind() == reflect.Struct:
				embedded = append(embedded, ft)
			case !f.IsExported():
			case !seen[jsonName(f)]:
				seen[jsonName(f)] = true
				out = append(out, f)
			}
		}
		if depth < 8 {
			for _, e := range embedded {
				walk(e, depth+1)
			}
		}
	}
	walk(t, 0)
	return out
}

// jsonName is the name of a field in JSON.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
