package landscapeio

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// This file reads and writes the values of cells. Readers take trimmed,
// non-empty text and report whether it could be read; writers return the
// text the reader reads back as the same value.

// normWord is the form in which words of an enumeration are compared:
// lower case, "_" and "-" as spaces, inner runs of spaces as one, without
// a trailing full stop.
func normWord(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '–' {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	return strings.TrimSpace(strings.TrimSuffix(s, "."))
}

// vocab is the words of an enumeration: the Danish word an export writes
// for each value, and every word an import accepts (the export words, the
// code values and synonyms).
type vocab[T ~string] struct {
	export map[T]string
	words  map[string]T
	asIs   map[string]T // the words as written here, which most cells repeat: looked up before normalising
	expect string       // the message for an unknown word
}

func newVocab[T ~string](values []T, export map[T]string, synonyms map[T][]string) *vocab[T] {
	v := &vocab[T]{export: export, words: map[string]T{}, asIs: map[string]T{}}
	add := func(word string, t T) {
		w := normWord(word)
		if old, ok := v.words[w]; ok && old != t {
			panic(fmt.Sprintf("landscapeio: %q means both %q and %q", word, old, t))
		}
		v.words[w] = t
		v.asIs[word] = t
	}
	var words []string
	for _, t := range values {
		add(string(t), t)
		add(export[t], t)
		words = append(words, export[t])
	}
	for t, syn := range synonyms {
		for _, s := range syn {
			add(s, t)
		}
	}
	v.expect = "must be one of " + strings.Join(words, ", ")
	return v
}

func (v *vocab[T]) parse(s string) (T, bool) {
	if t, ok := v.asIs[s]; ok {
		return t, true
	}
	t, ok := v.words[normWord(s)]
	return t, ok
}

func (v *vocab[T]) format(t T) string {
	if w, ok := v.export[t]; ok {
		return w
	}
	return string(t)
}

var lifecycles = newVocab(samspil.Lifecycles, map[samspil.Lifecycle]string{
	samspil.LifecyclePlanned:     "Planlagt",
	samspil.LifecyclePilot:       "Pilot",
	samspil.LifecyclePhasingIn:   "Indfasning",
	samspil.LifecycleOperational: "I drift",
	samspil.LifecyclePhasingOut:  "Udfasning",
	samspil.LifecycleRetired:     "Afviklet",
}, map[samspil.Lifecycle][]string{
	// KITOS' words for its lifecycle ("Livscyklus", LifeCycleStatusChoice)
	// are those of kitosLifecycles; its "Status" columns (Aktivt, Ikke
	// aktivt) are not a lifecycle and are not read.
	samspil.LifecyclePlanned:     {"Planned", "Under planlægning", "Planlægning"},
	samspil.LifecyclePilot:       {"Pilotdrift", "I pilot", "Under afprøvning", "Afprøvning"},
	samspil.LifecyclePhasingIn:   {"Under indfasning", "I indfasning", "Phasing in"},
	samspil.LifecycleOperational: {"Drift", "Operational", "I brug"},
	samspil.LifecyclePhasingOut:  {"Under udfasning", "Phasing out"},
	// KITOS' "Ikke i drift" is taken as retired: a system in a landscape
	// that is not in use.
	samspil.LifecycleRetired: {"Retired", "Ikke i drift", "Udfaset", "Nedlagt"},
	"":                       {"Ikke angivet", "Undecided", "Ukendt"}, // the default
})

var visibilities = newVocab(samspil.Visibilities, map[samspil.Visibility]string{
	samspil.VisibilityPrivate:  "Kun egen organisation",
	samspil.VisibilityPartners: "Samarbejdspartnere",
	samspil.VisibilitySector:   "Alle tilmeldte organisationer",
	samspil.VisibilityPublic:   "Offentlig",
}, map[samspil.Visibility][]string{
	samspil.VisibilityPrivate:  {"Privat", "Egen organisation", "Lokal"}, // KITOS: "Lokal"
	samspil.VisibilityPartners: {"Partnere"},
	samspil.VisibilitySector:   {"Sektor"},
})

// categoryLabels are the Danish labels of the categories, as in the keys
// "category.*" of internal/web/i18n/da.json (a test keeps them equal).
var categoryLabels = map[samspil.Category]string{
	samspil.CategoryCaseManagement: "Sags- og dokumenthåndtering",
	samspil.CategoryEconomy:        "Økonomi",
	samspil.CategoryHRPayroll:      "HR og løn",
	samspil.CategorySelfService:    "Borgerrettet selvbetjening",
	samspil.CategorySocial:         "Social og beskæftigelse",
	samspil.CategorySchools:        "Skole og dagtilbud",
	samspil.CategoryHealth:         "Sundhed og ældre",
	samspil.CategoryEmployment:     "Beskæftigelse",
	samspil.CategoryTechnical:      "Teknik og miljø",
	samspil.CategoryInfrastructure: "It-infrastruktur",
	samspil.CategoryCommunication:  "Kommunikation",
	samspil.CategoryData:           "Data og analyse",
	samspil.CategoryOther:          "Andet",
}

var categories = newVocab(samspil.Categories, categoryLabels, nil)

var procurementForms = newVocab(samspil.ProcurementForms, map[samspil.ProcurementForm]string{
	samspil.ProcurementEUTender: "EU-udbud",
	samspil.ProcurementSKI:      "SKI-rammeaftale",
	samspil.ProcurementDirect:   "Direkte tildeling",
	samspil.ProcurementJoint:    "Fælles indkøb",
	samspil.ProcurementOther:    "Andet",
}, map[samspil.ProcurementForm][]string{
	samspil.ProcurementEUTender: {"Udbud", "EU udbud", "EU-licitation", "Offentligt udbud", "EU tender"},
	samspil.ProcurementSKI:      {"SKI", "Rammeaftale", "SKI rammeaftale", "SKI-aftale", "SKI framework"},
	samspil.ProcurementDirect:   {"Direkte køb", "Direkte indkøb", "Direkte", "Underhåndsbud", "Direct award"},
	samspil.ProcurementJoint:    {"Fællesindkøb", "Fælles udbud", "Fællesudbud", "Fælleskommunalt udbud", "Fælleskommunalt indkøb", "Joint procurement"},
	samspil.ProcurementOther:    {"Andre", "Øvrige", "Other"},
})

// parseProcurement also reads a named SKI agreement ("SKI 02.19") as SKI.
func parseProcurement(s string) (samspil.ProcurementForm, bool) {
	if f, ok := procurementForms.parse(s); ok {
		return f, true
	}
	if strings.HasPrefix(normWord(s), "ski ") {
		return samspil.ProcurementSKI, true
	}
	return "", false
}

var noticeRules = newVocab(samspil.NoticeRules, map[samspil.NoticeRule]string{
	samspil.NoticeAnyDay:       "når som helst",
	samspil.NoticeEndOfMonth:   "udgangen af en måned",
	samspil.NoticeEndOfQuarter: "udgangen af et kvartal",
	samspil.NoticeEndOfYear:    "udgangen af et år",
}, map[samspil.NoticeRule][]string{
	samspil.NoticeAnyDay: {"Any day", "Dag", "Fra dag til dag"},
	// "løbende måned" is the Danish contract term; "Måned", "Kvartal" and
	// "År" are the values of KITOS' "Inden udgangen af".
	samspil.NoticeEndOfMonth: {"løbende måned", "til udgangen af en måned", "til udgangen af en måned (løbende måned)",
		"måned", "måneden", "månedsskifte", "end of month"},
	samspil.NoticeEndOfQuarter: {"kvartal", "kvartalet", "løbende kvartal", "til udgangen af et kvartal", "end of quarter"},
	samspil.NoticeEndOfYear: {"år", "året", "kalenderår", "løbende år", "til udgangen af et år", "udgangen af året",
		"end of year"},
})

// extensionKinds: whether the buyer must exercise an extension or it runs
// unless notice is given. An empty cell keeps what the contract says (a new
// contract: automatic, as before the column existed).
var extensionKinds = newVocab(samspil.ExtensionKinds, map[samspil.ExtensionKind]string{
	samspil.ExtensionOption:    "option",
	samspil.ExtensionAutomatic: "automatisk forlængelse",
}, map[samspil.ExtensionKind][]string{
	samspil.ExtensionOption:    {"option, der skal udnyttes", "skal udnyttes", "optionsret"},
	samspil.ExtensionAutomatic: {"automatisk", "automatic", "fornyes automatisk", "løber videre"},
})

var (
	yesWords = []string{"ja", "j", "yes", "y", "true", "sand", "x", "1"}
	noWords  = []string{"nej", "n", "no", "false", "falsk", "0"}
)

// parseBool reads Ja/Nej and their kin; XLSX booleans are "1"/"0".
func parseBool(s string) (val, ok bool) {
	w := normWord(s)
	switch {
	case slices.Contains(yesWords, w):
		return true, true
	case slices.Contains(noWords, w):
		return false, true
	}
	return false, false
}

func formatBool(b bool) string {
	if b {
		return "Ja"
	}
	return "Nej"
}

const expectBool = "must be Ja or Nej"

// parseDate reads a date as tabular does (ISO, Danish day-first forms,
// XLSX serial numbers); an ISO date with a time is taken as the calendar
// date written, whatever the zone. Years before 1900 (often a stand-in
// for "no date" in other systems) and after 9999 are refused.
func (rc *rowCtx) parseDateCell(v string) (samspil.Date, bool) {
	const expect = "must be a date like 2026-01-31 or 31-01-2026"
	var d samspil.Date
	if len(v) >= 10 && v[4] == '-' && v[7] == '-' {
		iso, err := samspil.ParseDate(v[:10])
		if err != nil || (len(v) > 10 && v[10] != 'T' && v[10] != ' ') {
			rc.bad(expect)
			return samspil.Date{}, false
		}
		if len(v) > 10 {
			if _, err := rc.parseDate(v); err != nil {
				rc.bad(expect)
				return samspil.Date{}, false
			}
		}
		d = iso
	} else {
		t, err := rc.parseDate(v)
		if err != nil {
			rc.bad(expect)
			return samspil.Date{}, false
		}
		d = samspil.DateOf(t)
	}
	if d.Year < 1900 || d.Year > 9999 {
		rc.bad(expect)
		return samspil.Date{}, false
	}
	return d, true
}

// date reads an optional date cell into *dst.
func (rc *rowCtx) date(dst **samspil.Date, v string) {
	if d, ok := rc.parseDateCell(v); ok {
		*dst = &d
	}
}

func formatDate(d *samspil.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.String()
}

// dateCell is formatDate's typed cell.
func dateCell(d *samspil.Date) tabular.Cell {
	if d == nil || d.IsZero() {
		return tabular.TextCell("")
	}
	return tabular.DateCell(*d)
}

// wholeCell is formatWhole's typed cell.
func wholeCell(n int) tabular.Cell {
	if n == 0 {
		return tabular.TextCell("")
	}
	return tabular.NumberCell(float64(n), formatWhole(n))
}

// amountCell is formatKroner's typed cell: kroner, exactly as the øre say
// (amounts have at most 15 significant digits, see maxKroner).
func amountCell(d samspil.DKK) tabular.Cell {
	return tabular.AmountCell(float64(d)/100, formatKroner(d))
}

// maxWhole bounds the whole numbers of cells: counts and months.
const maxWhole = 1_000_000

// parseWhole reads a whole number that is not negative ("36", XLSX's
// "36" or "3.6E1", Danish "36,0").
func parseWhole(s string) (int, bool) {
	f, err := tabular.ParseDecimal(s)
	if err != nil || f < 0 || f != math.Trunc(f) || f > maxWhole {
		return 0, false
	}
	return int(f), true
}

func formatWhole(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

const expectWhole = "must be a whole number like 2"

const expectMonths = "must be a number of months like 36, or a duration like 3 år or 2 år og 6 måneder"

var (
	monthUnits = []string{"m", "md", "mdr", "mnd", "mdrs", "måned", "måneder", "måneders", "maaned", "maaneder", "month", "months", "mo", "mos"}
	yearUnits  = []string{"år", "års", "aar", "y", "yr", "yrs", "year", "years"}
)

// parseMonths reads a number of months: "36", or a duration in years and
// months such as "3 år", "2 år og 6 måneder", "6 mdr.", "1 year 6 months".
func parseMonths(s string) (int, bool) {
	if n, ok := parseWhole(s); ok {
		return n, true
	}
	total, terms := 0, 0
	num := -1
	for _, tok := range durationTokens(s) {
		switch {
		case tok[0] >= '0' && tok[0] <= '9':
			if num >= 0 || len(tok) > 6 {
				return 0, false
			}
			num, _ = strconv.Atoi(tok)
		case tok == "og" || tok == "and" || tok == "&":
			if num >= 0 {
				return 0, false
			}
		default:
			unit := strings.TrimSuffix(tok, ".")
			switch {
			case num < 0:
				return 0, false
			case slices.Contains(monthUnits, unit):
				total += num
			case slices.Contains(yearUnits, unit):
				total += 12 * num
			default:
				return 0, false
			}
			num = -1
			terms++
		}
	}
	if num >= 0 || terms == 0 || total > maxWhole {
		return 0, false
	}
	return total, true
}

// durationTokens splits "2 år, 6mdr." into "2", "år", "6", "mdr.".
func durationTokens(s string) []string {
	var toks []string
	var cur []rune
	kind := 0 // 1 digits, 2 letters
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, string(cur))
		}
		cur, kind = cur[:0], 0
	}
	for _, r := range strings.ToLower(s) {
		k := 0
		switch {
		case r >= '0' && r <= '9':
			k = 1
		case unicode.IsLetter(r) || r == '.' || r == '&':
			k = 2
		}
		if k != kind {
			flush()
		}
		if k != 0 {
			cur = append(cur, r)
			kind = k
		}
	}
	flush()
	return toks
}

