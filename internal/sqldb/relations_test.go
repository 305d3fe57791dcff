package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// relLand is a landscape with relations: Silkeborg uses ESDH, a fagsystem
// and a portal, Viborg uses ESDH too; the ESDH system (Viborg's entry)
// exposes an interface.
type relLand struct {
	*land
	esdh, fag, portal  *samspil.System
	sESDH, sFag, sPort *samspil.Usage
	vESDH              *samspil.Usage
	sagAPI             *samspil.SystemInterface
}

func newRelLand(t *testing.T, db *sqldb.DB) *relLand {
	t.Helper()
	l := &relLand{land: newLand(t, db)}
	l.esdh = l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "ESDH"})
	l.fag = l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fagsystem"})
	l.portal = l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Borgerportal"})
	l.sESDH = l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: l.esdh.ID})
	l.sFag = l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: l.fag.ID})
	l.sPort = l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: l.portal.ID})
	l.vESDH = l.usage(t, l.vEditor.Actor, samspil.UsageInput{SystemID: l.esdh.ID})
	var err error
	l.sagAPI, err = db.CreateSystemInterface(ctx, l.vEditor.Actor, l.esdh.ID, samspil.SystemInterfaceInput{Name: "Sag-API", Identifier: "SAG-1", InterfaceVersion: "2"})
	must(t, err)
	return l
}

