package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
)

// kitosLists are the value lists of the fields municipalities keep in
// KITOS, for the forms' selects.
type kitosLists struct {
	DataClassifications []samspil.DataClassification
	ArchiveDuties       []samspil.ArchiveDuty
	YesNoUndecided      []samspil.YesNoUndecided
	YesNoPartially      []samspil.YesNoPartially
}

var kitos = kitosLists{DataClassifications: samspil.DataClassifications, ArchiveDuties: samspil.ArchiveDuties,
	YesNoUndecided: samspil.YesNoUndecidedChoices, YesNoPartially: samspil.YesNoPartiallyChoices}

// referenceLines writes references one per line, the title followed by
// the address, as the forms' textareas take them.
func referenceLines(refs []samspil.Reference) string {
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = strings.TrimSpace(r.Title + " " + r.URL)
	}
	return strings.Join(lines, "\n")
}

// parseReferenceLines reads references one per line: the last word is the
// address, the words before it the title. A line without an address keeps
// its text as the title and an empty address, which validation refuses
// with the line's path.
func parseReferenceLines(s string) []samspil.Reference {
	out := []samspil.Reference{}
	for line := range strings.Lines(s) {
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		last := words[len(words)-1]
		if strings.Contains(last, "://") || strings.HasPrefix(strings.ToLower(last), "www.") {
			out = append(out, samspil.Reference{Title: strings.Join(words[:len(words)-1], " "), URL: last})
		} else {
			out = append(out, samspil.Reference{Title: strings.Join(words, " ")})
		}
	}
	return out
}

// usageKITOSForm reads the usage form's KITOS fields.
func usageKITOSForm(v *samspil.Validation, r *http.Request) samspil.UsageKITOSFields {
	f := samspil.UsageKITOSFields{LocalCallName: r.PostFormValue("local_call_name"), LocalSystemID: r.PostFormValue("local_system_id"),
		SystemVersion: r.PostFormValue("system_version"), DataClassification: samspil.DataClassification(r.PostFormValue("data_classification")),
		MainContractID: r.PostFormValue("main_contract_id"), ArchiveDuty: samspil.ArchiveDuty(r.PostFormValue("archive_duty")),
		AIUse: samspil.YesNoUndecided(r.PostFormValue("ai_use")), WebAccessibility: samspil.YesNoPartially(r.PostFormValue("web_accessibility")),
		WebAccessibilityNotes: r.PostFormValue("web_accessibility_notes"), References: parseReferenceLines(r.PostFormValue("references"))}
	f.ArchivePeriodYears = formInt(v, r, "archive_period_years")
	f.WebAccessibilityChecked = formDate(v, r, "web_accessibility_checked")
	return f
}

// formInt reads an optional whole number, recording a field error when it
// is not one; empty is 0.
func formInt(v *samspil.Validation, r *http.Request, field string) int {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Add(field, "must be a whole number")
	}
	return n
}

// usageKITOSPatch sets every KITOS field of a usage from the form: an
// empty field clears it.
func usageKITOSPatch(f samspil.UsageKITOSFields) samspil.UsageKITOSPatch {
	checked := f.WebAccessibilityChecked
	if checked == nil {
		checked = &samspil.Date{}
	}
	return samspil.UsageKITOSPatch{LocalCallName: &f.LocalCallName, LocalSystemID: &f.LocalSystemID, SystemVersion: &f.SystemVersion,
		DataClassification: &f.DataClassification, MainContractID: &f.MainContractID, ArchiveDuty: &f.ArchiveDuty,
		ArchivePeriodYears: &f.ArchivePeriodYears, AIUse: &f.AIUse, WebAccessibility: &f.WebAccessibility, WebAccessibilityChecked: checked,
		WebAccessibilityNotes: &f.WebAccessibilityNotes, References: &f.References}
}
