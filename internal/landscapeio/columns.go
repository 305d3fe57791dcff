package landscapeio

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// The columns of each kind of file: our template's heading first among a
// column's names, then the headings KITOS uses for the same thing. The
// KITOS headings were taken from the texts of KITOS' user interface — the
// column titles of its overview grids, which its Excel exports use as
// headings, and the field labels of its contract pages — so they are a
// best effort: KITOS changes its texts between versions. Where a file may
// hold two headings for one column, the first in the list wins: KITOS'
// "Rettighedshaver" (the system's vendor) before "Leverandør" (in a usage
// export the supplier of the main contract), and "Kontrakt ID" before
// "Reference" (a document reference in KITOS).

// text returns a field that reads and writes a text value.
func text[B any](key, heading string, required bool, get func(b *B) *string, aliases ...string) field[B] {
	return field[B]{key: key, heading: heading, names: append([]string{heading}, aliases...), required: required,
		parse:  func(b *B, v string, _ *rowCtx) { *get(b) = v },
		format: func(b *B) string { return *get(b) }}
}

// names puts heading among the names after the aliases preferred to it.
func names(preferred []string, heading string, aliases ...string) []string {
	return append(append(append([]string(nil), preferred...), heading), aliases...)
}

func cvrField[B any](key, heading string, get func(b *B) *string, aliases ...string) field[B] {
	return field[B]{key: key, heading: heading, names: append([]string{heading}, aliases...),
		parse: func(b *B, v string, rc *rowCtx) {
			if cvr, ok := parseCVR(v); ok {
				*get(b) = cvr
			} else {
				rc.bad(expectCVR)
			}
		},
		format: func(b *B) string { return *get(b) }}
}

func visibilityField[B any](key, heading string, get func(b *B) *samspil.Visibility) field[B] {
	return field[B]{key: key, heading: heading, names: []string{heading},
		parse: func(b *B, v string, rc *rowCtx) {
			if vis, ok := visibilities.parse(v); ok {
				*get(b) = vis
			} else {
				rc.bad(visibilities.expect)
			}
		},
		format: func(b *B) string { return visibilities.format(*get(b)) }}
}

func boolField[B any](key, heading string, get func(b *B) *bool, aliases ...string) field[B] {
	return field[B]{key: key, heading: heading, names: append([]string{heading}, aliases...),
		parse: func(b *B, v string, rc *rowCtx) {
			if val, ok := parseBool(v); ok {
				*get(b) = val
			} else {
				rc.bad(expectBool)
			}
		},
		format: func(b *B) string { return formatBool(*get(b)) }}
}

func dateField[B any](key, heading string, required bool, get func(b *B) **samspil.Date, aliases ...string) field[B] {
	return field[B]{key: key, heading: heading, names: append([]string{heading}, aliases...), required: required,
		parse:  func(b *B, v string, rc *rowCtx) { rc.date(get(b), v) },
		format: func(b *B) string { return formatDate(*get(b)) },
		cell:   func(b *B) tabular.Cell { return dateCell(*get(b)) }, kind: tabular.KindDate}
}

// ---------------------------------------------------------------- systems

type systemRow struct{ r samspil.SystemRecord }