const expectOptions = "must be options like 2 x 12 måneder, 1 år or Ingen"

var reOptionTimes = regexp.MustCompile(`^([0-9]{1,3}) *(?:x|×|\*|gange) *(.+)$`)

// parseOptions reads KITOS' "Option forlæng": "Ingen", "2 x 12 måneder",
// "1 år" (one option), "1+1 år" (two options of a year each).
func parseOptions(s string) (count, months int, ok bool) {
	w := strings.ToLower(strings.TrimSpace(s))
	switch normWord(w) {
	case "ingen", "nej", "0", "", "none", "no":
		return 0, 0, true
	}
	if !strings.ContainsFunc(w, unicode.IsLetter) {
		return 0, 0, false // a bare number says neither count nor length
	}
	if m := reOptionTimes.FindStringSubmatch(w); m != nil {
		n, _ := strconv.Atoi(m[1])
		d, ok := parseMonths(m[2])
		if !ok || n < 1 || d < 1 {
			return 0, 0, false
		}
		return n, d, true
	}
	if strings.Contains(w, "+") {
		parts := strings.Split(w, "+")
		last := parts[len(parts)-1]
		i := strings.IndexFunc(last, unicode.IsLetter)
		if i < 0 {
			return 0, 0, false
		}
		unit := last[i:]
		d := -1
		for j, p := range parts {
			if j < len(parts)-1 {
				p += " " + unit
			}
			m, ok := parseMonths(p)
			if !ok || m < 1 || (d >= 0 && m != d) {
				return 0, 0, false
			}
			d = m
		}
		return len(parts), d, true
	}
	d, ok := parseMonths(w)
	if !ok || d < 1 {
		return 0, 0, false
	}
	return 1, d, true
}

