package web

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// The message catalogue: one JSON file per language. Keys with dots
// ("nav.directory") are texts of the pages and exist in every language.
// Keys with spaces are the English messages of samspil errors (fmt formats,
// e.g. "is required"); English shows them as they are, other languages
// translate them.
//
//go:embed i18n/*.json
var catalogueFS embed.FS

// Languages, the default first.
var languages = []string{DefaultLanguage, "en"}

// DefaultLanguage is the language of pages and e-mails unless a reader
// chooses another.
const DefaultLanguage = "da"

// LanguageCookie holds the reader's choice of language.
const LanguageCookie = "samspil_lang"

type catalogue struct {
	texts map[string]map[string]string // language -> key -> text
	// patterns match sentences written from the message formats, most
	// specific first, so that a stored English sentence (a row error of an
	// import) can be shown in another language.
	patterns []messagePattern
}

// messagePattern matches the sentences written from one message format.
type messagePattern struct {
	format string
	re     *regexp.Regexp
	verbs  []string // the format's verbs, in order
}

func loadCatalogue() (*catalogue, error) {
	c := &catalogue{texts: map[string]map[string]string{}}
	for _, lang := range languages {
		b, err := catalogueFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("message catalogue %s.json: %w", lang, err)
		}
		c.texts[lang] = m
	}
	for key := range c.texts["da"] {
		if isTextKey(key) && c.texts["en"][key] == "" {
			return nil, fmt.Errorf("message catalogue: %q has no English text", key)
		}
	}
	for key := range c.texts["en"] {
		if isTextKey(key) && c.texts["da"][key] == "" {
			return nil, fmt.Errorf("message catalogue: %q has no Danish text", key)
		}
	}
	c.patterns = messagePatterns(c.texts["da"])
	return c, nil
}

// reIndex matches the indexes in a field path: owners[2].
var reIndex = regexp.MustCompile(`\[[0-9]+\]`)

// fieldName names the form field at path (a JSON path such as
// "notice_months" or "levels[2].explanation") as its label does: the text
// "field.<path>", else that of the path's last part; a path without a
// label shows as it is.
func (c *catalogue) fieldName(lang, path string) string {
	plain := reIndex.ReplaceAllString(path, "")
	candidates := []string{plain}
	if i := strings.LastIndexByte(plain, '.'); i >= 0 {
		candidates = append(candidates, plain[i+1:])
	}
	for _, k := range candidates {
		if c.has("field." + k) {
			return c.text(lang, "field."+k)
		}
	}
	return path
}

// reVerb matches a fmt verb of a message format.
var reVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// messagePatterns compiles the message formats with verbs (keys with a
// space and a verb) into patterns: a verb matches any text, %d a number,
// %q a quoted text. The formats with the most fixed text come first, so
// that "must be between %d and %d" is tried before "must be %s".
func messagePatterns(texts map[string]string) []messagePattern {
	var out []messagePattern
	for format := range texts {
		if isTextKey(format) || !strings.Contains(format, " ") {
			continue
		}
		locs := reVerb.FindAllStringIndex(format, -1)
		if len(locs) == 0 {
			continue
		}
		var re strings.Builder
		var verbs []string
		re.WriteString("^")
		last := 0
		for _, l := range locs {
			re.WriteString(regexp.QuoteMeta(format[last:l[0]]))
			verb := format[l[0]:l[1]]
			switch verb[len(verb)-1] {
			case '%':
				re.WriteString("%")
			case 'd':
				re.WriteString(`(-?[0-9]+)`)
				verbs = append(verbs, verb)
			case 'q':
				re.WriteString(`("(?:[^"\\]|\\.)*")`)
				verbs = append(verbs, verb)
			default:
				re.WriteString(`(.+?)`)
				verbs = append(verbs, verb)
			}
			last = l[1]
		}
		re.WriteString(regexp.QuoteMeta(format[last:]) + "$")
		out = append(out, messagePattern{format: format, re: regexp.MustCompile(re.String()), verbs: verbs})
	}
	fixed := func(p messagePattern) int { return len(reVerb.ReplaceAllString(p.format, "")) }
	slices.SortFunc(out, func(a, b messagePattern) int {
		if c := cmp.Compare(fixed(b), fixed(a)); c != 0 {
			return c
		}
		return strings.Compare(a.format, b.format)
	})
	return out
}