var systemSpec = &spec[systemRow]{
	kind:  samspil.ImportSystems,
	sheet: "Systemer",
	fields: []field[systemRow]{
		text("name", "Navn*", true, func(b *systemRow) *string { return &b.r.Name }, "IT systemnavn", "IT-systemnavn"),
		{key: "vendor", heading: "Leverandør", names: names([]string{"Rettighedshaver"}, "Leverandør"),
			parse:  func(b *systemRow, v string, _ *rowCtx) { b.r.Vendor = v },
			format: func(b *systemRow) string { return b.r.Vendor }},
		cvrField("vendor_cvr", "Leverandør CVR", func(b *systemRow) *string { return &b.r.VendorCVR }, "Rettighedshaver CVR", "CVR"),
		{key: "category", heading: "Kategori", names: []string{"Kategori"},
			parse: func(b *systemRow, v string, rc *rowCtx) {
				if c, ok := categories.parse(v); ok {
					b.r.Category = c
				} else {
					rc.bad(categories.expect)
				}
			},
			format: func(b *systemRow) string { return categories.format(b.r.Category) }},
		{key: "tasks", heading: "KLE", names: []string{"KLE", "KLE ID", "KLE-numre", "KLE numre"},
			parse: func(b *systemRow, v string, rc *rowCtx) {
				codes, bad := parseTasks(v)
				if bad != "" {
					rc.fail(fmt.Sprintf("must be KLE codes such as 27.24.00 separated by semicolons; %q is not one", clip(bad)))
					return
				}
				b.r.Tasks = codes
			},
			format: func(b *systemRow) string { return formatTasks(b.r.Tasks) }},
		text("description", "Beskrivelse", false, func(b *systemRow) *string { return &b.r.Description }),
		boolField("open_source", "Open source", func(b *systemRow) *bool { return &b.r.OpenSource }, "Open-source", "Åben kildekode"),
		boolField("os2_product", "OS2-produkt", func(b *systemRow) *bool { return &b.r.OS2Product }, "OS2 produkt", "OS2"),
		text("homepage", "Hjemmeside", false, func(b *systemRow) *string { return &b.r.Homepage }, "URL", "Link"),
		visibilityField("visibility", "Synlighed", func(b *systemRow) *samspil.Visibility { return &b.r.Visibility }),
	},
	record: func(b *systemRow) samspil.Record { r := b.r; return samspil.Record{System: &r} },
}

// ---------------------------------------------------------------- usages

type usageRow struct{ r samspil.UsageRecord }

var usageSpec = &spec[usageRow]{
	kind:  samspil.ImportUsages,
	sheet: "Anvendelser",
	fields: []field[usageRow]{
		text("system", "System*", true, func(b *usageRow) *string { return &b.r.System },
			"IT System", "IT-system", "IT systemets navn", "IT-systemets navn", "Systemnavn"),
		{key: "vendor", heading: "Leverandør", names: names([]string{"Rettighedshaver"}, "Leverandør"),
			parse:  func(b *usageRow, v string, _ *rowCtx) { b.r.Vendor = v },
			format: func(b *usageRow) string { return b.r.Vendor }},
		cvrField("vendor_cvr", "Leverandør CVR", func(b *usageRow) *string { return &b.r.VendorCVR }, "Rettighedshaver CVR", "CVR"),
		// KITOS' lifecycle is "Livscyklus"; its "Status", "Status (Livscyklus)"
		// and "Status (Datofelter)" say Aktivt or Ikke aktivt, no phase.
		{key: "lifecycle", heading: "Livscyklus", names: []string{"Livscyklus"},
			parse: func(b *usageRow, v string, rc *rowCtx) {
				if l, ok := lifecycles.parse(v); ok {
					b.r.Lifecycle = l
				} else {
					rc.bad(lifecycles.expect)
				}
			},
			format: func(b *usageRow) string { return lifecycles.format(b.r.Lifecycle) }},
		dateField("from", "Fra", false, func(b *usageRow) **samspil.Date { return &b.r.From }, "Ibrugtagningsdato", "Fra dato"),
		dateField("until", "Til", false, func(b *usageRow) **samspil.Date { return &b.r.Until }, "Slutdato for anvendelse", "Til dato"),
		text("responsible_unit", "Ansvarlig enhed", false, func(b *usageRow) *string { return &b.r.ResponsibleUnit },
			"Ansv. organisationsenhed", "Ansvarlig organisationsenhed", "Ansvarlig org. enhed"),
		{key: "user_band", heading: "Antal brugere", names: []string{"Antal brugere", "Forventet antal brugere"},
			parse: func(b *usageRow, v string, rc *rowCtx) {
				if band, ok := parseUserBand(v); ok {
					b.r.UserBand = band
				} else {
					rc.bad(expectUserBand)
				}
			},
			format: func(b *usageRow) string { return string(b.r.UserBand) }},
		visibilityField("visibility", "Synlighed", func(b *usageRow) *samspil.Visibility { return &b.r.Visibility }),
		text("notes", "Noter", false, func(b *usageRow) *string { return &b.r.Notes }, "Note", "Bemærkninger"),
	},
	record: func(b *usageRow) samspil.Record { r := b.r; return samspil.Record{Usage: &r} },
}

