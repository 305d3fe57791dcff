package kle

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// The XML emneplan, as far as it is read here (everything else, such as
// Vejledning, Retskilde, Stikord, Filter and Bevaring, is skipped):
//
//	<KLE-Emneplan>
//	  <UdgivelsesDato>2015-08-01</UdgivelsesDato>
//	  <Hovedgruppe>
//	    <HovedgruppeNr>00</HovedgruppeNr>
//	    <HovedgruppeTitel>…</HovedgruppeTitel>
//	    <HovedgruppeAdministrativInfo>
//	      <Historisk><UdgaaetDato>2000-01-01</UdgaaetDato></Historisk>
//	    </HovedgruppeAdministrativInfo>
//	    <Gruppe>
//	      <GruppeNr>00.01</GruppeNr> <GruppeTitel/> <GruppeAdministrativInfo/>
//	      <Emne>
//	        <EmneNr>00.01.00</EmneNr> <EmneTitel/>
//	        <EmneAdministrativInfo>
//	          <Historisk>
//	            <Flyttet><FlyttetDato>2014-11-01</FlyttetDato><AfloestAf>…</AfloestAf></Flyttet>
//	          </Historisk>
//	        </EmneAdministrativInfo>
//	      </Emne>
//	    </Gruppe>
//	  </Hovedgruppe>
//	</KLE-Emneplan>
//
// An item is historic when its AdministrativInfo has a <Historisk>: either
// discontinued (<UdgaaetDato>) or moved to another number (<Flyttet> with
// <FlyttetDato>); both leave the code unused from that date, which becomes
// the task's ExpiredAt.

const rootElement = "KLE-Emneplan"

// xmlSpace is white space as XML defines it.
const xmlSpace = " \t\r\n"

// itemElements are the element names of the three levels.
var itemElements = [...]string{1: "Hovedgruppe", 2: "Gruppe", 3: "Emne"}

type frameKind int

const (
	kindRoot      frameKind = iota + 1
	kindItem                // Hovedgruppe, Gruppe, Emne
	kindNr                  // …Nr of an item
	kindTitle               // …Titel of an item
	kindAdmin               // …AdministrativInfo of an item
	kindHistoric            // Historisk
	kindMoved               // Flyttet
	kindExpired             // UdgaaetDato
	kindMovedDate           // FlyttetDato
	kindPublished           // UdgivelsesDato
	kindSkipped             // anything else, with all it contains
)

// isLeaf reports whether elements of the kind hold only text.
func (k frameKind) isLeaf() bool {
	switch k {
	case kindNr, kindTitle, kindExpired, kindMovedDate, kindPublished:
		return true
	}
	return false
}

type frame struct {
	kind frameKind
	name string
	line int
	item *xmlItem // the innermost item the element belongs to
}

type xmlItem struct {
	level   int
	idx     int // in xmlParser.tasks
	line    int
	code    string
	title   string
	hasCode bool
	hasName bool
	history bool
	expired *time.Time // UdgaaetDato
	moved   *time.Time // FlyttetDato
}

type xmlParser struct {
	lim       limits
	dec       *xml.Decoder
	stack     []frame
	text      strings.Builder // text of the open leaf element
	rootSeen  bool
	rootDone  bool
	published string
	tasks     []samspil.Task
	parents   []int // index of each task's parent in tasks, -1 for none
	lines     []int // line of each task's element
	seen      map[string]int
	tokLine   int // line where the current token starts
}

// tokenCapReader fails with errTokenTooLarge when more than max bytes are
// read after mark, which the parser sets before each token: encoding/xml
// holds a whole token (text, comment, tag) in memory, and this bounds it
// well below the size of the input. The decoder reads ahead in 4 KiB
// chunks, so a token may be up to that much longer than max.
type tokenCapReader struct {
	r       io.Reader
	n, mark int64
	max     int64
}

var errTokenTooLarge = errors.New("kle: XML token too large")

func (t *tokenCapReader) Read(p []byte) (int, error) {
	room := t.mark + t.max - t.n
	if room <= 0 {
		return 0, errTokenTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := t.r.Read(p)
	t.n += int64(n)
	return n, err
}

func parseXML(r io.Reader, lim limits) (*Edition, error) {
	tr := &tokenCapReader{r: r, max: int64(lim.maxTokenBytes)}
	dec := xml.NewDecoder(tr)
	dec.Strict = true
	p := &xmlParser{lim: lim, dec: dec, seen: map[string]int{}}
	for {
		tr.mark = tr.n
		p.tokLine = p.line()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.decodeError(err)
		}
		if err := p.token(tok); err != nil {
			return nil, err
		}
	}
	if !p.rootSeen {
		return nil, invalid("line %d: no <%s> element found", p.line(), rootElement)
	}
	if len(p.stack) > 0 { // encoding/xml reports this itself; kept as a guard
		return nil, invalid("line %d: the file ends inside <%s>", p.line(), p.stack[len(p.stack)-1].name)
	}
	if len(p.tasks) == 0 {
		return nil, invalid("line %d: <%s> holds no <Hovedgruppe>", p.line(), rootElement)
	}
	for i, pi := range p.parents {
		if pi < 0 {
			continue
		}
		t, parent := &p.tasks[i], p.tasks[pi]
		if !strings.HasPrefix(t.Code, parent.Code+".") {
			return nil, invalid("line %d: %s %s is inside %s %s, which is not its parent",
				p.lines[i], levelNames[t.Level], t.Code, levelNames[parent.Level], parent.Code)
		}
		t.ParentCode = parent.Code
	}
	return &Edition{Format: FormatXML, Published: p.published, Tasks: p.tasks, Levels: []int{1, 2, 3}}, nil
}