func TestSystemInterfaces(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Sag"})
		private := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Hemmelig", Visibility: samspil.VisibilityPrivate})

		mark := auditMark(t, db)
		i, err := db.CreateSystemInterface(ctx, l.sEditor.Actor, s.ID, samspil.SystemInterfaceInput{Name: " Dokument-API ", Identifier: "DOK",
			InterfaceVersion: "1.0", Description: "Dokumenter", URL: "https://eksempel.dk/dok"})
		must(t, err)
		if i.SystemID != s.ID || i.SystemName != "Sag" || i.Name != "Dokument-API" || i.Identifier != "DOK" || i.InterfaceVersion != "1.0" ||
			i.URL != "https://eksempel.dk/dok" || i.Version != 1 {
			t.Fatalf("created %+v", i)
		}
		wantEvent(t, db, mark, "system_interface.create", l.silkeborg.ID, i.ID)

		// Others see it with the system; they may not change it.
		list, err := db.SystemInterfaces(ctx, l.vEditor.Actor, s.ID)
		must(t, err)
		if len(list) != 1 || list[0].ID != i.ID {
			t.Fatalf("Viborg lists %+v", list)
		}
		mark = auditMark(t, db)
		_, err = db.CreateSystemInterface(ctx, l.vEditor.Actor, s.ID, samspil.SystemInterfaceInput{Name: "Andet"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateSystemInterface(ctx, l.vEditor.Actor, i.ID, 1, samspil.SystemInterfacePatch{Name: ptr("Andet")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteSystemInterface(ctx, l.vEditor.Actor, i.ID, 1), samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteSystemInterface(ctx, l.sViewer.Actor, i.ID, 1), samspil.EFORBIDDEN)

		// A private system's interfaces do not exist for others.
		hidden, err := db.CreateSystemInterface(ctx, l.sEditor.Actor, private.ID, samspil.SystemInterfaceInput{Name: "Skjult"})
		must(t, err)
		_, err = db.SystemInterfaces(ctx, l.vEditor.Actor, private.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.FindSystemInterface(ctx, l.vEditor.Actor, hidden.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.CreateSystemInterface(ctx, l.vEditor.Actor, private.ID, samspil.SystemInterfaceInput{Name: "x"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		testkit.ErrCode(t, db.DeleteSystemInterface(ctx, l.vEditor.Actor, hidden.ID, 1), samspil.ENOTFOUND)

		// Bad input names the field; a second of the same name and version conflicts.
		_, err = db.CreateSystemInterface(ctx, l.sEditor.Actor, s.ID, samspil.SystemInterfaceInput{Name: " "})
		wantField(t, err, samspil.EINVALID, "name")
		_, err = db.CreateSystemInterface(ctx, l.sEditor.Actor, s.ID, samspil.SystemInterfaceInput{Name: "x", URL: "javascript:alert(1)"})
		wantField(t, err, samspil.EINVALID, "url")
		_, err = db.CreateSystemInterface(ctx, l.sEditor.Actor, s.ID, samspil.SystemInterfaceInput{Name: "dokument-api", InterfaceVersion: "1.0"})
		wantField(t, err, samspil.ECONFLICT, "name")
		wantAudit(t, db, mark, "system_interface.create")

		// Update with the version; a stale one is refused.
		mark = auditMark(t, db)
		up, err := db.UpdateSystemInterface(ctx, l.sEditor.Actor, i.ID, 1, samspil.SystemInterfacePatch{InterfaceVersion: ptr("2.0"), URL: ptr("")})
		must(t, err)
		if up.Version != 2 || up.InterfaceVersion != "2.0" || up.URL != "" || up.Name != "Dokument-API" {
			t.Fatalf("updated %+v", up)
		}
		_, err = db.UpdateSystemInterface(ctx, l.sEditor.Actor, i.ID, 1, samspil.SystemInterfacePatch{Name: ptr("y")})
		testkit.ErrCode(t, err, samspil.ESTALE)
		_, err = db.UpdateSystemInterface(ctx, l.sEditor.Actor, i.ID, 2, samspil.SystemInterfacePatch{URL: ptr("ftp://x")})
		wantField(t, err, samspil.EINVALID, "url")
		wantEvent(t, db, mark, "system_interface.update", l.silkeborg.ID, i.ID)

		mark = auditMark(t, db)
		testkit.ErrCode(t, db.DeleteSystemInterface(ctx, l.sEditor.Actor, i.ID, 1), samspil.ESTALE)
		must(t, db.DeleteSystemInterface(ctx, l.sEditor.Actor, i.ID, 2))
		wantEvent(t, db, mark, "system_interface.delete", l.silkeborg.ID, i.ID)
		_, err = db.FindSystemInterface(ctx, l.sEditor.Actor, i.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestUsageRelations(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newRelLand(t, db)
		terms := samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 36}
		sContract := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "ESDH-kontrakt", ContractTerms: terms})
		vContract := l.contract(t, l.vEditor.Actor, samspil.ContractInput{Name: "Viborgs", ContractTerms: terms})
		fagAPI, err := db.CreateSystemInterface(ctx, l.sEditor.Actor, l.fag.ID, samspil.SystemInterfaceInput{Name: "Fag-API"})
		must(t, err)

		// The fagsystem uses ESDH through its interface, weekly, under the contract.
		mark := auditMark(t, db)
		r, err := db.CreateUsageRelation(ctx, l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sESDH.ID, InterfaceID: l.sagAPI.ID,
			Frequency: samspil.FrequencyWeekly, Description: "Journalisering", Reference: "https://eksempel.dk/rel", ContractID: sContract.ID})
		must(t, err)
		if r.OrganizationID != l.silkeborg.ID || r.FromUsageID != l.sFag.ID || r.FromSystemName != "Fagsystem" || r.ToUsageID != l.sESDH.ID ||
			r.ToSystemName != "ESDH" || r.InterfaceName != "Sag-API" || r.Frequency != samspil.FrequencyWeekly || r.ContractName != "ESDH-kontrakt" ||
			r.Version != 1 || r.Reference != "https://eksempel.dk/rel" {
			t.Fatalf("created %+v", r)
		}
		wantEvent(t, db, mark, "usage_relation.create", l.silkeborg.ID, r.ID)

		// The interfaces Silkeborg's relations may go through: those of the
		// systems it uses, whoever registered them.
		usable, err := db.UsableInterfaces(ctx, l.sViewer.Actor, l.silkeborg.ID)
		must(t, err)
		if len(usable) != 2 || usable[0].ID != l.sagAPI.ID || usable[1].ID != fagAPI.ID {
			t.Fatalf("usable interfaces %+v", usable)
		}
		if usable, err = db.UsableInterfaces(ctx, l.vEditor.Actor, l.viborg.ID); err != nil || len(usable) != 1 {
			t.Fatalf("Viborg's usable interfaces %+v, %v", usable, err)
		}

		// Both ends list it.
		rels, err := db.UsageRelations(ctx, l.sViewer.Actor, l.sFag.ID)
		must(t, err)
		if len(rels.Outgoing) != 1 || rels.Outgoing[0].ID != r.ID || len(rels.Incoming) != 0 {
			t.Fatalf("from the fagsystem %+v", rels)
		}
		rels, err = db.UsageRelations(ctx, l.sViewer.Actor, l.sESDH.ID)
		must(t, err)
		if len(rels.Incoming) != 1 || rels.Incoming[0].ID != r.ID || len(rels.Outgoing) != 0 {
			t.Fatalf("to ESDH %+v", rels)
		}
		sys, err := db.SystemRelations(ctx, l.vEditor.Actor, l.esdh.ID)
		must(t, err)
		if len(sys.Incoming) != 1 || sys.Incoming[0].OrganizationName != l.silkeborg.Name || len(sys.Outgoing) != 0 {
			t.Fatalf("ESDH's system relations %+v", sys)
		}
		// Viborg sees the relation of sector-visible usages, but not the
		// contract, which is Silkeborg's own (contracts are private by default).
		if seen, err := db.FindUsageRelation(ctx, l.vEditor.Actor, r.ID); err != nil || seen.ContractID != "" || seen.ContractName != "" {
			t.Fatalf("Viborg finds %+v, %v", seen, err)
		}

		mark = auditMark(t, db)
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			from  string
			in    samspil.UsageRelationInput
			code  string
			field string
		}{
			{"across organisations", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.vESDH.ID}, samspil.EINVALID, "to_usage_id"},
			{"to itself", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sFag.ID}, samspil.EINVALID, "to_usage_id"},
			{"no target", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{}, samspil.EINVALID, "to_usage_id"},
			{"unknown target", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: "nope"}, samspil.EINVALID, "to_usage_id"},
			{"duplicate", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sESDH.ID, InterfaceID: l.sagAPI.ID}, samspil.ECONFLICT, "to_usage_id"},
			{"interface of the source, not the target", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID, InterfaceID: fagAPI.ID}, samspil.EINVALID, "interface_id"},
			{"unknown interface", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sESDH.ID, InterfaceID: "nope"}, samspil.EINVALID, "interface_id"},
			{"contract of another organisation", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID, ContractID: vContract.ID}, samspil.EINVALID, "contract_id"},
			{"unknown contract", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID, ContractID: "nope"}, samspil.EINVALID, "contract_id"},
			{"bad frequency", l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID, Frequency: "hourly"}, samspil.EINVALID, "frequency"},
			{"viewer", l.sViewer.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID}, samspil.EFORBIDDEN, ""},
			{"another organisation's usage", l.vEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sPort.ID}, samspil.EFORBIDDEN, ""},
			{"unknown source", l.sEditor.Actor, "nope", samspil.UsageRelationInput{ToUsageID: l.sPort.ID}, samspil.ENOTFOUND, ""},
		} {
			_, err := db.CreateUsageRelation(ctx, c.actor, c.from, c.in)
			if c.field != "" {
				wantField(t, err, c.code, c.field)
			} else {
				testkit.ErrCode(t, err, c.code)
			}
		}
		// Without an interface, a second relation between the same usages is a duplicate too.
		_, err = db.CreateUsageRelation(ctx, l.sEditor.Actor, l.sPort.ID, samspil.UsageRelationInput{ToUsageID: l.sFag.ID})
		must(t, err)
		_, err = db.CreateUsageRelation(ctx, l.sEditor.Actor, l.sPort.ID, samspil.UsageRelationInput{ToUsageID: l.sFag.ID})
		wantField(t, err, samspil.ECONFLICT, "to_usage_id")
		wantAudit(t, db, mark, "usage_relation.create")

		// Update: a new target drops the interface its system does not expose.
		mark = auditMark(t, db)
		up, err := db.UpdateUsageRelation(ctx, l.sEditor.Actor, r.ID, 1, samspil.UsageRelationPatch{ToUsageID: &l.sPort.ID, Frequency: ptr(samspil.FrequencyDaily), ContractID: ptr("")})
		must(t, err)
		if up.ToUsageID != l.sPort.ID || up.InterfaceID != "" || up.Frequency != samspil.FrequencyDaily || up.ContractID != "" || up.Version != 2 ||
			up.Description != "Journalisering" {
			t.Fatalf("updated %+v", up)
		}
		_, err = db.UpdateUsageRelation(ctx, l.sEditor.Actor, r.ID, 1, samspil.UsageRelationPatch{Description: ptr("x")})
		testkit.ErrCode(t, err, samspil.ESTALE)
		_, err = db.UpdateUsageRelation(ctx, l.sEditor.Actor, r.ID, 2, samspil.UsageRelationPatch{InterfaceID: &l.sagAPI.ID})
		wantField(t, err, samspil.EINVALID, "interface_id")
		_, err = db.UpdateUsageRelation(ctx, l.vEditor.Actor, r.ID, 2, samspil.UsageRelationPatch{Description: ptr("x")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		wantEvent(t, db, mark, "usage_relation.update", l.silkeborg.ID, r.ID)

		// Back to ESDH with the interface; deleting the interface keeps the relation, without it.
		up, err = db.UpdateUsageRelation(ctx, l.sEditor.Actor, r.ID, 2, samspil.UsageRelationPatch{ToUsageID: &l.sESDH.ID, InterfaceID: &l.sagAPI.ID})
		must(t, err)
		if up.InterfaceName != "Sag-API" {
			t.Fatalf("updated %+v", up)
		}
		api, err := db.FindSystemInterface(ctx, l.vEditor.Actor, l.sagAPI.ID)
		must(t, err)
		must(t, db.DeleteSystemInterface(ctx, l.vEditor.Actor, api.ID, api.Version))
		after, err := db.FindUsageRelation(ctx, l.sEditor.Actor, r.ID)
		must(t, err)
		if after.InterfaceID != "" || after.Version != 4 {
			t.Fatalf("after the interface is gone %+v", after)
		}

		// A usage the actor cannot see hides its relations.
		_, err = db.UpdateUsage(ctx, l.sEditor.Actor, l.sPort.ID, l.sPort.Version, samspil.UsagePatch{Visibility: ptr(samspil.VisibilityPrivate)})
		must(t, err)
		rels, err = db.UsageRelations(ctx, l.vEditor.Actor, l.sFag.ID)
		must(t, err)
		if len(rels.Outgoing) != 1 || len(rels.Incoming) != 0 {
			t.Fatalf("Viborg sees the portal's relation, a private usage: %+v", rels)
		}
		rels, err = db.UsageRelations(ctx, l.sViewer.Actor, l.sFag.ID)
		must(t, err)
		if len(rels.Incoming) != 1 {
			t.Fatalf("Silkeborg sees %+v", rels)
		}
		_, err = db.UsageRelations(ctx, l.vEditor.Actor, l.sPort.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		deps, err := db.UsageDependents(ctx, l.vEditor.Actor, l.sFag.ID)
		must(t, err)
		if len(deps) != 0 {
			t.Fatalf("Viborg sees dependents through a private usage: %+v", deps)
		}

		// Delete.
		mark = auditMark(t, db)
		testkit.ErrCode(t, db.DeleteUsageRelation(ctx, l.sViewer.Actor, r.ID, 4), samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteUsageRelation(ctx, l.sEditor.Actor, r.ID, 3), samspil.ESTALE)
		must(t, db.DeleteUsageRelation(ctx, l.sEditor.Actor, r.ID, 4))
		wantEvent(t, db, mark, "usage_relation.delete", l.silkeborg.ID, r.ID)
		_, err = db.FindUsageRelation(ctx, l.sEditor.Actor, r.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestUsageRelationPrivateContract(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newRelLand(t, db)
		terms := samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 36}
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Fortrolig", ContractTerms: terms, Visibility: samspil.VisibilityPrivate})
		r, err := db.CreateUsageRelation(ctx, l.sEditor.Actor, l.sFag.ID, samspil.UsageRelationInput{ToUsageID: l.sESDH.ID, ContractID: c.ID})
		must(t, err)
		seen, err := db.FindUsageRelation(ctx, l.vEditor.Actor, r.ID)
		must(t, err)
		if seen.ContractID != "" || seen.ContractName != "" {
			t.Fatalf("Viborg sees the private contract: %+v", seen)
		}
		// An update that does not name the contract keeps it.
		up, err := db.UpdateUsageRelation(ctx, l.sEditor.Actor, r.ID, 1, samspil.UsageRelationPatch{Description: ptr("Ny")})
		must(t, err)
		if up.ContractID != c.ID {
			t.Fatalf("updated %+v", up)
		}
	})
}

func TestUsageDependents(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newRelLand(t, db)
		rel := func(from, to *samspil.Usage) {
			t.Helper()
			_, err := db.CreateUsageRelation(ctx, l.sEditor.Actor, from.ID, samspil.UsageRelationInput{ToUsageID: to.ID})
			must(t, err)
		}
		// The portal uses the fagsystem, which uses ESDH; ESDH uses the portal back (a cycle).
		rel(l.sFag, l.sESDH)
		rel(l.sPort, l.sFag)
		rel(l.sESDH, l.sPort)
		deps, err := db.UsageDependents(ctx, l.sViewer.Actor, l.sESDH.ID)
		must(t, err)
		if len(deps) != 2 || deps[0].UsageID != l.sFag.ID || deps[0].Depth != 1 || deps[1].UsageID != l.sPort.ID || deps[1].Depth != 2 ||
			len(deps[1].Path) != 3 || deps[1].Path[0].SystemName != "ESDH" || deps[1].Path[1].SystemName != "Fagsystem" {
			t.Fatalf("dependents %+v", deps)
		}
		_, err = db.UsageDependents(ctx, l.vEditor.Actor, "nope")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		// Deleting a usage takes its relations with it.
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, l.sFag.ID, l.sFag.Version))
		deps, err = db.UsageDependents(ctx, l.sViewer.Actor, l.sESDH.ID)
		must(t, err)
		if len(deps) != 0 {
			t.Fatalf("after deleting the fagsystem %+v", deps)
		}
	})
}