// ---------------------------------------------------------------- contracts

// contractRow is a contract record being read, with what KITOS' columns
// say until finish settles it.
type contractRow struct {
	r samspil.ContractRecord

	open         bool // "Løbende": runs until notice, without expiry or duration
	ongoingRule  samspil.NoticeRule
	extCountSet  bool
	extMonthsSet bool
	optionsSet   bool // KITOS' "Option forlæng"
	optCount     int
	optMonths    int
	acquisition  *samspil.DKK
	operation    *samspil.DKK
	other        *samspil.DKK
	oneOff       *samspil.DKK
}

// Words in a duration cell that mean the contract runs until notice.
var ongoingWords = []string{"løbende", "ongoing", "uendelig", "ubegrænset", "indtil videre", "tidsubegrænset", "til opsigelse"}

func wholeField(key, heading string, set func(b *contractRow, n int), get func(b *contractRow) int, aliases ...string) field[contractRow] {
	return field[contractRow]{key: key, heading: heading, names: append([]string{heading}, aliases...),
		parse: func(b *contractRow, v string, rc *rowCtx) {
			if n, ok := parseWhole(v); ok {
				set(b, n)
			} else {
				rc.bad(expectWhole)
			}
		},
		format: func(b *contractRow) string { return formatWhole(get(b)) },
		cell:   func(b *contractRow) tabular.Cell { return wholeCell(get(b)) }, kind: tabular.KindNumber}
}

func monthsField(key, heading string, set func(b *contractRow, n int), get func(b *contractRow) int, aliases ...string) field[contractRow] {
	return field[contractRow]{key: key, heading: heading, names: append([]string{heading}, aliases...),
		parse: func(b *contractRow, v string, rc *rowCtx) {
			if n, ok := parseMonths(v); ok {
				set(b, n)
			} else {
				rc.bad(expectMonths)
			}
		},
		format: func(b *contractRow) string { return formatWhole(get(b)) },
		cell:   func(b *contractRow) tabular.Cell { return wholeCell(get(b)) }, kind: tabular.KindNumber}
}

func amountField(key, heading string, get func(b *contractRow) **samspil.DKK, cost func(c *samspil.Costs) samspil.DKK, aliases ...string) field[contractRow] {
	return field[contractRow]{key: key, heading: heading, names: append([]string{heading}, aliases...),
		parse: func(b *contractRow, v string, rc *rowCtx) {
			d, msg := parseKroner(v)
			if msg != "" {
				rc.bad(msg)
				return
			}
			*get(b) = &d
		},
		format: func(b *contractRow) string {
			if b.r.Costs == nil {
				return ""
			}
			return formatKroner(cost(b.r.Costs))
		},
		cell: func(b *contractRow) tabular.Cell {
			if b.r.Costs == nil {
				return tabular.TextCell("")
			}
			return amountCell(cost(b.r.Costs))
		}, kind: tabular.KindAmount}
}

