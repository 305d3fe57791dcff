package kle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// Excerpts of the real files, see testdata/SOURCES.md.
const (
	xmlExcerpt    = "testdata/KLE-Emneplan_2015-08-01_excerpt.xml"
	os2kleExcerpt = "testdata/OS2KLE_3.23_excerpt.txt"
)

// The complete files, present in the development workspace only.
var (
	fullXML    = filepath.Join("..", "..", "..", "shared", "data", "kle", "KLE-Emneplan_2015-08-01.xml")
	fullOS2KLE = filepath.Join("..", "..", "..", "shared", "data", "kle", "OS2KLE_3.23_2026-02.txt")
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readShared reads one of the complete files, skipping the test when the
// workspace does not have it.
func readShared(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is not present; the test of the complete file is skipped", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func byCode(ed *Edition) map[string]samspil.Task {
	m := make(map[string]samspil.Task, len(ed.Tasks))
	for _, t := range ed.Tasks {
		m[t.Code] = t
	}
	return m
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// wantTask checks one task's fields; expired is "" for a current task.
func wantTask(t *testing.T, tasks map[string]samspil.Task, code string, level int, title, parent, expired string) {
	t.Helper()
	got, ok := tasks[code]
	if !ok {
		t.Errorf("%s missing", code)
		return
	}
	if got.Level != level || got.Title != title || got.ParentCode != parent {
		t.Errorf("%s = level %d %q parent %q; want level %d %q parent %q", code, got.Level, got.Title, got.ParentCode, level, title, parent)
	}
	switch {
	case expired == "" && got.ExpiredAt != nil:
		t.Errorf("%s expired at %v; want current", code, got.ExpiredAt)
	case expired != "" && got.ExpiredAt == nil:
		t.Errorf("%s current; want expired at %s", code, expired)
	case expired != "" && !got.ExpiredAt.Equal(date(expired)):
		t.Errorf("%s expired at %v; want %s", code, got.ExpiredAt, expired)
	case got.ExpiredAt != nil && (got.ExpiredAt.Location() != time.UTC || !got.ExpiredAt.Equal(got.ExpiredAt.Truncate(24*time.Hour))):
		t.Errorf("%s expired at %v; want midnight UTC", code, got.ExpiredAt)
	}
}

// counts returns the number of tasks and of expired tasks by level.
func counts(ed *Edition) (all, expired [4]int) {
	for _, t := range ed.Tasks {
		all[t.Level]++
		if t.ExpiredAt != nil {
			expired[t.Level]++
		}
	}
	return all, expired
}

// checkEdition checks what every successfully parsed edition promises.
func checkEdition(t *testing.T, ed *Edition) {
	t.Helper()
	if ed == nil {
		t.Fatal("nil edition without error")
	}
	if len(ed.Tasks) == 0 {
		t.Fatal("no tasks without error")
	}
	var levels []int
	switch ed.Format {
	case FormatXML:
		levels = []int{1, 2, 3}
	case FormatOS2KLE:
		levels = []int{3}
	default:
		t.Fatalf("format %q", ed.Format)
	}
	if !equalInts(ed.Levels, levels) {
		t.Errorf("levels %v; want %v", ed.Levels, levels)
	}
	if ed.Published != "" {
		if _, ok := parseDate(ed.Published); !ok {
			t.Errorf("published %q is not a date", ed.Published)
		}
	}
	index := map[string]int{}
	for i, task := range ed.Tasks {
		if task.Level < 1 || task.Level > 3 || !isCode(task.Code, task.Level) {
			t.Fatalf("task %d: code %q at level %d", i, task.Code, task.Level)
		}
		if _, dup := index[task.Code]; dup {
			t.Fatalf("task %d: duplicate code %s", i, task.Code)
		}
		index[task.Code] = i
		if !utf8.ValidString(task.Title) || task.Title == "" || task.Title != strings.Join(strings.Fields(task.Title), " ") ||
			utf8.RuneCountInString(task.Title) > MaxTitleRunes || strings.IndexFunc(task.Title, unicode.IsControl) >= 0 {
			t.Fatalf("task %s: title %q", task.Code, task.Title)
		}
		if task.ExpiredAt != nil && (ed.Format != FormatXML || task.ExpiredAt.Location() != time.UTC || task.ExpiredAt.Hour() != 0) {
			t.Fatalf("task %s: expired at %v", task.Code, task.ExpiredAt)
		}
		switch {
		case task.Level == 1 && task.ParentCode != "":
			t.Fatalf("main group %s has parent %q", task.Code, task.ParentCode)
		case task.Level > 1 && task.ParentCode != task.Code[:len(task.Code)-3]:
			t.Fatalf("%s has parent %q", task.Code, task.ParentCode)
		}
		if ed.Format == FormatOS2KLE {
			if task.Level != 3 {
				t.Fatalf("OS2KLE task %s at level %d", task.Code, task.Level)
			}
			continue
		}
		if task.Level > 1 {
			// XML: the parent is in the edition and comes first.
			if pi, ok := index[task.ParentCode]; !ok || ed.Tasks[pi].Level != task.Level-1 {
				t.Fatalf("%s: parent %s not before it", task.Code, task.ParentCode)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wantError checks that err is a *samspil.Error with the code whose
// message contains each of the parts.
func wantError(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	var se *samspil.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T); want *samspil.Error %s", err, err, code)
	}
	if se.Code != code {
		t.Fatalf("error %v; want code %s", err, code)
	}
	for _, p := range parts {
		if !strings.Contains(se.Message, p) {
			t.Errorf("message %q does not contain %q", se.Message, p)
		}
	}
	if len(se.Fields) != 1 || se.Fields[0].Path != "file" {
		t.Errorf("fields %+v; want one on \"file\"", se.Fields)
	}
}

func TestParseXMLExcerpt(t *testing.T) {
	ed, err := ParseXML(bytes.NewReader(readFile(t, xmlExcerpt)))
	if err != nil {
		t.Fatal(err)
	}
	checkEdition(t, ed)
	if ed.Format != FormatXML || ed.Published != "2015-08-01" {
		t.Errorf("format %q published %q", ed.Format, ed.Published)
	}
	all, expired := counts(ed)
	if all != [4]int{0, 4, 7, 13} || expired != [4]int{0, 1, 3, 6} {
		t.Errorf("counts %v, expired %v", all, expired)
	}
	want := []string{"00", "00.01", "00.01.00", "00.01.10", "00.02", "00.02.00", "00.03", "00.03.00", "00.03.01", "00.03.02",
		"00.10", "00.10.00", "00.10.01", "11", "11.00", "11.00.00", "17", "17.20", "17.20.00", "17.20.25", "27", "27.24", "27.24.00", "27.24.03"}
	var got []string
	for _, t := range ed.Tasks {
		got = append(got, t.Code)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("codes in order\n%v\nwant\n%v", got, want)
	}
	m := byCode(ed)
	wantTask(t, m, "27", 1, "Social service", "", "")
	wantTask(t, m, "27.24", 2, "Særlig støtte til børn og unge", "27", "")
	wantTask(t, m, "27.24.00", 3, "Særlig støtte til børn og unge i almindelighed", "27.24", "")
	// Discontinued (<UdgaaetDato>), at every level.
	wantTask(t, m, "11", 1, "Øforhold [udgået]", "", "2003-02-01")
	wantTask(t, m, "00.02", 2, "Andre myndigheders virksomhed/udvikling [udgået]", "00", "2000-01-01")
	wantTask(t, m, "00.03.01", 3, "Europarådet [udgået]", "00.03", "1996-01-01")
	// Moved (<Flyttet>), with and without <AfloestAf>; the numbers in
	// <AfloestAf> (15.40, 15.40.00) are references, not items.
	wantTask(t, m, "00.10", 2, "Integration og udlændinge [udgået]", "00", "2014-11-01")
	wantTask(t, m, "00.10.00", 3, "Integration og udlændinge i almindelighed [udgået]", "00.10", "2014-11-01")
	wantTask(t, m, "17.20.25", 3, "Optagelse i skolefritidsordning (SFO) [udgået]", "17.20", "2011-02-01")
	if _, ok := m["15.40"]; ok {
		t.Error("15.40 from <AfloestAf> read as a group")
	}
}

func TestParseOS2KLEExcerpt(t *testing.T) {
	ed, err := ParseOS2KLE(bytes.NewReader(readFile(t, os2kleExcerpt)))
	if err != nil {
		t.Fatal(err)
	}
	checkEdition(t, ed)
	if ed.Format != FormatOS2KLE || ed.Published != "" || len(ed.Tasks) != 17 {
		t.Errorf("format %q published %q, %d tasks", ed.Format, ed.Published, len(ed.Tasks))
	}
	m := byCode(ed)
	wantTask(t, m, "00.01.00", 3, "Kommunens styrelse i almindelighed", "00.01", "")
	wantTask(t, m, "27.00.00", 3, "Social service i almindelighed", "27.00", "")
	wantTask(t, m, "27.03.40", 3, "Forsyningsansvar - tilbud efter serviceloven og ældreloven", "27.03", "")
	wantTask(t, m, "32.30.04", 3, "Udbetaling af sygedagpenge", "32.30", "") // the longest line of the file
	wantTask(t, m, "88.24.20", 3, "Udbud med forhandling uden forudgående offentliggørelse", "88.24", "")
}

func TestParseDetectsFormat(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		prefix       string
	}{
		{xmlExcerpt, FormatXML, ""},
		{xmlExcerpt, FormatXML, "\uFEFF\n  \r\n\t"},
		{os2kleExcerpt, FormatOS2KLE, ""},
		{os2kleExcerpt, FormatOS2KLE, "\uFEFF\r\n\n  \n"},
	} {
		ed, err := Parse(strings.NewReader(tc.prefix + string(readFile(t, tc.file))))
		if err != nil {
			t.Fatalf("%s with %q before it: %v", tc.file, tc.prefix, err)
		}
		if ed.Format != tc.format {
			t.Errorf("%s: format %q; want %q", tc.file, ed.Format, tc.format)
		}
		checkEdition(t, ed)
	}
}

func TestParseFullXML(t *testing.T) {
	data := readShared(t, fullXML)
	ed, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	checkEdition(t, ed)
	if ed.Format != FormatXML || ed.Published != "2015-08-01" {
		t.Errorf("format %q published %q", ed.Format, ed.Published)
	}
	// shared/data/SOURCES.md: 41 main groups, 691 groups, 3457 topics
	// incl. historic ones. Historic are 4 + 178 + 1074 with <UdgaaetDato>
	// (as in kle_emneplan_2015-08-01_flat.csv) and 1 + 33 + 247 with
	// <Flyttet>, moved to another number.
	all, expired := counts(ed)
	if all != [4]int{0, 41, 691, 3457} {
		t.Errorf("counts %v; want 41 main groups, 691 groups, 3457 topics", all)
	}
	if expired != [4]int{0, 4 + 1, 178 + 33, 1074 + 247} {
		t.Errorf("expired %v; want 5 main groups, 211 groups, 1321 topics", expired)
	}
	m := byCode(ed)
	wantTask(t, m, "27", 1, "Social service", "", "")
	wantTask(t, m, "27.24", 2, "Særlig støtte til børn og unge", "27", "")
	wantTask(t, m, "27.24.00", 3, "Særlig støtte til børn og unge i almindelighed", "27.24", "")
	wantTask(t, m, "00.01.00", 3, "Kommunens styrelse i almindelighed", "00.01", "")
	wantTask(t, m, "00.03.08", 3, "EU-interessevaretagelse", "00.03", "")               // trailing space in the file
	wantTask(t, m, "16", 1, "Social- og sundhedsvirksomhed [udgået]", "", "2010-02-01") // <Flyttet> (title has a trailing space)
	wantTask(t, m, "26", 1, "Retsvæsen og militær [udgået]", "", "2000-01-01")          // <UdgaaetDato>
	wantTask(t, m, "00.02.00", 3, "Andre myndigheders virksomhed/udvikling i almindelighed [udgået]", "00.02", "2000-01-01")
	wantTask(t, m, "00.10", 2, "Integration og udlændinge [udgået]", "00", "2014-11-01")
	wantTask(t, m, "17.20.25", 3, "Optagelse i skolefritidsordning (SFO) [udgået]", "17.20", "2011-02-01")
}

func TestParseFullOS2KLE(t *testing.T) {
	data := readShared(t, fullOS2KLE)
	ed, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	checkEdition(t, ed)
	if ed.Format != FormatOS2KLE || len(ed.Tasks) != 2390 {
		t.Errorf("format %q, %d topics; want 2390", ed.Format, len(ed.Tasks))
	}
	m := byCode(ed)
	wantTask(t, m, "00.01.00", 3, "Kommunens styrelse i almindelighed", "00.01", "")
	wantTask(t, m, "00.03.08", 3, "EU-interessevaretagelse", "00.03", "")
	wantTask(t, m, "27.00.00", 3, "Social service i almindelighed", "27.00", "")
	wantTask(t, m, "85.02.10", 3, "Sagsstyring", "85.02", "")
	// 27.24.00 "Særlig støtte til børn og unge i almindelighed" of the
	// 2015 plan is no longer a topic in KLE 2026-02 (OS2KLE 3.23).
	if task, ok := m["27.24.00"]; ok {
		t.Errorf("27.24.00 present: %+v", task)
	}
}

// hostile inputs: each must give a clear error, without panic.
var hostile = []struct {
	name  string
	parse func(io.Reader) (*Edition, error)
	input string
	code  string
	parts []string // in the message
}{
	{"empty", Parse, "", samspil.EINVALID, []string{"line 1", "empty"}},
	{"only white space", Parse, " \n\t\r\n\n", samspil.EINVALID, []string{"empty"}},
	{"only a BOM", Parse, "\uFEFF", samspil.EINVALID, []string{"empty"}},
	{"empty XML", ParseXML, "", samspil.EINVALID, []string{"line 1", "no <KLE-Emneplan>"}},
	{"empty OS2KLE", ParseOS2KLE, "", samspil.EINVALID, []string{"line 1", "without a KLENummer line"}},
	{"blank OS2KLE", ParseOS2KLE, "\n\n  \n", samspil.EINVALID, []string{"line 4", "without a KLENummer line"}},
	{"non-KLE text", Parse, "Hello, world\nthis is not KLE\n", samspil.EINVALID, []string{"line 1", "not a KLE file"}},
	{"non-KLE text after blank lines", Parse, "\n\n  {\"json\": true}", samspil.EINVALID, []string{"line 3", "not a KLE file"}},
	{"non-KLE text as OS2KLE", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='A'\nHello, world\n", samspil.EINVALID, []string{"line 2", "expected KLENummer"}},
	{"CSV as OS2KLE", ParseOS2KLE, "level,nr,titel\n3,00.01.00,Kommunens styrelse\n", samspil.EINVALID, []string{"line 1", "expected KLENummer"}},
	{"JSON as XML", ParseXML, `{"KLE-Emneplan": []}`, samspil.EINVALID, []string{"line 1", "text outside the <KLE-Emneplan> element"}},

	{"truncated XML", Parse, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><Hovedgrup", samspil.EINVALID, []string{"line 1", "XML syntax error"}},
	{"truncated XML at an element end", Parse, "<KLE-Emneplan>\n<Hovedgruppe>\n<HovedgruppeNr>00</HovedgruppeNr>\n", samspil.EINVALID, []string{"line 4", "unexpected EOF"}},
	{"wrong root", Parse, `<?xml version="1.0"?><rss><channel/></rss>`, samspil.EINVALID, []string{"line 1", "root element is <rss>"}},
	{"XHTML", Parse, "<html>\n<body><p>KLE</p></body></html>", samspil.EINVALID, []string{"root element is <html>"}},
	{"two roots", ParseXML, minimalXML + "<KLE-Emneplan/>", samspil.EINVALID, []string{"after the end of <KLE-Emneplan>"}},
	{"text after the root", ParseXML, minimalXML + "trailing", samspil.EINVALID, []string{"text outside"}},
	{"no main groups", ParseXML, "<KLE-Emneplan><UdgivelsesDato>2015-08-01</UdgivelsesDato></KLE-Emneplan>", samspil.EINVALID, []string{"holds no <Hovedgruppe>"}},
	{"billion laughs", Parse, billionLaughs, samspil.EINVALID, []string{"line 2", "<!DOCTYPE> declarations are not allowed"}},
	{"external entity", Parse, `<?xml version="1.0"?>
<!DOCTYPE KLE-Emneplan [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>&xxe;</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>`,
		samspil.EINVALID, []string{"line 2", "DOCTYPE"}},
	{"undeclared entity", Parse, `<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>&lol9;</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>`,
		samspil.EINVALID, []string{"line 1", "XML syntax error", "entity"}},
	{"HTML entity", ParseXML, `<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A&nbsp;B</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>`,
		samspil.EINVALID, []string{"XML syntax error"}},
	{"Latin-1 declared", ParseXML, `<?xml version="1.0" encoding="ISO-8859-1"?><KLE-Emneplan/>`, samspil.EINVALID, []string{"line 1", "ISO-8859-1"}},
	{"invalid UTF-8 in XML", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>K\xf8benhavn</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 2", "UTF-8"}},
	{"invalid UTF-8 in an XML comment", ParseXML, "<KLE-Emneplan>\n<!-- \xff -->" + minimalItems + "</KLE-Emneplan>", samspil.EINVALID, []string{"line 2", "UTF-8"}},
	{"invalid UTF-8 in OS2KLE", Parse, "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\n\nKLENummer='00.01.10':KLETitel='K\xf8benhavn':Keywords[Weight]=\n",
		samspil.EINVALID, []string{"line 3", "UTF-8"}},
	{"invalid UTF-8 in OS2KLE keywords", Parse, "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\xc3\x28[5];\n", samspil.EINVALID, []string{"line 1", "UTF-8"}},

	{"topic outside a group", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel>\n<Emne><EmneNr>00.01.00</EmneNr><EmneTitel>B</EmneTitel></Emne></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 2", "<Emne> inside <Hovedgruppe>", "topic must be directly inside a <Gruppe>"}},
	{"group outside a main group", ParseXML, "<KLE-Emneplan><Gruppe><GruppeNr>00.01</GruppeNr><GruppeTitel>B</GruppeTitel></Gruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"<Gruppe> inside <KLE-Emneplan>"}},
	{"topic in the wrong group", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>27</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel>\n<Gruppe><GruppeNr>27.23</GruppeNr><GruppeTitel>B</GruppeTitel>\n<Emne><EmneNr>27.24.00</EmneNr><EmneTitel>C</EmneTitel></Emne></Gruppe></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 3", "topic 27.24.00 is inside group 27.23"}},
	{"group in the wrong main group", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>27</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel>\n<Gruppe><GruppeNr>28.24</GruppeNr><GruppeTitel>B</GruppeTitel></Gruppe></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 2", "group 28.24 is inside main group 27"}},
	{"duplicate code in XML", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel></Hovedgruppe>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>B</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 3", "main group 00 appears twice (first on line 2)"}},
	{"duplicate code in OS2KLE", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\nKLENummer='00.01.00':KLETitel='B':Keywords[Weight]=\n",
		samspil.EINVALID, []string{"line 2", "topic 00.01.00 appears twice (first on line 1)"}},
	{"missing number", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeTitel>A</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"line 2", "has no <HovedgruppeNr>"}},
	{"missing title", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"line 2", "00 has no <HovedgruppeTitel>"}},
	{"empty title", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel> </HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"line 2", "title is empty"}},
	{"two titles", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel><HovedgruppeTitel>B</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"line 2", "more than one <HovedgruppeTitel>"}},
	{"element inside a title", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A<b>B</b></HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"unexpected element <b> inside <HovedgruppeTitel>"}},
	{"bad main group number", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>0A</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{`<HovedgruppeNr> "0A" is not a main group number (NN)`}},
	{"topic number as group number", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel><Gruppe><GruppeNr>00.01.00</GruppeNr><GruppeTitel>B</GruppeTitel></Gruppe></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"not a group number (NN.NN)"}},
	{"bad OS2KLE number", ParseOS2KLE, "KLENummer='00.1.00':KLETitel='A':Keywords[Weight]=\n", samspil.EINVALID, []string{"line 1", `KLENummer "00.1.00" is not a topic number`}},
	{"group number in OS2KLE", ParseOS2KLE, "KLENummer='00.01':KLETitel='A':Keywords[Weight]=\n", samspil.EINVALID, []string{"line 1", "not a topic number (NN.NN.NN)"}},
	{"unclosed OS2KLE number", ParseOS2KLE, "KLENummer='00.01.00\n", samspil.EINVALID, []string{"line 1", "KLENummer is not closed"}},
	{"OS2KLE without title", ParseOS2KLE, "KLENummer='00.01.00':Keywords[Weight]=a[5];\n", samspil.EINVALID, []string{"line 1", "expected :KLETitel="}},
	{"unclosed OS2KLE title", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='Kommunens styrelse\n", samspil.EINVALID, []string{"line 1", "KLETitel of 00.01.00 is not closed"}},
	{"empty OS2KLE title", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='  ':Keywords[Weight]=\n", samspil.EINVALID, []string{"line 1", "title is empty"}},
	{"control character in OS2KLE title", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='A\x00B':Keywords[Weight]=\n", samspil.EINVALID, []string{"line 1", "control character U+0000"}},
	{"long OS2KLE title", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='" + strings.Repeat("ø", MaxTitleRunes+1) + "'\n", samspil.EINVALID, []string{"line 1", "longer than 1000 characters"}},
	{"long XML title", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>" + strings.Repeat("ø", MaxTitleRunes+1) + "</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"longer than 1000 characters"}},
	{"huge XML title", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>" + strings.Repeat("a", 1<<20) + "</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>", samspil.EINVALID, []string{"text of <HovedgruppeTitel> is longer than 1000 characters"}},
	{"bad date", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel><HovedgruppeAdministrativInfo><Historisk>\n<UdgaaetDato>01-01-2000</UdgaaetDato></Historisk></HovedgruppeAdministrativInfo></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 2", `<UdgaaetDato> "01-01-2000" is not a date`}},
	{"impossible date", ParseXML, "<KLE-Emneplan><UdgivelsesDato>2015-02-30</UdgivelsesDato>" + minimalItems + "</KLE-Emneplan>", samspil.EINVALID, []string{`<UdgivelsesDato> "2015-02-30" is not a date`}},
	{"historic without a date", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel><HovedgruppeAdministrativInfo><Historisk/></HovedgruppeAdministrativInfo></Hovedgruppe></KLE-Emneplan>",
		samspil.EINVALID, []string{"line 2", "<Historisk> of main group 00 has neither <UdgaaetDato> nor <FlyttetDato>"}},
	{"deep nesting", ParseXML, "<KLE-Emneplan>" + strings.Repeat("<a>", 10_000), samspil.EINVALID, []string{"nested more than 64 deep"}},

	{"huge single line", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\n" + "KLENummer='00.01.10':KLETitel='B':Keywords[Weight]=" + strings.Repeat("x[5];", MaxLineBytes/5+1) + "\n",
		samspil.EINVALID, []string{"line 2", "longer than 256 KiB"}},
	{"huge single line without newline", Parse, strings.Repeat("KLENummer=", 2*MaxLineBytes/10), samspil.EINVALID, []string{"line 1", "longer than 256 KiB"}},
	{"huge single line of text", Parse, strings.Repeat("lorem ipsum ", MaxLineBytes/6), samspil.EINVALID, []string{"line 1", "not a KLE file"}},
}

const (
	minimalItems = "<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>Kommunens styrelse</HovedgruppeTitel></Hovedgruppe>"
	minimalXML   = "<KLE-Emneplan>" + minimalItems + "</KLE-Emneplan>"
)

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE KLE-Emneplan [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>&lol9;</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>`

func TestHostileInput(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			ed, err := tc.parse(strings.NewReader(tc.input))
			if err == nil {
				t.Fatalf("no error; edition %+v", ed)
			}
			if ed != nil {
				t.Errorf("edition %+v with error", ed)
			}
			wantError(t, err, tc.code, tc.parts...)
		})
	}
}

// Inputs that look odd but are valid.
func TestParseEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parse  func(io.Reader) (*Edition, error)
		input  string
		titles map[string]string
	}{
		{"OS2KLE title with quotes and colons", ParseOS2KLE,
			"KLENummer='00.01.00':KLETitel='Lov om 'frit valg': § 3, stk. 2':Keywords[Weight]=a[5];b':c[5];\n",
			map[string]string{"00.01.00": "Lov om 'frit valg': § 3, stk. 2"}},
		{"OS2KLE escaped quote", ParseOS2KLE, `KLENummer='00.01.00':KLETitel='Kommunens \'styrelse\'':Keywords[Weight]=`,
			map[string]string{"00.01.00": "Kommunens 'styrelse'"}},
		{"OS2KLE without keywords, CRLF, BOM, blank lines, no final newline", Parse,
			"\uFEFFKLENummer='00.01.00':KLETitel='A  b '\r\n\r\n \t\r\nKLENummer='00.01.10':KLETitel='C':Keywords[Weight]=",
			map[string]string{"00.01.00": "A b", "00.01.10": "C"}},
		{"OS2KLE topics of one group out of order", ParseOS2KLE,
			"KLENummer='85.02.10':KLETitel='Sagsstyring':Keywords[Weight]=\nKLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\n",
			map[string]string{"85.02.10": "Sagsstyring", "00.01.00": "A"}},
		{"XML with namespace, CDATA, entities, comments, Nr after children", ParseXML, `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<?xml-stylesheet href="kle.xsl"?>
<KLE-Emneplan xmlns="urn:example:kle">
  <Hovedgruppe>
    <Gruppe>
      <Emne><EmneTitel><![CDATA[Ting & sager <i almindelighed>]]></EmneTitel><EmneNr> 00.01.00 </EmneNr></Emne>
      <GruppeTitel>Kommunens
         styrelse &amp; &#x00E6;ndringer</GruppeTitel>
      <GruppeNr>00.01</GruppeNr>
    </Gruppe>
    <HovedgruppeNr>00</HovedgruppeNr>
    <HovedgruppeTitel>Kommunens <!-- not part of the title -->styrelse</HovedgruppeTitel>
    <Unknown><Emne>ignored inside an unknown element</Emne></Unknown>
  </Hovedgruppe>
</KLE-Emneplan>
`, map[string]string{"00": "Kommunens styrelse", "00.01": "Kommunens styrelse & ændringer", "00.01.00": "Ting & sager <i almindelighed>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ed, err := tc.parse(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			checkEdition(t, ed)
			if len(ed.Tasks) != len(tc.titles) {
				t.Errorf("%d tasks: %+v", len(ed.Tasks), ed.Tasks)
			}
			for _, task := range ed.Tasks {
				if want, ok := tc.titles[task.Code]; !ok || task.Title != want {
					t.Errorf("%s: %q; want %q", task.Code, task.Title, want)
				}
			}
		})
	}
}

func TestLimits(t *testing.T) {
	small := defaultLimits
	small.maxBytes = 4 << 10
	small.maxItems = 3
	// Items: the 4th of each format is one too many.
	xmlItems, os2Items := "<KLE-Emneplan>", ""
	for i := range 4 {
		xmlItems += "\n" + strings.Replace(minimalItems, ">00<", fmt.Sprintf(">%02d<", i), 1)
		os2Items += fmt.Sprintf("KLENummer='00.01.%02d':KLETitel='A'\n", i)
	}
	_, err := parse(strings.NewReader(xmlItems+"</KLE-Emneplan>"), FormatXML, small)
	wantError(t, err, samspil.ETOOLARGE, "line 5", "more than 3 main groups, groups and topics")
	_, err = parse(strings.NewReader(os2Items), "", small)
	wantError(t, err, samspil.ETOOLARGE, "line 4", "more than 3 topics")

	// Line length: exactly the limit is fine, one byte more is not.
	line := "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]="
	line += strings.Repeat("x", MaxLineBytes-len(line))
	for _, end := range []string{"", "\n", "\r\n"} {
		next := ""
		if end != "" {
			next = "KLENummer='00.01.10':KLETitel='B'\n"
		}
		if _, err := ParseOS2KLE(strings.NewReader(line + end + next)); err != nil {
			t.Errorf("line of %d bytes ending %q: %v", len(line), end, err)
		}
		_, err := ParseOS2KLE(strings.NewReader(line + "x" + end))
		wantError(t, err, samspil.EINVALID, "line 1: the line is longer than 256 KiB")
	}

	// Size: exactly the limit is fine, one byte more is not.
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }
	for _, format := range []string{FormatXML, FormatOS2KLE} {
		input := minimalXML
		if format == FormatOS2KLE {
			input = "KLENummer='00.01.00':KLETitel='A'\n"
		}
		if _, err := parse(strings.NewReader(pad(input, 4<<10)), "", small); err != nil {
			t.Errorf("%s of exactly 4 KiB: %v", format, err)
		}
		_, err := parse(strings.NewReader(pad(input, 4<<10+1)), "", small)
		wantError(t, err, samspil.ETOOLARGE, "larger than 4 KiB")
	}
}

// endless repeats its pattern without end.
type endless struct {
	head, pattern []byte
	off           int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.head) > 0 {
			c := copy(p[n:], e.head)
			e.head = e.head[c:]
			n += c
			continue
		}
		c := copy(p[n:], e.pattern[e.off:])
		e.off = (e.off + c) % len(e.pattern)
		n += c
	}
	return n, nil
}

// TestEndlessInput feeds streams without end: each stops at a limit with
// bounded memory.
func TestEndlessInput(t *testing.T) {
	for _, tc := range []struct {
		name          string
		parse         func(io.Reader) (*Edition, error)
		head, pattern string
		code          string
		part          string
	}{
		{"one endless OS2KLE line", Parse, "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=", "x[5];", samspil.EINVALID, "longer than 256 KiB"},
		{"endless blank lines", ParseOS2KLE, "", strings.Repeat(" ", 1000) + "\n", samspil.ETOOLARGE, "larger than 64 MiB"},
		{"endless XML text", ParseXML, "<KLE-Emneplan>" + minimalItems, "<x>" + strings.Repeat(" ", 1<<16) + "</x>", samspil.ETOOLARGE, "larger than 64 MiB"},
		{"endless XML comment", ParseXML, "<KLE-Emneplan>\n<!--", "lol ", samspil.EINVALID, "line 2: a text, comment or tag longer than 256 KiB"},
		{"endless XML tag", ParseXML, "<KLE-Emneplan>\n<Hovedgruppe", ` a="b"`, samspil.EINVALID, "line 2: a text, comment or tag longer than 256 KiB"},
		{"endless XML title", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeTitel>", "lol ", samspil.EINVALID, "text of <HovedgruppeTitel> is longer than 1000 characters"},
		{"endless XML title in pieces", ParseXML, "<KLE-Emneplan><Hovedgruppe><HovedgruppeTitel>", "<![CDATA[lol ]]>", samspil.EINVALID, "text of <HovedgruppeTitel> is longer than 1000 characters"},
		{"endless XML nesting", ParseXML, "<KLE-Emneplan>", "<a>", samspil.EINVALID, "nested more than 64 deep"},
		{"endless XML main groups", ParseXML, "<KLE-Emneplan>", "<Hovedgruppe/>", samspil.EINVALID, "has no <HovedgruppeNr>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.code == samspil.ETOOLARGE {
				t.Skip("reads 64 MiB")
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := tc.parse(&endless{head: []byte(tc.head), pattern: []byte(tc.pattern)})
			runtime.ReadMemStats(&after)
			wantError(t, err, tc.code, tc.part)
			// All that was allocated, not just the peak: streaming 64 MiB
			// must not allocate in proportion to it.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			} else {
				t.Logf("allocated %d KiB", alloc>>10)
			}
		})
	}
}

// failingReader fails after some data.
type failingReader struct{ data []byte }

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errDisk
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func(io.Reader) (*Edition, error)
		data  string
	}{
		{"xml", ParseXML, "<KLE-Emneplan>" + minimalItems},
		{"os2kle", ParseOS2KLE, "KLENummer='00.01.00':KLETitel='A'\n"},
		{"sniff", Parse, "KLENummer='00.01.00':KLETitel='A'\n"},
	} {
		_, err := tc.parse(&failingReader{data: []byte(tc.data)})
		if !errors.Is(err, errDisk) {
			t.Errorf("%s: error %v; want the reader's error", tc.name, err)
		}
		if code := samspil.ErrorCode(err); code != samspil.EINTERNAL {
			t.Errorf("%s: code %s; want internal", tc.name, code)
		}
	}
}