// Amounts are kept in øre; maxKroner bounds them so that every amount has
// at most 15 significant digits, which a float64 and Excel hold exactly.
const maxKroner = 10_000_000_000_000 // exclusive

// reDotThousands matches numbers whose one dot may group thousands.
var reDotThousands = regexp.MustCompile(`^[-+]?[0-9]{1,3}\.[0-9]{3}$`)

const expectAmount = "must be an amount in kroner like 125000,50"

// parseKroner reads an amount in kroner with at most two decimals into
// øre, exactly: the number ParseDecimal reads is written back in its
// shortest form, which for numbers of up to 15 significant digits is the
// number as written, and the øre are taken from those digits. Numbers
// with more digits (from arithmetic in a workbook, "0.30000000000000004")
// are rounded to 15 significant digits first, as Excel shows them. It
// returns a message for a bad amount.
func parseKroner(s string) (samspil.DKK, string) {
	f, err := tabular.ParseDecimal(s)
	switch {
	case err != nil:
		return 0, expectAmount
	case reDotThousands.MatchString(strings.TrimSpace(s)):
		// ParseDecimal reads "1.000" as one, as a workbook stores numbers,
		// but a person who types it means a thousand.
		return 0, "is ambiguous; write a thousand kroner as 1000 or 1.000,00"
	case f < 0:
		return 0, "must not be negative"
	case f >= maxKroner:
		return 0, "must be less than 10.000.000.000.000 kroner"
	}
	dec := strconv.FormatFloat(f, 'f', -1, 64)
	if _, frac, _ := strings.Cut(dec, "."); len(frac) > 2 {
		if significantDigits(dec) <= 15 {
			return 0, "must have at most two decimals"
		}
		r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
		dec = strconv.FormatFloat(r, 'f', -1, 64)
		if _, frac, _ := strings.Cut(dec, "."); len(frac) > 2 {
			return 0, "must have at most two decimals"
		}
	}
	whole, frac, _ := strings.Cut(dec, ".")
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	o, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, expectAmount
	}
	return samspil.DKK(w*100 + o), ""
}