var contractSpec = &spec[contractRow]{
	kind:  samspil.ImportContracts,
	sheet: "Kontrakter",
	fields: []field[contractRow]{
		text("name", "Kontrakt*", true, func(b *contractRow) *string { return &b.r.Name },
			"IT Kontrakt", "IT-kontrakt", "Kontraktnavn", "Navn"),
		{key: "external_ref", heading: "Reference", names: names([]string{"Kontrakt ID", "Kontrakt-ID", "KontraktID"}, "Reference", "UUID"),
			parse:  func(b *contractRow, v string, _ *rowCtx) { b.r.Reference = v },
			format: func(b *contractRow) string { return b.r.Reference }},
		text("supplier", "Leverandør", false, func(b *contractRow) *string { return &b.r.Supplier }),
		cvrField("supplier_cvr", "Leverandør CVR", func(b *contractRow) *string { return &b.r.SupplierCVR }, "CVR"),
		{key: "systems", heading: "Systemer", names: []string{"Systemer", "IT Systemer", "IT-systemer"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				sep := byte(';')
				if rc.alias && !strings.Contains(v, ";") {
					sep = ',' // KITOS lists names with commas
				}
				b.r.Systems = parseNames(v, sep)
			},
			format: func(b *contractRow) string { return formatNames(b.r.Systems, ';') }},
		{key: "start", heading: "Start*", names: []string{"Start", "Indgået", "Gyldig fra", "Startdato"}, required: true,
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if d, ok := rc.parseDateCell(v); ok {
					b.r.Terms.Start = d
				}
			},
			format: func(b *contractRow) string { return formatDate(&b.r.Terms.Start) },
			cell:   func(b *contractRow) tabular.Cell { return dateCell(&b.r.Terms.Start) }, kind: tabular.KindDate},
		{key: "duration_months", heading: "Varighed (måneder)", names: []string{"Varighed (måneder)", "Varighed"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if containsWord(ongoingWords, v) {
					b.open = true
					return
				}
				if n, ok := parseMonths(v); ok {
					b.r.Terms.DurationMonths = n
				} else {
					rc.bad(expectMonths)
				}
			},
			format: func(b *contractRow) string { return formatWhole(b.r.Terms.DurationMonths) },
			cell:   func(b *contractRow) tabular.Cell { return wholeCell(b.r.Terms.DurationMonths) }, kind: tabular.KindNumber},
		dateField("expiry", "Udløber", false, func(b *contractRow) **samspil.Date { return &b.r.Terms.Expiry },
			"Gyldig til", "Udløbsdato", "Slutdato"),
		dateField("irrevocable_until", "Uopsigelig til", false, func(b *contractRow) **samspil.Date { return &b.r.Terms.IrrevocableUntil }),
		wholeField("extension_count", "Optioner", func(b *contractRow, n int) { b.r.Terms.ExtensionCount, b.extCountSet = n, true },
			func(b *contractRow) int { return b.r.Terms.ExtensionCount }, "Antal optioner"),
		monthsField("extension_months", "Option (måneder)", func(b *contractRow, n int) { b.r.Terms.ExtensionMonths, b.extMonthsSet = n, true },
			func(b *contractRow) int { return b.r.Terms.ExtensionMonths }, "Optionsperiode (måneder)", "Optionsperiode"),
		wholeField("extensions_used", "Brugte optioner", func(b *contractRow, n int) { b.r.Terms.ExtensionsUsed = n },
			func(b *contractRow) int { return b.r.Terms.ExtensionsUsed }, "Antal brugte optioner"),
		{key: "extension_kind", heading: "Forlængelsestype", names: []string{"Forlængelsestype", "Optionstype"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if k, ok := extensionKinds.parse(v); ok {
					b.r.Terms.ExtensionKind = k
				} else {
					rc.bad(extensionKinds.expect)
				}
			},
			format: func(b *contractRow) string { return extensionKinds.format(b.r.Terms.ExtensionKind) }},
		monthsField("notice_months", "Opsigelsesfrist (måneder)", func(b *contractRow, n int) { b.r.Terms.NoticeMonths = n },
			func(b *contractRow) int { return b.r.Terms.NoticeMonths },
			"Opsigelsesfrist", "Opsigelse (måneder)", "Opsigelse", "Opsigelsesvarsel (måneder)", "Opsigelsesvarsel"),
		{key: "notice_rule", heading: "Opsigelse træder i kraft", names: []string{"Opsigelse træder i kraft", "Inden udgangen af"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if r, ok := noticeRules.parse(v); ok {
					b.r.Terms.NoticeRule = r
				} else {
					rc.bad(noticeRules.expect)
				}
			},
			format: func(b *contractRow) string { return noticeRules.format(b.r.Terms.NoticeRule) }},
		dateField("terminated_on", "Opsagt til", false, func(b *contractRow) **samspil.Date { return &b.r.Terms.TerminatedOn },
			"Kontrakten opsagt", "Opsagt"),
		{key: "procurement_form", heading: "Indkøbsform", names: []string{"Indkøbsform", "Udbudsform", "Anskaffelsesform"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if f, ok := parseProcurement(v); ok {
					b.r.ProcurementForm = f
				} else {
					rc.bad(procurementForms.expect)
				}
			},
			format: func(b *contractRow) string { return procurementForms.format(b.r.ProcurementForm) }},
		{key: "reprocurement_quarter", heading: "Genanskaffelse", names: []string{"Genanskaffelse", "Genanskaffelsesplan"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if q, ok := parseQuarter(v); ok {
					b.r.ReprocurementQuarter = q
				} else {
					rc.bad(expectQuarter)
				}
			},
			format: func(b *contractRow) string { return b.r.ReprocurementQuarter }},
		amountField("costs.acquisition", "Anskaffelse pr. år", func(b *contractRow) **samspil.DKK { return &b.acquisition },
			func(c *samspil.Costs) samspil.DKK { return c.Acquisition }, "Anskaffelse/år"),
		amountField("costs.operation", "Drift pr. år", func(b *contractRow) **samspil.DKK { return &b.operation },
			func(c *samspil.Costs) samspil.DKK { return c.Operation }, "Drift/år", "Drift"),
		amountField("costs.other", "Andet pr. år", func(b *contractRow) **samspil.DKK { return &b.other },
			func(c *samspil.Costs) samspil.DKK { return c.Other }, "Andet/år", "Andet"),
		// KITOS' "Anskaffelse." is what the acquisition cost in all, once.
		amountField("costs.one_off_acquisition", "Anskaffelse (engangsbeløb)", func(b *contractRow) **samspil.DKK { return &b.oneOff },
			func(c *samspil.Costs) samspil.DKK { return c.OneOffAcquisition }, "Anskaffelse.", "Anskaffelse", "Engangsbeløb"),
		visibilityField("visibility", "Synlighed", func(b *contractRow) *samspil.Visibility { return &b.r.Visibility }),
		visibilityField("price_visibility", "Prissynlighed", func(b *contractRow) *samspil.Visibility { return &b.r.PriceVisibility }),
		text("notes", "Noter", false, func(b *contractRow) *string { return &b.r.Notes }, "Note", "Bemærkninger"),

		// KITOS only.
		{key: "ongoing", names: []string{"Løbende"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if yes, ok := parseBool(v); ok {
					b.open = b.open || yes
					return
				}
				// KITOS has a second "Løbende", of the notice terms, that
				// says to the end of which period notice runs.
				if r, ok := noticeRules.parse(v); ok && r != samspil.NoticeAnyDay {
					b.ongoingRule = r
					return
				}
				rc.bad(expectBool)
			}},
		{key: "options", names: []string{"Option forlæng", "Option forlænge", "Option"},
			parse: func(b *contractRow, v string, rc *rowCtx) {
				if n, m, ok := parseOptions(v); ok {
					b.optionsSet, b.optCount, b.optMonths = true, n, m
				} else {
					rc.bad(expectOptions)
				}
			}},
	},
	finish: finishContract,
	record: func(b *contractRow) samspil.Record { r := b.r; return samspil.Record{Contract: &r} },
}

