package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/kitos"
	"github.com/samspil/samspil/internal/kitos/kitostest"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// kitosRead reads the fake's landscape of Silkeborg from since on.
func kitosRead(t *testing.T, f *kitostest.Fake, since *time.Time) *samspil.KitosSnapshot {
	t.Helper()
	c := &kitos.Client{BaseURL: f.URL(), Token: "tok", PageSize: 2, Backoff: time.Millisecond}
	snap, err := kitos.Read(ctx, c, kitostest.OrgUUID, since, nil, nil)
	must(t, err)
	snap.BaseURL = f.URL()
	return snap
}

// changesOf indexes a run's changes by kind, op and name.
func changesOf(run *samspil.KitosSyncRun) map[string]samspil.KitosChange {
	out := map[string]samspil.KitosChange{}
	for _, c := range run.Changes {
		out[c.Kind+" "+string(c.Op)+" "+c.Name] = c
	}
	return out
}

func wantCounts(t *testing.T, run *samspil.KitosSyncRun, want map[string]samspil.KitosCounts) {
	t.Helper()
	for _, kind := range []string{"system", "usage", "contract", "relation", "data_processing"} {
		if run.Counts[kind] != want[kind] {
			t.Errorf("%s: counts %+v, want %+v (changes %+v)", kind, run.Counts[kind], want[kind], run.Changes)
		}
	}
}

