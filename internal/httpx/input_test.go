package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// scanAll feeds data to s in pieces of n bytes.
func scanAll(s scanner, data string, n int) (string, bool) {
	for len(data) > 0 {
		k := min(n, len(data))
		if path, found := s.feed([]byte(data[:k])); found {
			return path, true
		}
		data = data[k:]
	}
	return "", false
}

func TestJSONScannerNamesThePath(t *testing.T) {
	for _, tc := range []struct {
		body string
		path string // "" when no NUL should be found
	}{
		{`{"name":"a\u0000b"}`, "name"},
		{`{"name":"ok","goals":[{"title":"x"},{"title":"y"},{"title":"\u0000"}]}`, "goals[2].title"},
		{`{"a":{"b":[1,2,[3,"\u0000"]]}}`, "a.b[2][1]"},
		{`{"a":"x", "b" : "y\u0000"}`, "b"},
		{`{"na\"me":"\u0000"}`, `na"me`},
		{`{"n\u00e6vn":"\u0000"}`, "nævn"},
		{`{"a\u0000b":"x"}`, `a\u0000`},
		{`["x","\u0000"]`, "[1]"},
		{`{"a":["\u0000"]}`, "a[0]"},
		{`{"a":[],"b":{},"c":"\u0000"}`, "c"},
		{`{"a":"\\u0000"}`, ""},          // an escaped backslash, then text
		{`{"a":"\u00000"}`, "a"},         // U+0000 followed by a zero
		{`{"a":"\u0001\u1000"}`, ""},     // other escapes
		{`{"a":"x\u0000"} {"b":1}`, "a"}, // found before the junk
		{`{"a":1} "\u0000"`, ""},         // not JSON after the value: left to the decoder
		{`"\u0000"`, ""},                 // a top-level string is named by the empty path
		{`{"a":"\uZZZZ\u0000"}`, ""},     // not JSON: the scan stops
		{`{"a":"` + strings.Repeat("x", 5000) + `","b":"\u0000"}`, "b"},
	} {
		want := tc.path != "" || strings.HasPrefix(tc.body, `"\u0000"`)
		for _, n := range []int{1, 3, 4096} {
			path, found := scanAll(&jsonScanner{}, tc.body, n)
			if found != want || path != tc.path {
				t.Errorf("%s in pieces of %d: found %v at %q, want %v at %q", tc.body, n, found, path, want, tc.path)
			}
		}
	}
}

func TestJSONScannerBoundsDepthAndNames(t *testing.T) {
	deep := strings.Repeat(`{"k":`, 100) + `"\u0000"` + strings.Repeat("}", 100)
	path, found := scanAll(&jsonScanner{}, deep, 7)
	if !found || !strings.HasSuffix(path, "…") || strings.Count(path, "k") != maxDepth {
		t.Fatalf("deep: %v %q", found, path)
	}
	long := `{"` + strings.Repeat("n", 10000) + `":"\u0000"}`
	path, found = scanAll(&jsonScanner{}, long, 512)
	if !found || len(path) > maxNameBytes+len("…") {
		t.Fatalf("long name: %v, %d bytes", found, len(path))
	}
	// Closing the deep levels returns to the named ones.
	back := `{"a":` + strings.Repeat("[", 80) + strings.Repeat("]", 80) + `,"b":"\u0000"}`
	if path, _ := scanAll(&jsonScanner{}, back, 5); path != "b" {
		t.Fatalf("after deep nesting: %q", path)
	}
}

func TestFormScannerNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		body string
		path string
	}{
		{"name=a%00b", "name"},
		{"version=3&name=Digitalisering%00&kind=team", "name"},
		{"a=1&na%6De=%00", "name"},
		{"first+name=x%00", "first name"},
		{"a%00b=1", `a\u0000`},
		{"a=%0", ""},
		{"a=%25%30%30", ""}, // "%00" as text
		{"a=x\x00", "a"},
		{"a=1&b=2", ""},
	} {
		want := tc.path != ""
		for _, n := range []int{1, 2, 4096} {
			path, found := scanAll(&formScanner{}, tc.body, n)
			if found != want || path != tc.path {
				t.Errorf("%q in pieces of %d: found %v at %q, want %v at %q", tc.body, n, found, path, want, tc.path)
			}
		}
	}
}