// significantDigits counts the digits of a plain decimal without its
// leading zeros.
func significantDigits(dec string) int {
	digits := strings.TrimLeft(strings.ReplaceAll(dec, ".", ""), "0")
	return len(digits)
}

// formatKroner writes øre as kroner with a decimal comma: "125000",
// "125000,50".
func formatKroner(d samspil.DKK) string {
	v := int64(d)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if v%100 == 0 {
		return sign + strconv.FormatInt(v/100, 10)
	}
	return fmt.Sprintf("%s%d,%02d", sign, v/100, v%100)
}

const expectCVR = "must be a CVR number of 8 digits"

// parseCVR reads a CVR number, also written "DK 12 34 56 78".
func parseCVR(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimPrefix(strings.ToUpper(s), "DK")
	if len(s) != 8 || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return s, true
}

// parseTasks reads KLE codes separated by ";", "," or spaces. It returns
// the first bad code when there is one.
func parseTasks(s string) ([]string, string) {
	codes := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || unicode.IsSpace(r) })
	for _, c := range codes {
		if !samspil.ValidTaskCode(c) {
			return nil, c
		}
	}
	if len(codes) == 0 {
		return nil, ""
	}
	return codes, ""
}

func formatTasks(codes []string) string { return strings.Join(codes, "; ") }

