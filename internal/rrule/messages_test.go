package rrule

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// danish is the Danish translation of every message format of the
// package, for the catalogue of the web pages (internal/web/i18n/da.json).
var danish = map[string]string{
	"the cadence is longer than %d characters; write a shorter rule":                                                                               "mødefrekvensen er længere end %d tegn; skriv en kortere regel",
	"the cadence is empty; write a rule such as FREQ=WEEKLY;BYDAY=TH":                                                                              "mødefrekvensen er tom; skriv en regel som FREQ=WEEKLY;BYDAY=TH",
	"%q is not of the form NAME=VALUE; separate parts with semicolons, as in FREQ=WEEKLY;BYDAY=TH":                                                 "%q har ikke formen NAVN=VÆRDI; adskil delene med semikolon, som i FREQ=WEEKLY;BYDAY=TH",
	"BYSECOND is not supported; leave it out":                                                                                                      "BYSECOND understøttes ikke; udelad den",
	"%s is not supported; give the dates with BYMONTH, BYMONTHDAY and BYDAY instead":                                                               "%s understøttes ikke; angiv i stedet datoerne med BYMONTH, BYMONTHDAY og BYDAY",
	"%q is not a part of a recurrence rule; use FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS or WKST":      "%q er ikke en del af en gentagelsesregel; brug FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS eller WKST",
	"%s is given more than once; give each part once":                                                                                              "%s er angivet mere end én gang; angiv hver del én gang",
	"FREQ is missing; start the rule with FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY or FREQ=YEARLY":                                                    "FREQ mangler; begynd reglen med FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY eller FREQ=YEARLY",
	"%s may list at most %d values":                                                                                                                "%s må højst have %d værdier",
	"%s has an empty value; separate values with single commas, as in BYDAY=TU,TH":                                                                 "%s har en tom værdi; adskil værdierne med ét komma, som i BYDAY=TU,TH",
	"FREQ=%s is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY":                                                                               "FREQ=%s understøttes ikke; brug DAILY, WEEKLY, MONTHLY eller YEARLY",
	"INTERVAL=%s must be a whole number from 1 to %d":                                                                                              "INTERVAL=%s skal være et helt tal fra 1 til %d",
	"COUNT=%s must be a whole number from 1 to %d":                                                                                                 "COUNT=%s skal være et helt tal fra 1 til %d",
	"UNTIL=%s is not a UTC date and time; write it like 20151231T235959Z":                                                                          "UNTIL=%s er ikke et tidspunkt i UTC; skriv det som 20151231T235959Z",
	"WKST=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU":                                                                                   "WKST=%s er ikke en ugedag; brug MO, TU, WE, TH, FR, SA eller SU",
	"BYDAY=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU, with FREQ=MONTHLY or YEARLY optionally numbered as in 2TU or -1FR":               "BYDAY=%s er ikke en ugedag; brug MO, TU, WE, TH, FR, SA eller SU, ved FREQ=MONTHLY eller YEARLY eventuelt med et nummer som 2TU eller -1FR",
	"BYMONTHDAY=%s must be a day from 1 to 31 or from -31 to -1":                                                                                   "BYMONTHDAY=%s skal være en dag fra 1 til 31 eller fra -31 til -1",
	"BYMONTH=%s must be a month from 1 to 12":                                                                                                      "BYMONTH=%s skal være en måned fra 1 til 12",
	"BYHOUR=%s must be an hour from 0 to 23":                                                                                                       "BYHOUR=%s skal være en time fra 0 til 23",
	"BYMINUTE=%s must be a minute from 0 to 59":                                                                                                    "BYMINUTE=%s skal være et minut fra 0 til 59",
	"BYSETPOS=%s must be a position from 1 to 366 or from -366 to -1":                                                                              "BYSETPOS=%s skal være en position fra 1 til 366 eller fra -366 til -1",
	"COUNT and UNTIL cannot both be given; keep one of them":                                                                                       "COUNT og UNTIL kan ikke angives sammen; behold kun den ene",
	"BYDAY=%s: a number before the weekday needs FREQ=MONTHLY or FREQ=YEARLY; write %s":                                                            "BYDAY=%s: et nummer foran ugedagen kræver FREQ=MONTHLY eller FREQ=YEARLY; skriv %s",
	"BYDAY=%s: the number before the weekday must be from 1 to %d or from -%d to -1":                                                               "BYDAY=%s: nummeret foran ugedagen skal være fra 1 til %d eller fra -%d til -1",
	"BYMONTHDAY cannot be used with FREQ=WEEKLY; use FREQ=MONTHLY, or BYDAY for weekdays":                                                          "BYMONTHDAY kan ikke bruges med FREQ=WEEKLY; brug FREQ=MONTHLY, eller BYDAY til ugedage",
	"BYSETPOS needs a list to choose from; add BYDAY, BYMONTHDAY, BYMONTH, BYHOUR or BYMINUTE":                                                     "BYSETPOS kræver en liste at vælge fra; tilføj BYDAY, BYMONTHDAY, BYMONTH, BYHOUR eller BYMINUTE",
	"UNTIL=%s is before the first meeting; write a later time or leave UNTIL out":                                                                  "UNTIL=%s ligger før det første møde; skriv et senere tidspunkt, eller udelad UNTIL",
	"the cadence has no meeting in the %d years after the first meeting; check that BYMONTH, BYMONTHDAY, BYDAY and BYSETPOS can pick the same day": "mødefrekvensen giver intet møde i de %d år efter det første møde; tjek, at BYMONTH, BYMONTHDAY, BYDAY og BYSETPOS kan udpege den samme dag",
}

var fmtVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// TestMessageFormats checks that every error of the package is made by
// samspil.ErrorAt with a string literal as its format, about the field
// "cadence", and that the formats are exactly those with a Danish
// translation above, taking the same verbs.
func TestMessageFormats(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "samspil" {
				return true
			}
			pos := fset.Position(call.Pos())
			if sel.Sel.Name != "ErrorAt" {
				t.Errorf("%s: samspil.%s; the package makes its errors with samspil.ErrorAt", pos, sel.Sel.Name)
				return true
			}
			if len(call.Args) < 3 {
				t.Errorf("%s: too few arguments", pos)
				return true
			}
			if id, ok := call.Args[1].(*ast.Ident); !ok || id.Name != "field" {
				t.Errorf("%s: the path is not the constant field", pos)
			}
			lit, ok := call.Args[2].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the format is not a string literal", pos)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			found[s] = true
			return true
		})
	}
	if field != "cadence" {
		t.Errorf("field is %q", field)
	}
	for f := range found {
		da, ok := danish[f]
		if !ok {
			t.Errorf("%q has no Danish translation", f)
			continue
		}
		if got, want := fmtVerb.FindAllString(da, -1), fmtVerb.FindAllString(f, -1); !slices.Equal(got, want) {
			t.Errorf("%q: Danish verbs %v, English %v", f, got, want)
		}
	}
	for f := range danish {
		if !found[f] {
			t.Errorf("%q is translated but not used", f)
		}
	}
}