func TestScanBodyFailsTheRead(t *testing.T) {
	r := httptest.NewRequest("POST", "/x", strings.NewReader(`{"goals":[{"title":"\u0000"}]}`))
	r.Header.Set("Content-Type", "application/merge-patch+json")
	_, err := io.ReadAll(scanBody(r).Body)
	var in *InputError
	if !errors.As(err, &in) || in.In != "body" || len(in.Err.Fields) != 1 || in.Err.Fields[0].Path != "goals[0].title" {
		t.Fatalf("read error %v", err)
	}
	// Other bodies pass untouched, NUL bytes and all.
	r = httptest.NewRequest("POST", "/x", strings.NewReader("PK\x00\x00"))
	r.Header.Set("Content-Type", "application/octet-stream")
	if b, err := io.ReadAll(scanBody(r).Body); err != nil || len(b) != 4 {
		t.Fatalf("octet stream: %q %v", b, err)
	}
}

func TestCheckRequestNamesQueryAndPathParameters(t *testing.T) {
	r := httptest.NewRequest("GET", "/api/v1/organizations?q=a%00&kind=x&b%00=1", nil)
	err := checkRequest(nil, r)
	var in *InputError
	if !errors.As(err, &in) || in.In != "query" || len(in.Err.Fields) != 2 || in.Err.Fields[0].Path != `b\u0000` || in.Err.Fields[1].Path != "q" {
		t.Fatalf("query: %v", err)
	}
	r = httptest.NewRequest("GET", "/api/v1/organizations/x%00/units", nil)
	r.SetPathValue("id", "x\x00")
	err = checkRequest(wildcards("GET /api/v1/organizations/{id}/units"), r)
	if !errors.As(err, &in) || in.In != "path" || in.Err.Fields[0].Path != "id" {
		t.Fatalf("path: %v", err)
	}
	r = httptest.NewRequest("GET", "/api/v1/organizations?q=a%01", nil)
	if err := checkRequest(nil, r); err != nil {
		t.Fatal(err)
	}
	if got := wildcards("GET /static/{path...}/{$}/{id}"); len(got) != 2 || got[0] != "path" || got[1] != "id" {
		t.Fatalf("wildcards %v", got)
	}
}

// hasNUL reports whether any key or string of a valid JSON text holds U+0000.
func hasNUL(t *testing.T, data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatalf("valid JSON %q: %v", data, err)
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, 0) {
			return true
		}
	}
}

// FuzzJSONScanner checks that on every valid JSON text the scanner finds
// U+0000 exactly when the decoder would deliver it, however the text is cut.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range []string{`{"name":"a\u0000b"}`, `{"a":[1,{"b":"\\u0000"}]}`, `["\u0000"]`, `{"a\u0000":1}`, `"x"`, `[]`,
		`{"a":"\"\u0000"}`, `{"goals":[{"title":"x"},{"title":"\u0000"}]}`, `1`, `{"a":true,"b":null,"c":-1.5e3}`} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		if !json.Valid(data) {
			return
		}
		_, found := scanAll(&jsonScanner{}, string(data), int(piece)+1)
		if want := hasNUL(t, data); found != want {
			t.Fatalf("%q: found %v, want %v", data, found, want)
		}
	})
}

// FuzzFormScanner checks the form scanner against url.ParseQuery.
func FuzzFormScanner(f *testing.F) {
	for _, s := range []string{"a=%00", "a=1&b=2", "a%00=1", "a=%zz", "a=%2500", "x=\x00", "a+b=c%41%00"} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, data string, piece uint8) {
		values, err := url.ParseQuery(data)
		if err != nil {
			return
		}
		want := false
		for k, vs := range values {
			want = want || strings.ContainsRune(k, 0)
			for _, v := range vs {
				want = want || strings.ContainsRune(v, 0)
			}
		}
		if _, found := scanAll(&formScanner{}, data, int(piece)+1); found != want {
			t.Fatalf("%q: found %v, want %v", data, found, want)
		}
	})
}
