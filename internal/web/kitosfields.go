package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
)

// kitosLists are the fixed value lists of the fields municipalities keep
// in KITOS, for the forms' selects. The data classification levels are
// each organisation's own (landscapeData.Classifications).
type kitosLists struct {
	ArchiveDuties  []samspil.ArchiveDuty
	YesNoUndecided []samspil.YesNoUndecided
	YesNoPartially []samspil.YesNoPartially
}

var kitos = kitosLists{ArchiveDuties: samspil.ArchiveDuties,
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

// contractKITOSLists are the value lists of the contract form's fields
// kept as in KITOS, and the contracts it may belong under.
type contractKITOSLists struct {
	ContractTypes []samspil.ContractType
	Criticalities []samspil.Criticality
	PaymentModels []samspil.PaymentModel
	Parents       []samspil.Contract // the organisation's other contracts
}

// milestoneLines writes payment milestones one per line as the contract
// form takes them: "title; expected date; approved date".
func milestoneLines(ms []samspil.PaymentMilestone) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		line := m.Title
		if m.ExpectedOn != nil || m.ApprovedOn != nil {
			line += "; "
			if m.ExpectedOn != nil {
				line += m.ExpectedOn.String()
			}
		}
		if m.ApprovedOn != nil {
			line += "; " + m.ApprovedOn.String()
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// parseMilestoneLines reads payment milestones one per line: a title, then
// optionally the expected and the approved date, separated by semicolons.
// A date that is not one is a field error at the milestone's date.
func parseMilestoneLines(v *samspil.Validation, s string) []samspil.PaymentMilestone {
	out := []samspil.PaymentMilestone{}
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, ";")
		m := samspil.PaymentMilestone{Title: strings.TrimSpace(parts[0])}
		path := "payment_milestones[" + strconv.Itoa(len(out)) + "]"
		for i, dst := range []**samspil.Date{&m.ExpectedOn, &m.ApprovedOn} {
			if i+1 >= len(parts) {
				break
			}
			d := strings.TrimSpace(parts[i+1])
			if d == "" {
				continue
			}
			day, err := samspil.ParseDate(d)
			if err != nil {
				v.Add(path+[]string{".expected_on", ".approved_on"}[i], "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", d)
				continue
			}
			*dst = &day
		}
		if len(parts) > 3 {
			v.Add(path, "must be a title and at most two dates, separated by semicolons")
		}
		out = append(out, m)
	}
	return out
}

// contractKITOSForm reads the contract form's KITOS fields.
func contractKITOSForm(v *samspil.Validation, r *http.Request) samspil.ContractKITOSFields {
	return samspil.ContractKITOSFields{ContractType: samspil.ContractType(r.PostFormValue("contract_type")),
		Criticality: samspil.Criticality(r.PostFormValue("criticality")), ParentID: r.PostFormValue("parent_id"),
		PaymentModel: samspil.PaymentModel(r.PostFormValue("payment_model")), PaymentMilestones: parseMilestoneLines(v, r.PostFormValue("payment_milestones")),
		OrganizationSigner: r.PostFormValue("organization_signer"), OrganizationSignedOn: formDate(v, r, "organization_signed_on"),
		SupplierSigner: r.PostFormValue("supplier_signer"), SupplierSignedOn: formDate(v, r, "supplier_signed_on")}
}

// contractKITOSPatch sets every KITOS field of a contract from the form:
// an empty field clears it.
func contractKITOSPatch(f samspil.ContractKITOSFields) samspil.ContractKITOSPatch {
	orgOn, supOn := f.OrganizationSignedOn, f.SupplierSignedOn
	if orgOn == nil {
		orgOn = &samspil.Date{}
	}
	if supOn == nil {
		supOn = &samspil.Date{}
	}
	return samspil.ContractKITOSPatch{ContractType: &f.ContractType, Criticality: &f.Criticality, ParentID: &f.ParentID, PaymentModel: &f.PaymentModel,
		PaymentMilestones: &f.PaymentMilestones, OrganizationSigner: &f.OrganizationSigner, OrganizationSignedOn: orgOn,
		SupplierSigner: &f.SupplierSigner, SupplierSignedOn: supOn}
}