func TestKitosSync(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		kmd, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "KMD A/S", CVR: "26911745"})
		must(t, err)
		f := kitostest.New(t, "tok")
		f.Seed()
		actor := l.sEditor.Actor
		// Aula and Silkeborg's usage of it were registered by hand before:
		// the first run takes them over instead of adding them again.
		handAula := l.system(t, actor, samspil.SystemInput{Name: "Aula"})
		handUsage, err := db.CreateUsage(ctx, actor, samspil.UsageInput{SystemID: handAula.ID, Lifecycle: samspil.LifecycleOperational})
		must(t, err)

		// A dry run says what would change and writes nothing.
		snap := kitosRead(t, f, nil)
		mark := auditMark(t, db)
		run, err := db.SyncKitos(ctx, actor, testkit.Silkeborg, snap, true)
		must(t, err)
		full := map[string]samspil.KitosCounts{"system": {Created: 2, Updated: 1}, "usage": {Created: 2, Updated: 1}, "contract": {Created: 2, Skipped: 1},
			"relation": {Created: 1}, "data_processing": {Created: 1}}
		wantCounts(t, run, full)
		if !run.DryRun || len(auditSince(t, db, mark)) != 0 {
			t.Errorf("a dry run wrote audit events: %+v", auditSince(t, db, mark))
		}
		if c := changesOf(run)["usage update Aula"]; len(c.Notes) != 1 || c.Notes[0].String() != "linked to the usage registered before" {
			t.Errorf("linked usage %+v", c)
		}
		if c := changesOf(run)["system update Aula"]; len(c.Notes) != 1 || c.Notes[0].String() != "linked to the catalogue entry registered before" {
			t.Errorf("linked system %+v", c)
		}
		if sys, err := db.ListSystems(ctx, actor, samspil.SystemFilter{Query: "SBSYS"}); err != nil || len(sys.Items) != 0 {
			t.Fatalf("a dry run created systems: %+v, %v", sys, err)
		}
		if runs, err := db.ListKitosSyncRuns(ctx, actor, testkit.Silkeborg, 0); err != nil || len(runs) != 0 {
			t.Fatalf("a dry run was recorded: %+v, %v", runs, err)
		}

		// The first run creates everything through the write paths, in one
		// transaction with one audit event.
		run, err = db.SyncKitos(ctx, actor, testkit.Silkeborg, snap, false)
		must(t, err)
		wantCounts(t, run, full)
		events := auditSince(t, db, mark)
		if len(events) != 1 || events[0].Action != "kitos.sync" || events[0].OrganizationID != l.silkeborg.ID || events[0].ObjectID != run.ID {
			t.Fatalf("audit events %+v, want one kitos.sync", events)
		}
		ch := changesOf(run)
		if c := ch["contract skipped Aula-aftale uden dato"]; len(c.Notes) != 1 || !strings.Contains(c.Notes[0].String(), "validFrom") {
			t.Errorf("skipped contract %+v", c)
		}
		if c := ch["contract create SBSYS driftsaftale"]; len(c.Notes) != 1 || c.Notes[0].String() != "the supplier Fujitsu A/S is not in samspil" {
			t.Errorf("contract without a known supplier %+v", c)
		}
		sys, err := db.ListSystems(ctx, actor, samspil.SystemFilter{Query: "SBSYS"})
		must(t, err)
		if len(sys.Items) != 1 || sys.Items[0].OwnerID != l.silkeborg.ID || sys.Items[0].Category != samspil.CategoryCaseManagement ||
			len(sys.Items[0].Tasks) != 1 || sys.Items[0].Tasks[0] != kleStyrelse {
			t.Fatalf("SBSYS in the catalogue: %+v", sys.Items)
		}
		sbsys := sys.Items[0]
		opus, err := db.ListSystems(ctx, actor, samspil.SystemFilter{Query: "OPUS"})
		must(t, err)
		if len(opus.Items) != 1 || opus.Items[0].VendorID != kmd.ID || opus.Items[0].Category != samspil.CategoryHRPayroll {
			t.Errorf("OPUS %+v", opus.Items)
		}
		if aula, err := db.FindSystem(ctx, actor, handAula.ID); err != nil || aula.Category != samspil.CategoryCommunication {
			t.Errorf("Aula after the run: %+v, %v", aula, err)
		}
		usages, err := db.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: l.silkeborg.ID})
		must(t, err)
		byName := map[string]samspil.Usage{}
		for _, u := range usages.Items {
			byName[u.SystemName] = u
		}
		if u := byName["SBSYS"]; u.Lifecycle != samspil.LifecycleOperational || u.From.String() != "2015-01-01" || u.UserBand != "51-200" || u.Notes != "Kernesystem" {
			t.Errorf("SBSYS usage %+v", u)
		}
		if u := byName["OPUS Løn"]; u.Lifecycle != samspil.LifecyclePhasingOut || u.From.String() != "2012-04-01" || u.Until.String() != "2028-01-01" || u.UserBand != "11-50" {
			t.Errorf("OPUS usage %+v", u)
		}
		if u := byName["Aula"]; u.ID != handUsage.ID || u.SystemID != handAula.ID || u.Lifecycle != samspil.LifecyclePlanned || len(usages.Items) != 3 {
			t.Errorf("Aula usage %+v, %d usages", u, len(usages.Items))
		}
		contracts, err := db.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: l.silkeborg.ID})
		must(t, err)
		var sbsysContract, opusContract samspil.Contract
		for _, c := range contracts.Items {
			switch c.ExternalRef {
			case kitostest.ContractSBSYS:
				sbsysContract = c
			case kitostest.ContractOPUS:
				opusContract = c
			}
		}
		rels, err := db.UsageRelations(ctx, actor, byName["SBSYS"].ID)
		must(t, err)
		if len(rels.Outgoing) != 1 || rels.Outgoing[0].ToUsageID != byName["OPUS Løn"].ID || rels.Outgoing[0].Frequency != samspil.FrequencyDaily ||
			rels.Outgoing[0].Description != "Lønsedler journaliseres" || rels.Outgoing[0].Reference != "" || rels.Outgoing[0].ContractID != opusContract.ID {
			t.Errorf("relations of SBSYS %+v", rels.Outgoing)
		}
		if c := ch["relation create SBSYS → OPUS Løn"]; len(c.Notes) != 2 {
			t.Errorf("relation notes %+v", c)
		}
		dps, err := db.AllDataProcessing(ctx, actor, samspil.DataProcessingFilter{OrganizationID: l.silkeborg.ID})
		must(t, err)
		if len(dps) != 1 || dps[0].Name != "Løndata hos KMD" || dps[0].DataResponsible != samspil.DataResponsibleSupplierProcessor ||
			dps[0].AgreementConcluded != samspil.AnswerYes || dps[0].AgreementDate.String() != "2019-06-01" || dps[0].TransferBasis != samspil.TransferEUEEA ||
			len(dps[0].ThirdCountries) != 1 || dps[0].ThirdCountries[0] != "UA" || len(dps[0].Processors) != 1 || dps[0].Processors[0].OrganizationID != kmd.ID ||
			len(dps[0].SubProcessors) != 0 || len(dps[0].Usages) != 1 || dps[0].Usages[0].ID != byName["OPUS Løn"].ID ||
			len(dps[0].Contracts) != 1 || dps[0].Contracts[0].ID != opusContract.ID || dps[0].Oversight.Interval != samspil.OversightYearly ||
			dps[0].Oversight.LastDate.String() != "2025-03-03" || dps[0].Oversight.Result != "Revisionserklæring modtaget" ||
			dps[0].NextOversight.String() != "2026-03-03" {
			t.Errorf("data processing %+v", dps)
		}
		if c := ch["data_processing create Løndata hos KMD"]; len(c.Notes) != 1 || c.Notes[0].String() != "the data processor Ukendt Hosting ApS is not in samspil" {
			t.Errorf("data processing notes %+v", c)
		}
		if c := sbsysContract; c.ExtensionKind != samspil.ExtensionOption || c.ExtensionCount != 2 || c.ExtensionMonths != 12 || c.NoticeMonths != 6 ||
			c.NoticeRule != samspil.NoticeEndOfQuarter || c.Expiry.String() != "2026-12-31" || c.ProcurementForm != samspil.ProcurementEUTender ||
			c.ReprocurementQuarter != "2026-Q3" || len(c.Systems) != 1 || c.Systems[0].ID != sbsys.ID || c.Visibility != samspil.VisibilityPrivate {
			t.Errorf("SBSYS contract %+v", c)
		}
		if c := opusContract; c.SupplierID != kmd.ID || c.Expiry != nil || c.NoticeRule != samspil.NoticeEndOfMonth || c.ProcurementForm != samspil.ProcurementSKI {
			t.Errorf("OPUS contract %+v", c)
		}
		st, err := db.KitosState(ctx, actor, testkit.Silkeborg, f.URL())
		must(t, err)
		if st.Since == nil || !st.Since.Equal(snap.ReadStartedAt) {
			t.Errorf("state since %v, want %v", st.Since, snap.ReadStartedAt)
		}

		// Reading again an hour later changes nothing: the UUIDs find the
		// records. (What changed since the first read began is read again;
		// the contract without a first day is skipped again.)
		f.Tick(time.Hour)
		again, err := db.SyncKitos(ctx, actor, testkit.Silkeborg, kitosRead(t, f, st.Since), false)
		must(t, err)
		wantCounts(t, again, map[string]samspil.KitosCounts{"contract": {Skipped: 1}})
		if n := countAudit(t, db, "kitos.sync"); n != 2 {
			t.Errorf("%d kitos.sync events, want 2", n)
		}

		// samspil's own data: costs on the SBSYS contract, an experience
		// contact on the Aula usage.
		_, err = db.UpdateContract(ctx, actor, sbsysContract.ID, sbsysContract.Version, samspil.ContractPatch{Costs: &samspil.Costs{Operation: 120000_00}})
		must(t, err)
		yes, who := true, "Kim Fiktiv"
		_, err = db.UpdateUsage(ctx, actor, byName["Aula"].ID, byName["Aula"].Version, samspil.UsagePatch{ShareExperience: &yes, ExperienceContactName: &who})
		must(t, err)

		// Incremental: changes and deletions since the last run.
		f.Tick(time.Hour)
		f.Usage(kitostest.Object{"uuid": kitostest.UsageSBSYS, "systemContext": kitostest.Ref(kitostest.SystemSBSYS, "SBSYS"), "organizationContext": kitostest.Silkeborg,
			"general": kitostest.Object{"notes": "Kernesystem, opgraderes", "validity": kitostest.Object{"valid": true, "lifeCycleStatus": "PhasingOut", "validFrom": "2015-01-01T00:00:00Z"}}})
		f.Delete("ItSystemUsage", kitostest.UsageOPUS)
		f.Delete("ItSystemUsage", kitostest.UsageAula)
		f.Delete("ItContract", kitostest.ContractSBSYS)
		f.Delete("ItContract", kitostest.ContractOPUS)
		f.Delete("ItSystem", kitostest.SystemAula)
		f.Delete("DataProcessingRegistration", kitostest.DataProcessingOPUS)
		st, err = db.KitosState(ctx, actor, testkit.Silkeborg, f.URL())
		must(t, err)
		inc := kitosRead(t, f, st.Since)
		if inc.Full {
			t.Fatal("the second read is full")
		}
		mark = auditMark(t, db)
		run, err = db.SyncKitos(ctx, actor, testkit.Silkeborg, inc, false)
		must(t, err)
		wantCounts(t, run, map[string]samspil.KitosCounts{"system": {Kept: 1}, "usage": {Updated: 1, Deleted: 1, Kept: 1}, "contract": {Deleted: 1, Kept: 1},
			"relation": {Deleted: 1}, "data_processing": {Deleted: 1}})
		if events := auditSince(t, db, mark); len(events) != 1 || events[0].Action != "kitos.sync" {
			t.Errorf("audit events %+v", events)
		}
		ch = changesOf(run)
		if c := ch["contract kept SBSYS driftsaftale"]; len(c.Notes) != 1 || !strings.Contains(c.Notes[0].String(), "costs") {
			t.Errorf("kept contract %+v", c)
		}
		if c := ch["usage kept Aula"]; len(c.Notes) != 1 {
			t.Errorf("kept usage %+v", c)
		}
		if _, ok := ch["usage delete OPUS Løn"]; !ok {
			t.Errorf("OPUS usage not deleted: %+v", run.Changes)
		}
		if u, err := db.FindUsage(ctx, actor, byName["SBSYS"].ID); err != nil || u.Lifecycle != samspil.LifecyclePhasingOut || u.Notes != "Kernesystem, opgraderes" ||
			u.UserBand != "" {
			t.Errorf("SBSYS usage after the change: %+v, %v", u, err)
		}
		if _, err := db.FindUsage(ctx, actor, byName["OPUS Løn"].ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("deleted usage: %v", err)
		}
		if _, err := db.FindContract(ctx, actor, opusContract.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("deleted contract: %v", err)
		}
		if _, err := db.FindContract(ctx, actor, sbsysContract.ID); err != nil {
			t.Errorf("kept contract: %v", err)
		}

		// The runs, newest first, with their notes.
		runs, err := db.ListKitosSyncRuns(ctx, l.sViewer.Actor, testkit.Silkeborg, 0)
		must(t, err)
		if len(runs) != 3 || runs[0].ID != run.ID || runs[2].Full != true || runs[0].Full || runs[0].Since == nil {
			t.Fatalf("runs %+v", runs)
		}
		if c := changesOf(&runs[0])["contract kept SBSYS driftsaftale"]; len(c.Notes) != 1 || c.Notes[0].String() != "deleted in KITOS, but kept: samspil holds its costs" {
			t.Errorf("stored note %+v", c)
		}
		if c := changesOf(&runs[2])["contract create SBSYS driftsaftale"]; len(c.Notes) != 1 || c.Notes[0].Format != "the supplier %s is not in samspil" ||
			len(c.Notes[0].Args) != 1 || c.Notes[0].Args[0] != "Fujitsu A/S" {
			t.Errorf("stored note with arguments %+v", c)
		}

		// Another organisation neither syncs nor sees Silkeborg's runs.
		if _, err := db.SyncKitos(ctx, l.vEditor.Actor, testkit.Silkeborg, inc, true); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Errorf("Viborg syncs Silkeborg: %v", err)
		}
		if _, err := db.ListKitosSyncRuns(ctx, l.vEditor.Actor, testkit.Silkeborg, 0); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("Viborg lists Silkeborg's runs: %v", err)
		}
		if _, err := db.KitosState(ctx, l.sViewer.Actor, testkit.Silkeborg, f.URL()); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Errorf("a viewer reads the state: %v", err)
		}
	})
}

