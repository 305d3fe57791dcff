package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
	return c, nil
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