// parseNames splits a list of names at sep. A name that holds sep, or
// starts with a double quote, is written in double quotes with inner
// quotes doubled, as in CSV ("\"A; B\"; C"); other quotes are kept as
// they are.
func parseNames(s string, sep byte) []string {
	var out []string
	for s != "" {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		var item string
		if name, rest, ok := unquoteName(s, sep); ok {
			item, s = name, rest
		} else if i := strings.IndexByte(s, sep); i >= 0 {
			item, s = s[:i], s[i+1:]
		} else {
			item, s = s, ""
		}
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// unquoteName reads a quoted name at the start of s and returns it and
// what follows the separator after it; ok is false when s does not start
// with a well-formed quoted name followed by sep or the end.
func unquoteName(s string, sep byte) (name, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		after := strings.TrimLeftFunc(s[i+1:], unicode.IsSpace)
		switch {
		case after == "":
			return b.String(), "", true
		case after[0] == sep:
			return b.String(), after[1:], true
		}
		return "", "", false
	}
	return "", "", false
}

// formatNames writes names for parseNames.
func formatNames(names []string, sep byte) string {
	parts := make([]string, len(names))
	for i, n := range names {
		if strings.IndexByte(n, sep) >= 0 || strings.HasPrefix(n, `"`) {
			n = `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
		}
		parts[i] = n
	}
	return strings.Join(parts, string(sep)+" ")
}

const expectQuarter = "must be a year and quarter like 2027-Q3"

var (
	reYearQuarter = regexp.MustCompile(`^([0-9]{4}) *[-/|]? *(?:Q|K|KVARTAL) *([1-4])$`)
	reQuarterYear = regexp.MustCompile(`^(?:Q|K)? *([1-4])\.? *(?:KVARTAL|KVT\.?)? *[-/|]? *([0-9]{4})$`)
)

// parseQuarter reads a planned quarter: "2027-Q3", "2027 Q3", "Q3 2027",
// "Q3 | 2027", "3. kvartal 2027".
func parseQuarter(s string) (string, bool) {
	u := strings.Join(strings.Fields(strings.ToUpper(s)), " ")
	if m := reYearQuarter.FindStringSubmatch(u); m != nil {
		return m[1] + "-Q" + m[2], true
	}
	if m := reQuarterYear.FindStringSubmatch(u); m != nil && (strings.ContainsAny(u, "QK")) {
		return m[2] + "-Q" + m[1], true
	}
	return "", false
}

// userBandLimits are the upper bounds of samspil.UserBands but the last.
var userBandLimits = []int{10, 50, 200, 1000, 5000}

const expectUserBand = "must be one of 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+ or a number of users"

// parseUserBand reads one of samspil.UserBands, a number of users, or one
// of KITOS' bands that fits within one of ours.
func parseUserBand(s string) (samspil.UserBand, bool) {
	w := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r == '–' || r == '—':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	if slices.Contains(samspil.UserBands, samspil.UserBand(w)) {
		return samspil.UserBand(w), true
	}
	switch w {
	case "<10": // KITOS' bands
		return "1-10", true
	case "10-50":
		return "11-50", true
	case "50-100":
		return "51-200", true
	case ">5000", "over5000":
		return "5000+", true
	}
	n, ok := parseWhole(s)
	if !ok || n < 1 {
		return "", false
	}
	for i, limit := range userBandLimits {
		if n <= limit {
			return samspil.UserBands[i], true
		}
	}
	return samspil.UserBands[len(samspil.UserBands)-1], true
}