func containsWord(words []string, v string) bool {
	w := normWord(v)
	for _, x := range words {
		if w == x {
			return true
		}
	}
	return false
}

// finishContract settles what the columns say together and checks the
// terms, naming the columns of the file.
func finishContract(b *contractRow, rc *rowCtx) {
	t := &b.r.Terms
	if b.open {
		t.DurationMonths, t.Expiry = 0, nil
	}
	if b.optionsSet {
		if !b.extCountSet {
			t.ExtensionCount = b.optCount
		}
		if !b.extMonthsSet {
			t.ExtensionMonths = b.optMonths
		}
		// KITOS's "Option forlæng" is an option the municipality must
		// exercise, unless the file says otherwise.
		if t.ExtensionKind == "" && t.ExtensionCount > 0 {
			t.ExtensionKind = samspil.ExtensionOption
		}
	}
	if t.NoticeRule == "" && b.ongoingRule != "" {
		t.NoticeRule = b.ongoingRule
	}
	// KITOS has both a duration and an expiry ("Gyldig til"); when they
	// agree, the expiry is kept.
	if t.DurationMonths > 0 && t.Expiry != nil {
		end := t.Start.AddMonths(t.DurationMonths).AddDays(-1)
		if end != *t.Expiry {
			rc.badAt("duration_months", "start", fmt.Sprintf("%d months from %s end on %s, but %s is %s; give only one of them",
				t.DurationMonths, rc.heading("start"), end, rc.heading("expiry"), t.Expiry))
			return
		}
		t.DurationMonths = 0
	}
	if b.acquisition != nil || b.operation != nil || b.other != nil || b.oneOff != nil {
		c := &samspil.Costs{}
		for _, p := range []struct {
			dst *samspil.DKK
			v   *samspil.DKK
		}{{&c.Acquisition, b.acquisition}, {&c.Operation, b.operation}, {&c.Other, b.other}, {&c.OneOffAcquisition, b.oneOff}} {
			if p.v != nil {
				*p.dst = *p.v
			}
		}
		b.r.Costs = c
	}
	check := *t
	check.Normalize()
	var e *samspil.Error
	if err := check.Validate(); errors.As(err, &e) {
		for _, f := range e.Fields {
			rc.badAt(termColumn(rc, f.Path), "start", termMessage(rc, f.Message))
		}
	}
}

