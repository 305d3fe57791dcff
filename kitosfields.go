package samspil

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the value lists of the fields that municipalities keep
// in KITOS (OS2's IT system catalogue) on usages, catalogue systems and
// contracts, so that a municipality moving its landscape to samspil keeps
// them. Names and meanings follow KITOS's API v2 (Presentation.Web/Models/
// API/V2); the Danish labels (i18n keys "<type>.<value>") follow the KITOS
// frontend.

func init() {
	RegisterEnum(ArchiveDuties)
	RegisterEnum(ArchiveRecommendations)
	RegisterEnum(YesNoUndecidedChoices)
	RegisterEnum(YesNoPartiallyChoices)
}

// ArchiveDuty is a usage's duty to hand its data to an archive, as KITOS's
// ArchiveDutyChoice. KITOS's Undecided (registration reset) is the empty
// value.
type ArchiveDuty string

// Archive duties.
const (
	ArchiveB                ArchiveDuty = "b"                               // data and documents are preserved (B)
	ArchiveK                ArchiveDuty = "k"                               // data and documents are discarded (K)
	ArchiveUnknown          ArchiveDuty = "unknown"                         // no guidance
	ArchivePreserveDataOnly ArchiveDuty = "preserve_data_discard_documents" // data is preserved, some documents may be discarded (B+D)
)

// MaxArchivePeriodYears is the longest archive period a usage records.
const MaxArchivePeriodYears = 100

// ArchiveDuties lists the archive duties.
var ArchiveDuties = []ArchiveDuty{ArchiveB, ArchiveK, ArchivePreserveDataOnly, ArchiveUnknown}

// ArchiveRecommendation is the national archive's (Rigsarkivet's)
// recommendation for a catalogue system, as KITOS's
// RecommendedArchiveDutyChoice. KITOS's Undecided is the empty value.
type ArchiveRecommendation string

// Archive recommendations.
const (
	RecommendB                ArchiveRecommendation = "b"
	RecommendK                ArchiveRecommendation = "k"
	RecommendPreserveDataOnly ArchiveRecommendation = "preserve_data_discard_documents"
	RecommendNone             ArchiveRecommendation = "no_recommendation"
)

// ArchiveRecommendations lists the recommendations.
var ArchiveRecommendations = []ArchiveRecommendation{RecommendB, RecommendK, RecommendPreserveDataOnly, RecommendNone}

// YesNoUndecided is an answer that may still be open, as KITOS's
// YesNoUndecidedChoice.
type YesNoUndecided string

// The answers.
const (
	Yes       YesNoUndecided = "yes"
	No        YesNoUndecided = "no"
	Undecided YesNoUndecided = "undecided"
)

// YesNoUndecidedChoices lists the answers.
var YesNoUndecidedChoices = []YesNoUndecided{Yes, No, Undecided}

// YesNoPartially is an answer that may be partial, as KITOS's
// YesNoPartiallyChoice.
type YesNoPartially string

// The answers.
const (
	FullyYes  YesNoPartially = "yes"
	FullyNo   YesNoPartially = "no"
	Partially YesNoPartially = "partially"
)

// YesNoPartiallyChoices lists the answers.
var YesNoPartiallyChoices = []YesNoPartially{FullyYes, FullyNo, Partially}

// Reference is a link to a document elsewhere, as KITOS's external
// references ("Lokale referencer").
type Reference struct {
	Title string `json:"title" maxLength:"200"`
	URL   string `json:"url" maxLength:"500" doc:"An http or https address"`
}

// MaxReferences is how many references an object keeps.
const MaxReferences = 20

// checkReferences checks a list of references at path.
func checkReferences(v *Validation, path string, refs []Reference) {
	v.Check(len(refs) <= MaxReferences, path, "must have at most %d entries", MaxReferences)
	for i, r := range refs {
		p := path + "[" + strconv.Itoa(i) + "]"
		v.Check(strings.TrimSpace(r.Title) != "", p+".title", "is required")
		v.Check(utf8.RuneCountInString(r.Title) <= 200, p+".title", "must be at most 200 characters")
		v.Check(validWebURL(r.URL), p+".url", "must be an http or https address")
	}
}

// trimReferences trims titles and addresses and never returns nil.
func trimReferences(refs []Reference) []Reference {
	out := make([]Reference, len(refs))
	for i, r := range refs {
		out[i] = Reference{Title: strings.TrimSpace(r.Title), URL: strings.TrimSpace(r.URL)}
	}
	return out
}

// checkLength records that the field at path is longer than max
// characters.
func checkLength(v *Validation, path, s string, max int) {
	v.Check(utf8.RuneCountInString(s) <= max, path, "must be at most %d characters", max)
}

// Covers reports whether the contract covers the system.
func (c Contract) Covers(systemID string) bool {
	for _, s := range c.Systems {
		if s.ID == systemID {
			return true
		}
	}
	return false
}

// Set reports whether any of the fields is set, so that pages show the
// group only then.
func (f UsageKITOSFields) Set() bool {
	return f.LocalCallName != "" || f.LocalSystemID != "" || f.SystemVersion != "" || f.DataClassification != "" || f.MainContractID != "" ||
		f.ArchiveDuty != "" || f.ArchivePeriodYears != 0 || f.AIUse != "" || f.WebAccessibility != "" || f.WebAccessibilityChecked != nil ||
		f.WebAccessibilityNotes != "" || len(f.References) > 0
}