func TestMergeSystemsMovesInterfaces(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newRelLand(t, db)
		dup := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "ESDH (dublet)"})
		same, err := db.CreateSystemInterface(ctx, l.vEditor.Actor, dup.ID, samspil.SystemInterfaceInput{Name: "Sag-API", InterfaceVersion: "2"})
		must(t, err)
		other, err := db.CreateSystemInterface(ctx, l.vEditor.Actor, dup.ID, samspil.SystemInterfaceInput{Name: "Arkiv-API"})
		must(t, err)
		dupUse := l.usage(t, l.aEditor.Actor, samspil.UsageInput{SystemID: dup.ID})
		aFag := l.usage(t, l.aEditor.Actor, samspil.UsageInput{SystemID: l.fag.ID})
		r, err := db.CreateUsageRelation(ctx, l.aEditor.Actor, aFag.ID, samspil.UsageRelationInput{ToUsageID: dupUse.ID, InterfaceID: same.ID})
		must(t, err)
		_, err = db.MergeSystems(ctx, l.op, l.esdh.ID, dup.ID)
		must(t, err)
		list, err := db.SystemInterfaces(ctx, l.vEditor.Actor, l.esdh.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != other.ID || list[1].ID != l.sagAPI.ID {
			t.Fatalf("survivor's interfaces %+v", list)
		}
		moved, err := db.FindUsageRelation(ctx, l.aEditor.Actor, r.ID)
		must(t, err)
		if moved.InterfaceID != l.sagAPI.ID || moved.ToSystemID != l.esdh.ID {
			t.Fatalf("relation after the merge %+v", moved)
		}
	})
}

