// Package orgcsv reads a list of municipalities from a file with the
// columns country, code, name, region and population, so that
// organisations outside Denmark (whose municipalities ship with samspil)
// can be registered in one go: samspil orgs load FILE.
//
// The file is CSV (UTF-8; ',', ';' or tab between values) or an Excel
// workbook, read with package tabular. Every problem is reported with its
// row and column, all of them at once, and none of the rows is used when
// one has a problem.
package orgcsv

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// Columns are the columns of the file, in the order of the header.
var Columns = []string{"country", "code", "name", "region", "population"}

// Header is the header line of the file.
var Header = strings.Join(Columns, ",")

// RowError is a problem with a cell or a row.
type RowError struct {
	Line    int    // the row as a spreadsheet shows it; the header is row 1
	Column  string // one of Columns; "" for the row as a whole
	Message string
}

func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Line, e.Column, e.Message)
}

// Error lists the problems of a file.
type Error struct {
	Errors []RowError // the first maxErrors
	Total  int
}

const maxErrors = 50

func (e *Error) Error() string {
	var b strings.Builder
	if e.Total == 1 {
		b.WriteString("the file has an error")
	} else {
		fmt.Fprintf(&b, "the file has %d errors", e.Total)
	}
	b.WriteString("; nothing was loaded:")
	for _, r := range e.Errors {
		b.WriteString("\n  " + r.String())
	}
	if e.Total > len(e.Errors) {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Total-len(e.Errors))
	}
	return b.String()
}

func (e *Error) add(line int, column, format string, args ...any) {
	e.Total++
	if len(e.Errors) < maxErrors {
		e.Errors = append(e.Errors, RowError{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
	}
}

// fieldColumns name the column of a field of samspil.Organization.
var fieldColumns = map[string]string{"country": "country", "municipality_code": "code", "name": "name", "region": "region", "population": "population"}

// Parse reads the file r, named name (for its extension), and returns the
// municipalities it lists: each with its population as the figure of year
// when one is given. Problems are an *Error; a file that cannot be read
// as a table is the *samspil.Error of package tabular.
func Parse(r io.Reader, name string, year int) ([]samspil.OrganizationInput, error) {
	t, err := tabular.Open(r, name, tabular.Limits{})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	errs := &Error{}
	col := map[string]int{}
	for i, h := range t.Header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(Columns, h):
			errs.add(t.Line(), "", "column %d of the header is %q; the header must be %s", i+1, t.Header[i], Header)
		case col[h] != 0:
			errs.add(t.Line(), "", "the header has the column %s twice", h)
		default:
			col[h] = i + 1
		}
	}
	for _, c := range Columns {
		if col[c] == 0 {
			errs.add(t.Line(), "", "the header lacks the column %s; it must be %s", c, Header)
		}
	}
	if errs.Total > 0 {
		return nil, errs
	}
	cell := func(row []string, c string) string { return strings.TrimSpace(row[col[c]-1]) }
	var out []samspil.OrganizationInput
	first := map[string]int{} // country and code -> row
	for t.Next() {
		row, line := t.Row(), t.Line()
		in := samspil.OrganizationInput{Kind: samspil.KindMunicipality, Country: strings.ToUpper(cell(row, "country")),
			MunicipalityCode: cell(row, "code"), Name: cell(row, "name"), Region: cell(row, "region")}
		ok := true
		switch {
		case in.Country == "":
			errs.add(line, "country", "is required: the ISO 3166-1 alpha-2 code of the country, such as SE")
			ok = false
		case !samspil.KnownCountry(in.Country):
			errs.add(line, "country", "%q is not an ISO 3166-1 alpha-2 country code such as SE", cell(row, "country"))
			ok = false
		}
		if in.MunicipalityCode == "" {
			errs.add(line, "code", "is required: the municipality's national code")
			ok = false
		}
		if in.Name == "" {
			errs.add(line, "name", "is required")
			ok = false
		}
		if p := cell(row, "population"); p != "" {
			n, err := strconv.Atoi(p)
			switch {
			case err != nil:
				errs.add(line, "population", "%q is not a whole number of inhabitants", p)
				ok = false
			case n < 0:
				errs.add(line, "population", "must not be negative")
				ok = false
			default:
				in.Population = []samspil.Population{{Year: year, Inhabitants: n}}
			}
		}
		if !ok {
			continue
		}
		key := in.Country + " " + in.MunicipalityCode
		if r, dup := first[key]; dup {
			errs.add(line, "code", "%s %s appears twice: on row %d too", in.Country, in.MunicipalityCode, r)
			continue
		}
		first[key] = line
		in.Normalize()
		o := in.Organization()
		if err := o.Validate(); err != nil {
			var e *samspil.Error
			if !errors.As(err, &e) {
				return nil, err
			}
			for _, f := range e.Fields {
				c := fieldColumns[strings.SplitN(f.Path, "[", 2)[0]]
				errs.add(line, c, "%s", f.Message)
			}
			continue
		}
		out = append(out, in)
	}
	if err := t.Err(); err != nil {
		return nil, err
	}
	if errs.Total > 0 {
		return nil, errs
	}
	if len(out) == 0 {
		return nil, &Error{Total: 1, Errors: []RowError{{Line: t.Line() + 1, Message: "the file has no rows below the header"}}}
	}
	return out, nil
}