func TestKitosCheckpoint(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		actor := l.sEditor.Actor
		must(t, db.SaveKitosCheckpoint(ctx, actor, testkit.Silkeborg, "https://kitos.example", []byte(`{"steps":{}}`)))
		must(t, db.SaveKitosCheckpoint(ctx, actor, testkit.Silkeborg, "https://kitos.example", []byte(`{"steps":{"systems":{}}}`)))
		st, err := db.KitosState(ctx, actor, testkit.Silkeborg, "https://kitos.example")
		must(t, err)
		if string(st.Checkpoint) != `{"steps":{"systems":{}}}` || st.Since != nil {
			t.Errorf("state %+v", st)
		}
		if st, err := db.KitosState(ctx, actor, testkit.Silkeborg, "https://other.example"); err != nil || st.Checkpoint != nil {
			t.Errorf("another instance's state %+v, %v", st, err)
		}
		if err := db.SaveKitosCheckpoint(ctx, l.vEditor.Actor, testkit.Silkeborg, "https://kitos.example", nil); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Errorf("Viborg clears Silkeborg's checkpoint: %v", err)
		}
		// An applied run clears the checkpoint.
		snap := &samspil.KitosSnapshot{BaseURL: "https://kitos.example", Full: true, ReadStartedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
		_, err = db.SyncKitos(ctx, actor, testkit.Silkeborg, snap, false)
		must(t, err)
		st, err = db.KitosState(ctx, actor, testkit.Silkeborg, "https://kitos.example")
		must(t, err)
		if st.Checkpoint != nil || st.Since == nil || !st.Since.Equal(snap.ReadStartedAt) {
			t.Errorf("state after a run %+v", st)
		}
	})
}