// TestRelationVisibleIffBothUsages checks the visibility rule of relations
// in SQL against its definition: an actor sees a relation exactly when they
// see both its usages (FindUsage), for usages of every visibility.
func TestRelationVisibleIffBothUsages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		var usages []*samspil.Usage
		for _, v := range samspil.Visibilities {
			s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "System " + string(v), Visibility: samspil.VisibilityPublic})
			usages = append(usages, l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: v}))
		}
		var rels []*samspil.UsageRelation
		for _, from := range usages {
			for _, to := range usages {
				if from.ID != to.ID {
					r, err := db.CreateUsageRelation(ctx, l.sEditor.Actor, from.ID, samspil.UsageRelationInput{ToUsageID: to.ID})
					must(t, err)
					rels = append(rels, r)
				}
			}
		}
		for _, a := range []struct {
			name  string
			actor *samspil.Actor
		}{{"anonymous", samspil.Anonymous()}, {"viewer of the organisation", l.sViewer.Actor}, {"editor of another", l.vEditor.Actor},
			{"operator", l.op}} {
			sees := map[string]bool{}
			for _, u := range usages {
				_, err := db.FindUsage(ctx, a.actor, u.ID)
				sees[u.ID] = err == nil
			}
			for _, r := range rels {
				_, err := db.FindUsageRelation(ctx, a.actor, r.ID)
				if want := sees[r.FromUsageID] && sees[r.ToUsageID]; (err == nil) != want {
					t.Errorf("%s: relation %s → %s visible %v, want %v (%v)", a.name, r.FromSystemName, r.ToSystemName, err == nil, want, err)
				}
			}
		}
	})
}