// sentence shows an English sentence that was written from a message
// format and kept as text, such as a row error of an import, in lang: the
// format it was written from is found by its fixed text, and the texts put
// into it are shown in lang too where they are messages themselves. Of
// the formats that fit, the reading that translates the most text wins:
// `must be one of A, B, not "x"` reads as "must be one of %s" around
// `%s, not "%s"`. Sentences of no known format stay English.
func (c *catalogue) sentence(lang, s string) string {
	if lang == "en" {
		return s
	}
	out, _ := c.bestReading(lang, s, 0)
	return out
}

// bestReading returns s in lang and how many of its bytes the catalogue
// translated.
func (c *catalogue) bestReading(lang, s string, depth int) (string, int) {
	if s == "" {
		return s, 0
	}
	if t, ok := c.texts[lang][s]; ok && !isTextKey(s) {
		return t, len(s)
	}
	if depth >= 3 {
		return s, 0
	}
	best, bestScore := s, 0
	for _, p := range c.patterns {
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		target, ok := c.texts[lang][p.format]
		if !ok {
			continue
		}
		score := len(s)
		args := make([]any, len(m)-1)
		for i, a := range m[1:] {
			score -= len(a)
			if v := p.verbs[i]; v[len(v)-1] == 's' || v[len(v)-1] == 'v' {
				var n int
				a, n = c.bestReading(lang, a, depth+1)
				score += n
			}
			args[i] = a
		}
		if score <= bestScore {
			continue
		}
		// The texts are put in as they were written: %q's with their
		// quotes, numbers as digits.
		target = reVerb.ReplaceAllStringFunc(target, func(v string) string {
			if v == "%%" {
				return v
			}
			return "%s"
		})
		best, bestScore = fmt.Sprintf(target, args...), score
	}
	return best, bestScore
}

// isTextKey tells page texts ("nav.directory") from error messages.
func isTextKey(key string) bool { return !strings.ContainsAny(key, " %") && strings.Contains(key, ".") }

func (c *catalogue) has(key string) bool { _, ok := c.texts["en"][key]; return ok }

// text returns a page text; a missing key shows itself so it is noticed
// (a test checks that templates use only known keys).
func (c *catalogue) text(lang, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// message translates an error message; untranslated ones stay English.
func (c *catalogue) message(lang, format string, args ...any) string {
	if s, ok := c.texts[lang][format]; ok && lang != "en" {
		format = s
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// language returns the reader's language: their choice, else Danish.
func language(r *http.Request) string {
	if c, err := r.Cookie(LanguageCookie); err == nil {
		for _, l := range languages {
			if c.Value == l {
				return l
			}
		}
	}
	return languages[0]
}

var copenhagen = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// formatTime shows a time in Danish local time.
func formatTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(copenhagen)
	if lang == "da" {
		return t.Format("02.01.2006 15.04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// sayPhrase returns a computed sentence in lang: its code words (samspil.Term)
// as the catalogue names them, its dates in the long form of sentences
// (31. december 2026), and phrases within it in lang too.
func (w *Web) sayPhrase(lang string, p samspil.Phrase) string {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case samspil.Term:
			if w.cat.has("term." + string(v)) {
				a = w.cat.text(lang, "term."+string(v))
			}
		case samspil.Number:
			a = verbatim(thousands(int(v), lang))
		case samspil.Category:
			if w.cat.has("category." + string(v)) {
				a = w.cat.text(lang, "category."+string(v))
			}
		case samspil.Date:
			a = samspil.LongDate(v, lang)
		case *samspil.Date:
			if v != nil {
				a = samspil.LongDate(*v, lang)
			}
		case samspil.Phrase:
			a = w.sayPhrase(lang, v)
		}
		args[i] = a
	}
	return w.cat.message(lang, p.Format, args...)
}

// verbatim is text that prints as itself under any verb, so that a
// number formatted for the reader fills the %d of its format.
type verbatim string

// Format writes the text whatever the verb.
func (v verbatim) Format(f fmt.State, _ rune) { io.WriteString(f, string(v)) }

// Say returns a computed sentence in lang, for other parts of samspil that
// write to people, such as e-mail notices.
func (w *Web) Say(lang string, p samspil.Phrase) string { return w.sayPhrase(lang, p) }

// formatDate shows a date: 31.01.2026 in Danish, 31 Jan 2026 in English.
func formatDate(d samspil.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	if lang == "da" {
		return d.Time().Format("02.01.2006")
	}
	return d.Time().Format("2 Jan 2006")
}

// thousands groups digits: 98.213 in Danish, 98,213 in English.
func thousands(n int, lang string) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func jsonIndent(w io.Writer, b []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
