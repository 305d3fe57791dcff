package kle

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/: small excerpts of the
// real files, edge cases and hostile inputs. Run, for example:
//
//	go test -run='^$' -fuzz=FuzzParseXML -fuzztime=60s -fuzzminimizetime=3s ./internal/kle/
//
// Without -fuzzminimizetime the workers may spend most of the time
// minimising new interesting inputs (shown as "0/sec"). A bare "context
// deadline exceeded" failure at the end of -fuzztime without a failing
// input is a race in Go's fuzzing coordinator (go.dev/issue/75804, fixed in
// Go 1.27), not a finding.

func FuzzParseXML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ed, err := ParseXML(bytes.NewReader(data))
		checkOutcome(t, ed, err)
		if looksLike(data, "<") {
			sameAsParse(t, data, ed, err)
		}
		if err == nil {
			roundTrip(t, ed, toXML(ed), ParseXML)
		}
	})
}

func FuzzParseOS2KLE(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ed, err := ParseOS2KLE(bytes.NewReader(data))
		checkOutcome(t, ed, err)
		if looksLike(data, "KLENummer=") {
			sameAsParse(t, data, ed, err)
		}
		if err == nil {
			roundTrip(t, ed, toOS2KLE(ed), ParseOS2KLE)
		}
	})
}

// checkOutcome checks that a parse gave either a valid edition or a
// *samspil.Error that says where the problem is.
func checkOutcome(t *testing.T, ed *Edition, err error) {
	t.Helper()
	if err == nil {
		checkEdition(t, ed)
		return
	}
	if ed != nil {
		t.Fatalf("edition with error %v", err)
	}
	var se *samspil.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *samspil.Error", err, err)
	}
	switch se.Code {
	case samspil.EINVALID:
		if !strings.HasPrefix(se.Message, "line ") {
			t.Fatalf("message %q names no line", se.Message)
		}
	case samspil.ETOOLARGE:
	default:
		t.Fatalf("error code %s: %v", se.Code, err)
	}
	if !utf8.ValidString(se.Message) || len(se.Message) > 400 {
		t.Fatalf("message %q", se.Message)
	}
}

// looksLike reports whether Parse takes data for the format that starts
// with prefix.
func looksLike(data []byte, prefix string) bool {
	data = bytes.TrimPrefix(data, utf8BOM)
	return len(data) < 64<<10 && bytes.HasPrefix(bytes.TrimLeft(data, xmlSpace), []byte(prefix))
}

// sameAsParse checks that Parse gives what the format's own function gave.
func sameAsParse(t *testing.T, data []byte, ed *Edition, err error) {
	t.Helper()
	ed2, err2 := Parse(bytes.NewReader(data))
	if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(ed, ed2) {
		t.Fatalf("Parse gave %+v, %v; the format's own function %+v, %v", ed2, err2, ed, err)
	}
}

// roundTrip writes an edition in its format and reads it again.
func roundTrip(t *testing.T, ed *Edition, data []byte, parse func(io.Reader) (*Edition, error)) {
	t.Helper()
	again, err := parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the edition again: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(ed, again) {
		t.Fatalf("read again as %+v; want %+v\n%s", again, ed, data)
	}
}

// toOS2KLE writes an OS2KLE file with the edition's topics.
func toOS2KLE(ed *Edition) []byte {
	var b bytes.Buffer
	for _, t := range ed.Tasks {
		fmt.Fprintf(&b, "KLENummer='%s':KLETitel='%s':Keywords[Weight]=\n", t.Code, strings.ReplaceAll(t.Title, "'", `\'`))
	}
	return b.Bytes()
}

// toXML writes an XML emneplan with the edition's items, each nested in
// its parent (tasks come parent first).
func toXML(ed *Edition) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KLE-Emneplan>\n")
	if ed.Published != "" {
		fmt.Fprintf(&b, "<UdgivelsesDato>%s</UdgivelsesDato>\n", ed.Published)
	}
	var open []int
	for _, t := range ed.Tasks {
		for len(open) > 0 && open[len(open)-1] >= t.Level {
			fmt.Fprintf(&b, "</%s>\n", itemElements[open[len(open)-1]])
			open = open[:len(open)-1]
		}
		name := itemElements[t.Level]
		fmt.Fprintf(&b, "<%s><%sNr>%s</%sNr><%sTitel>", name, name, t.Code, name, name)
		_ = xml.EscapeText(&b, []byte(t.Title))
		fmt.Fprintf(&b, "</%sTitel>", name)
		if t.ExpiredAt != nil {
			fmt.Fprintf(&b, "<%sAdministrativInfo><Historisk><UdgaaetDato>%s</UdgaaetDato></Historisk></%sAdministrativInfo>",
				name, t.ExpiredAt.Format(time.DateOnly), name)
		}
		b.WriteString("\n")
		open = append(open, t.Level)
	}
	for i := len(open) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "</%s>\n", itemElements[open[i]])
	}
	b.WriteString("</KLE-Emneplan>\n")
	return b.Bytes()
}