// termFallbacks are the columns that gave a term when the file has no
// column of its own for it.
var termFallbacks = map[string][]string{
	"extension_count":  {"options", "extension_months"},
	"extension_months": {"options", "extension_count"},
	"extensions_used":  {"extension_count", "options"},
	"expiry":           {"ongoing", "duration_months"},
	"duration_months":  {"ongoing", "expiry"},
}

// termColumn returns the key of the column to blame for the term at path.
func termColumn(rc *rowCtx, path string) string {
	if rc.has(path) {
		return path
	}
	for _, k := range termFallbacks[path] {
		if rc.has(k) {
			return k
		}
	}
	return "start"
}

// termKeys are the terms' JSON names that validation messages mention,
// longest first.
var termKeys = []string{"extension_months", "extension_count", "extensions_used", "duration_months", "irrevocable_until",
	"terminated_on", "notice_months", "expiry", "start"}

// termHeadings are our template's headings of the terms (a test checks
// them against the table).
var termHeadings = map[string]string{"extension_months": "Option (måneder)", "extension_count": "Optioner",
	"extensions_used": "Brugte optioner", "duration_months": "Varighed (måneder)", "irrevocable_until": "Uopsigelig til",
	"terminated_on": "Opsagt til", "notice_months": "Opsigelsesfrist (måneder)", "expiry": "Udløber", "start": "Start"}

var termWord = regexp.MustCompile(`\b(` + strings.Join(termKeys, "|") + `)\b`)

// termMessage names the terms a validation message mentions by the
// headings of the file, or of our template.
func termMessage(rc *rowCtx, msg string) string {
	return termWord.ReplaceAllStringFunc(msg, func(key string) string {
		if h := rc.heading(key); h != "" {
			return h
		}
		return termHeadings[key]
	})
}