// line is the line of the decoder's position.
func (p *xmlParser) line() int {
	line, _ := p.dec.InputPos()
	return line
}

// decodeError turns an error of the XML decoder into one naming the line;
// errors of the underlying reader pass unchanged.
func (p *xmlParser) decodeError(err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return invalid("line %d: XML syntax error: %s", syn.Line, cleanMessage(syn.Msg))
	}
	if errors.Is(err, errTooLarge) {
		return err
	}
	if errors.Is(err, errTokenTooLarge) {
		return invalid("line %d: a text, comment or tag longer than %s", p.tokLine, sizeText(int64(p.lim.maxTokenBytes)))
	}
	// Anything else either comes from the reader (classify passes it on)
	// or is the decoder's complaint about the input, such as an encoding
	// other than UTF-8.
	return &decoderError{line: p.line(), err: err}
}

type decoderError struct {
	line int
	err  error
}

func (e *decoderError) Error() string { return e.err.Error() }
func (e *decoderError) Unwrap() error { return e.err }

func (p *xmlParser) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return p.start(t.Name.Local)
	case xml.EndElement:
		return p.end()
	case xml.CharData:
		return p.charData(t)
	case xml.Directive:
		return invalid("line %d: <!%s> declarations are not allowed", p.tokLine, directiveName(t))
	case xml.Comment:
		// encoding/xml checks text, names and attributes but not these.
		if !utf8.Valid(t) {
			return invalid("line %d: a comment is not valid UTF-8", p.tokLine)
		}
	case xml.ProcInst:
		if !utf8.Valid(t.Inst) || !utf8.ValidString(t.Target) {
			return invalid("line %d: a processing instruction is not valid UTF-8", p.tokLine)
		}
	}
	return nil
}

func directiveName(d xml.Directive) string {
	name, _, _ := strings.Cut(strings.TrimSpace(string(d)), " ")
	if len(name) > 20 || !isWord(name) {
		return "DOCTYPE"
	}
	return name
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return s != ""
}

func (p *xmlParser) start(name string) error {
	line := p.tokLine
	if len(p.stack) >= p.lim.maxDepth {
		return invalid("line %d: elements are nested more than %d deep", line, p.lim.maxDepth)
	}
	if len(p.stack) == 0 {
		if p.rootDone {
			return invalid("line %d: <%s> after the end of <%s>", line, clip(name), rootElement)
		}
		if name != rootElement {
			return invalid("line %d: the root element is <%s>, not <%s>; this is not a KLE emneplan", line, clip(name), rootElement)
		}
		p.rootSeen = true
		p.stack = append(p.stack, frame{kind: kindRoot, name: name, line: line})
		return nil
	}
	parent := p.stack[len(p.stack)-1]
	f := frame{kind: kindSkipped, name: name, line: line, item: parent.item}
	switch parent.kind {
	case kindSkipped:
	case kindNr, kindTitle, kindExpired, kindMovedDate, kindPublished:
		return invalid("line %d: unexpected element <%s> inside <%s>", line, clip(name), parent.name)
	case kindRoot:
		switch name {
		case "UdgivelsesDato":
			if p.published != "" {
				return invalid("line %d: more than one <%s>", line, name)
			}
			f.kind = kindPublished
		case itemElements[1]:
			if err := p.openItem(&f, 1); err != nil {
				return err
			}
		case itemElements[2], itemElements[3]:
			return p.misplaced(name, parent.name, line)
		}
	case kindItem:
		it := parent.item
		prefix := itemElements[it.level]
		switch name {
		case prefix + "Nr":
			if it.hasCode {
				return invalid("line %d: more than one <%s> in <%s>", line, name, prefix)
			}
			f.kind = kindNr
		case prefix + "Titel":
			if it.hasName {
				return invalid("line %d: more than one <%s> in <%s>", line, name, prefix)
			}
			f.kind = kindTitle
		case prefix + "AdministrativInfo":
			f.kind = kindAdmin
		case itemElements[1], itemElements[2], itemElements[3]:
			if it.level == 3 || name != itemElements[it.level+1] {
				return p.misplaced(name, parent.name, line)
			}
			if err := p.openItem(&f, it.level+1); err != nil {
				return err
			}
		}
	case kindAdmin:
		if name == "Historisk" {
			f.kind = kindHistoric
			parent.item.history = true
		}
	case kindHistoric:
		switch name {
		case "UdgaaetDato":
			if parent.item.expired != nil {
				return invalid("line %d: more than one <%s> in <%s>", line, name, itemElements[parent.item.level])
			}
			f.kind = kindExpired
		case "Flyttet":
			f.kind = kindMoved
		}
	case kindMoved:
		if name == "FlyttetDato" {
			if parent.item.moved != nil {
				return invalid("line %d: more than one <%s> in <%s>", line, name, itemElements[parent.item.level])
			}
			f.kind = kindMovedDate
		}
	}
	if f.kind.isLeaf() {
		p.text.Reset()
	}
	p.stack = append(p.stack, f)
	return nil
}

