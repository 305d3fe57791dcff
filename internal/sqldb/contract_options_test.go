package sqldb_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestContractOptions: the kind of a contract's extensions is stored, the
// deadlines of an option that must be exercised follow it, and extensions
// that cannot have been taken yet are refused with nothing written.
func TestContractOptions(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		copenhagenClock(db, time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC))
		terms := samspil.ContractTerms{Start: day(t, "2024-01-01"), Expiry: ptr(day(t, "2026-12-31")), ExtensionCount: 2, ExtensionMonths: 12,
			NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth, ExtensionKind: samspil.ExtensionOption}
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Option", ContractTerms: terms})
		if c.ExtensionKind != samspil.ExtensionOption {
			t.Fatalf("kind %q", c.ExtensionKind)
		}
		// 6 months to the end of a month before 2026-12-31: by 2026-06-30.
		dl := c.Deadlines
		if dateString(dl.LastExerciseDate) != "2026-06-30" || dateString(dl.NextDecisionDate) != "2026-06-30" ||
			dateString(dl.LastNoticeDate) != "-" || dateString(dl.ExtendsTo) != "2027-12-31" || dateString(dl.NextEnd) != "2026-12-31" {
			t.Errorf("deadlines %+v", dl)
		}
		// A renewal of the same terms asks for notice by the same day.
		auto := terms
		auto.ExtensionKind = ""
		r := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Fornyelse", ContractTerms: auto})
		if r.ExtensionKind != samspil.ExtensionAutomatic || dateString(r.Deadlines.LastNoticeDate) != "2026-06-30" {
			t.Errorf("renewal: kind %q, deadlines %+v", r.ExtensionKind, r.Deadlines)
		}

		// Listing as of a later day: the option was not exercised, so the
		// contract has ended, where the renewal has been extended.
		list, err := db.AllContracts(ctx, l.sEditor.Actor, samspil.ContractFilter{OrganizationID: testkit.Silkeborg, On: day(t, "2027-01-01")})
		must(t, err)
		for _, x := range list {
			switch x.ID {
			case c.ID:
				if x.Deadlines.Status != samspil.ContractExpired || dateString(x.Deadlines.CurrentEnd) != "2026-12-31" {
					t.Errorf("option as of 2027-01-01: %+v", x.Deadlines)
				}
			case r.ID:
				if x.Deadlines.Status != samspil.ContractActive || dateString(x.Deadlines.CurrentEnd) != "2027-12-31" {
					t.Errorf("renewal as of 2027-01-01: %+v", x.Deadlines)
				}
			}
		}
		page, err := db.ListContracts(ctx, l.sEditor.Actor, samspil.ContractFilter{OrganizationID: testkit.Silkeborg, Status: samspil.ContractExpired,
			On: day(t, "2027-01-01")})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != c.ID {
			t.Errorf("expired as of 2027-01-01: %d contracts", len(page.Items))
		}

		// Exercising the option: one extension used, recorded in advance.
		used := terms
		used.ExtensionsUsed = 1
		c2, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, c.Version, samspil.ContractPatch{Terms: &used})
		must(t, err)
		if dateString(c2.Deadlines.NextEnd) != "2027-12-31" || dateString(c2.Deadlines.LastExerciseDate) != "2027-06-30" {
			t.Errorf("exercised: %+v", c2.Deadlines)
		}
		// Two used in January 2026, when not even the first has begun: refused,
		// nothing written, nothing audited.
		used.ExtensionsUsed = 2
		m := auditMark(t, db)
		_, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, c2.Version, samspil.ContractPatch{Terms: &used})
		wantField(t, err, samspil.EINVALID, "extensions_used")
		wantAudit(t, db, m)
		after, err := db.FindContract(ctx, l.sEditor.Actor, c.ID)
		must(t, err)
		if after.Version != c2.Version || after.ExtensionsUsed != 1 {
			t.Errorf("changed by a refused update: %+v", after.ContractTerms)
		}
		_, err = db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "For mange", ContractTerms: used})
		wantField(t, err, samspil.EINVALID, "extensions_used")
		wantAudit(t, db, m)
		// An unknown kind names the field.
		bad := terms
		bad.ExtensionKind = "renewal"
		_, err = db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "Ukendt", ContractTerms: bad})
		wantField(t, err, samspil.EINVALID, "extension_kind")
		wantAudit(t, db, m)

		// A patch that leaves the terms alone is not refused for them.
		name := "Option (omdøbt)"
		if _, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, c2.Version, samspil.ContractPatch{Name: &name}); err != nil {
			t.Errorf("rename: %v", err)
		}

		// A fixed-term contract whose notice can have no effect is accepted
		// with a warning in its deadlines.
		fixed := samspil.ContractTerms{Start: day(t, "2025-01-01"), Expiry: ptr(day(t, "2027-12-31")), NoticeMonths: 3}
		w := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Uden virkning", ContractTerms: fixed})
		if len(w.Deadlines.Warnings) != 1 {
			t.Errorf("warnings %q", w.Deadlines.Warnings)
		}
	})
}