// misplaced reports an item element in the wrong place, e.g. a topic
// (<Emne>) outside a group.
func (p *xmlParser) misplaced(name, parent string, line int) error {
	level := 1
	for l := 1; l <= 3; l++ {
		if itemElements[l] == name {
			level = l
		}
	}
	want := rootElement
	if level > 1 {
		want = itemElements[level-1]
	}
	return invalid("line %d: <%s> inside <%s>: a %s must be directly inside a <%s>", line, name, parent, levelNames[level], want)
}

func (p *xmlParser) openItem(f *frame, level int) error {
	if len(p.tasks) >= p.lim.maxItems {
		return samspil.ErrorAt(samspil.ETOOLARGE, "file", "line %d: the file holds more than %d main groups, groups and topics", f.line, p.lim.maxItems)
	}
	parent := -1
	if f.item != nil {
		parent = f.item.idx
	}
	f.kind = kindItem
	f.item = &xmlItem{level: level, idx: len(p.tasks), line: f.line}
	p.tasks = append(p.tasks, samspil.Task{Level: level})
	p.parents = append(p.parents, parent)
	p.lines = append(p.lines, f.line)
	return nil
}

func (p *xmlParser) charData(data xml.CharData) error {
	if len(p.stack) == 0 {
		if len(bytes.Trim(data, xmlSpace)) > 0 {
			return invalid("line %d: text outside the <%s> element", p.line(), rootElement)
		}
		return nil
	}
	f := p.stack[len(p.stack)-1]
	if !f.kind.isLeaf() {
		return nil
	}
	// Generous for titles with white space to collapse; dates and numbers
	// fail their own checks.
	if p.text.Len()+len(data) > 4*p.lim.maxTitleRunes+1024 {
		return invalid("line %d: the text of <%s> is longer than %d characters", f.line, f.name, p.lim.maxTitleRunes)
	}
	p.text.Write(data)
	return nil
}

func (p *xmlParser) end() error {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	text := p.text.String()
	it := f.item
	switch f.kind {
	case kindRoot:
		p.rootDone = true
	case kindPublished:
		s := strings.TrimSpace(text)
		if _, ok := parseDate(s); !ok {
			return invalid("line %d: <%s> %q is not a date (YYYY-MM-DD)", f.line, f.name, clip(s))
		}
		p.published = s
	case kindNr:
		s := strings.TrimSpace(text)
		if !isCode(s, it.level) {
			return invalid("line %d: <%s> %q is not a %s number (%s)", f.line, f.name, clip(s), levelNames[it.level], codeFormats[it.level])
		}
		it.code, it.hasCode = s, true
	case kindTitle:
		title, err := cleanTitle(text, p.lim.maxTitleRunes)
		if err != nil {
			return invalid("line %d: <%s>: %s", f.line, f.name, err.Error())
		}
		it.title, it.hasName = title, true
	case kindExpired, kindMovedDate:
		s := strings.TrimSpace(text)
		d, ok := parseDate(s)
		if !ok {
			return invalid("line %d: <%s> %q is not a date (YYYY-MM-DD)", f.line, f.name, clip(s))
		}
		if f.kind == kindExpired {
			it.expired = &d
		} else {
			it.moved = &d
		}
	case kindItem:
		return p.closeItem(f)
	}
	return nil
}

func (p *xmlParser) closeItem(f frame) error {
	it := f.item
	prefix := itemElements[it.level]
	if !it.hasCode {
		return invalid("line %d: <%s> has no <%sNr>", f.line, prefix, prefix)
	}
	if !it.hasName {
		return invalid("line %d: <%s> %s has no <%sTitel>", f.line, prefix, it.code, prefix)
	}
	if first, dup := p.seen[it.code]; dup {
		return invalid("line %d: %s %s appears twice (first on line %d)", f.line, levelNames[it.level], it.code, first)
	}
	p.seen[it.code] = f.line
	t := &p.tasks[it.idx]
	t.Code, t.Title = it.code, it.title
	switch {
	case it.expired != nil:
		t.ExpiredAt = it.expired
	case it.moved != nil:
		t.ExpiredAt = it.moved
	case it.history:
		return invalid("line %d: <Historisk> of %s %s has neither <UdgaaetDato> nor <FlyttetDato>", f.line, levelNames[it.level], it.code)
	}
	return nil
}

// cleanMessage makes a message of encoding/xml, which may quote the
// input, fit for an error message.
func cleanMessage(s string) string {
	return clipTo(strings.ToValidUTF8(s, "\uFFFD"), 200)
}

// clip shortens a value quoted in an error message.
func clip(s string) string { return clipTo(s, 40) }

func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
