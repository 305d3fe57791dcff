package sqldb_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// unit creates an org unit, failing the test on error.
func (l *land) unit(t testing.TB, actor *samspil.Actor, org, name string) *samspil.OrgUnit {
	t.Helper()
	u, err := l.db.CreateUnit(ctx, actor, org, samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: name})
	if err != nil {
		t.Fatalf("create unit %s: %v", name, err)
	}
	return u
}

func TestUsageCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Fagsystem", Tasks: []string{kleAeldrepleje}})
		private := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Viborgs eget", Visibility: samspil.VisibilityPrivate})
		it := l.unit(t, l.sEditor.Actor, testkit.Silkeborg, "IT")
		pleje := l.unit(t, l.sEditor.Actor, testkit.Silkeborg, "Pleje")
		foreign := l.unit(t, l.vEditor.Actor, testkit.Viborg, "Viborgs IT")

		mark := auditMark(t, db)
		from, until := samspil.NewDate(2024, 2, 29), samspil.NewDate(2030, 12, 31)
		u, err := db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecyclePhasingIn,
			From: &from, Until: &until, ResponsibleUnitID: it.ID, UsingUnitIDs: []string{pleje.ID, it.ID, pleje.ID}, UserBand: "51-200",
			TaskChanges: []samspil.TaskChange{{Code: kleAeldrepleje, OptOut: true}, {Code: kleStyrelse}}, Notes: "Indfases"})
		must(t, err)
		if u.OrganizationID != l.silkeborg.ID || u.OrganizationName != l.silkeborg.Name || u.SystemID != s.ID || u.SystemName != "Fagsystem" ||
			u.Lifecycle != samspil.LifecyclePhasingIn || u.From == nil || *u.From != from || u.Until == nil || *u.Until != until ||
			u.ResponsibleUnitID != it.ID || u.UserBand != "51-200" || u.Notes != "Indfases" || u.Visibility != samspil.VisibilitySector || u.Version != 1 {
			t.Fatalf("created %+v", u)
		}
		if want := slices.Sorted(slices.Values([]string{it.ID, pleje.ID})); !slices.Equal(u.UsingUnitIDs, want) {
			t.Errorf("using units %v, want %v", u.UsingUnitIDs, want)
		}
		if want := []samspil.TaskChange{{Code: kleStyrelse}, {Code: kleAeldrepleje, OptOut: true}}; !slices.Equal(u.TaskChanges, want) {
			t.Errorf("task changes %+v, want %+v", u.TaskChanges, want)
		}
		ev := wantAudit(t, db, mark, "usage.create")[0]
		if ev.OrganizationID != l.silkeborg.ID || ev.ObjectID != u.ID || jsonObject(t, ev.After)["system_id"] != s.ID {
			t.Errorf("audit event %+v", ev)
		}
		if found, err := db.FindUsage(ctx, l.vEditor.Actor, u.ID); err != nil || found.From.String() != "2024-02-29" || len(found.TaskChanges) != 2 {
			t.Errorf("Viborg finds %+v, %v", found, err)
		}

		// One usage per organisation and system.
		mark = auditMark(t, db)
		_, err = db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecyclePlanned})
		wantField(t, err, samspil.ECONFLICT, "system_id")
		_, err = db.CreateUsage(ctx, l.op, samspil.UsageInput{OrganizationID: testkit.Silkeborg, SystemID: s.ID, Lifecycle: samspil.LifecyclePlanned})
		wantField(t, err, samspil.ECONFLICT, "system_id")

		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.UsageInput
			code  string
			field string
		}{
			{"unit of another organisation responsible", l.sEditor.Actor, samspil.UsageInput{ResponsibleUnitID: foreign.ID}, samspil.EINVALID, "responsible_unit_id"},
			{"unit of another organisation using", l.sEditor.Actor, samspil.UsageInput{UsingUnitIDs: []string{it.ID, foreign.ID}}, samspil.EINVALID, "using_unit_ids"},
			{"unknown unit", l.sEditor.Actor, samspil.UsageInput{UsingUnitIDs: []string{"no-such-unit"}}, samspil.EINVALID, "using_unit_ids"},
			{"KLE code not in the taxonomy", l.sEditor.Actor, samspil.UsageInput{TaskChanges: []samspil.TaskChange{{Code: "99.99.99"}}}, samspil.EINVALID, "task_changes"},
			{"malformed KLE code", l.sEditor.Actor, samspil.UsageInput{TaskChanges: []samspil.TaskChange{{Code: kleStyrelse}, {Code: "x"}}}, samspil.EINVALID, "task_changes[1].code"},
			{"task change twice", l.sEditor.Actor, samspil.UsageInput{TaskChanges: []samspil.TaskChange{{Code: kleStyrelse}, {Code: kleStyrelse, OptOut: true}}}, samspil.EINVALID, "task_changes[1].code"},
			{"until before from", l.sEditor.Actor, samspil.UsageInput{From: ptr(samspil.NewDate(2026, 3, 2)), Until: ptr(samspil.NewDate(2026, 3, 1))}, samspil.EINVALID, "until"},
			{"bad lifecycle", l.sEditor.Actor, samspil.UsageInput{Lifecycle: "dead"}, samspil.EINVALID, "lifecycle"},
			{"bad user band", l.sEditor.Actor, samspil.UsageInput{UserBand: "lots"}, samspil.EINVALID, "user_band"},
			{"bad visibility", l.sEditor.Actor, samspil.UsageInput{Visibility: "everyone"}, samspil.EINVALID, "visibility"},
			{"no system", l.sEditor.Actor, samspil.UsageInput{SystemID: "-"}, samspil.EINVALID, "system_id"},
			{"unknown system", l.sEditor.Actor, samspil.UsageInput{SystemID: "no-such-system"}, samspil.EINVALID, "system_id"},
			{"invisible system", l.sEditor.Actor, samspil.UsageInput{SystemID: private.ID}, samspil.EINVALID, "system_id"},
			{"viewer", l.sViewer.Actor, samspil.UsageInput{OrganizationID: testkit.Silkeborg}, samspil.EFORBIDDEN, ""},
			{"another organisation", l.vEditor.Actor, samspil.UsageInput{OrganizationID: testkit.Silkeborg}, samspil.EFORBIDDEN, ""},
			{"operator without organisation", l.op, samspil.UsageInput{}, samspil.EINVALID, "organization_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := c.in
				switch in.SystemID {
				case "":
					in.SystemID = l.system(t, l.aEditor.Actor, samspil.SystemInput{Name: "Til " + c.name}).ID
				case "-":
					in.SystemID = ""
				}
				if in.Lifecycle == "" {
					in.Lifecycle = samspil.LifecycleOperational
				}
				m := auditMark(t, db)
				_, err := db.CreateUsage(ctx, c.actor, in)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
				// Only the set-up's catalogue entry is audited.
				for _, e := range auditSince(t, db, m) {
					if e.Action != "system.create" {
						t.Errorf("a refused usage left the audit event %s", e.Action)
					}
				}
			})
		}
		for _, e := range auditSince(t, db, mark) {
			if e.Action != "system.create" {
				t.Errorf("refused usages left the audit event %s", e.Action)
			}
		}

		// An editor of Viborg may use Viborg's private entry.
		if _, err := db.CreateUsage(ctx, l.vEditor.Actor, samspil.UsageInput{SystemID: private.ID, Lifecycle: samspil.LifecycleOperational}); err != nil {
			t.Errorf("using the own private entry: %v", err)
		}
	})
}

func TestUsageUpdateAndDelete(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fagsystem", Visibility: samspil.VisibilityPublic})
		it := l.unit(t, l.sEditor.Actor, testkit.Silkeborg, "IT")
		foreign := l.unit(t, l.vEditor.Actor, testkit.Viborg, "Viborgs IT")
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, From: ptr(samspil.NewDate(2020, 1, 1)),
			Until: ptr(samspil.NewDate(2027, 6, 30)), ResponsibleUnitID: it.ID, TaskChanges: []samspil.TaskChange{{Code: kleStyrelse}}})

		mark := auditMark(t, db)
		// Clearing from with the zero date, keeping until, setting the lifecycle.
		up, err := db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 1, samspil.UsagePatch{Lifecycle: ptr(samspil.LifecyclePhasingOut), From: &samspil.Date{}})
		must(t, err)
		if up.Version != 2 || up.From != nil || up.Until == nil || up.Until.String() != "2027-06-30" || up.Lifecycle != samspil.LifecyclePhasingOut ||
			up.ResponsibleUnitID != it.ID || len(up.TaskChanges) != 1 {
			t.Fatalf("updated %+v", up)
		}
		ev := wantAudit(t, db, mark, "usage.update")[0]
		if b, a := jsonObject(t, ev.Before), jsonObject(t, ev.After); b["from"] != "2020-01-01" || a["from"] != nil || a["lifecycle"] != "phasing_out" {
			t.Errorf("audit images %v → %v", b, a)
		}
		// Clearing until and the responsible unit, replacing the task changes.
		up, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 2, samspil.UsagePatch{Until: &samspil.Date{}, ResponsibleUnitID: ptr(""),
			TaskChanges: &[]samspil.TaskChange{}})
		must(t, err)
		if up.Until != nil || up.ResponsibleUnitID != "" || len(up.TaskChanges) != 0 || up.Version != 3 {
			t.Fatalf("after clearing: %+v", up)
		}

		mark = auditMark(t, db)
		for _, c := range []struct {
			name    string
			actor   *samspil.Actor
			version int
			p       samspil.UsagePatch
			code    string
			field   string
		}{
			{"stale", l.sEditor.Actor, 2, samspil.UsagePatch{Notes: ptr("x")}, samspil.ESTALE, ""},
			{"another organisation", l.vEditor.Actor, 3, samspil.UsagePatch{Notes: ptr("x")}, samspil.EFORBIDDEN, ""},
			{"viewer", l.sViewer.Actor, 3, samspil.UsagePatch{Notes: ptr("x")}, samspil.EFORBIDDEN, ""},
			{"anonymous", samspil.Anonymous(), 3, samspil.UsagePatch{Notes: ptr("x")}, samspil.ENOTFOUND, ""},
			{"foreign unit", l.sEditor.Actor, 3, samspil.UsagePatch{ResponsibleUnitID: &foreign.ID}, samspil.EINVALID, "responsible_unit_id"},
			{"foreign using unit", l.sEditor.Actor, 3, samspil.UsagePatch{UsingUnitIDs: &[]string{foreign.ID}}, samspil.EINVALID, "using_unit_ids"},
			{"unknown task", l.sEditor.Actor, 3, samspil.UsagePatch{TaskChanges: &[]samspil.TaskChange{{Code: "99.99.99"}}}, samspil.EINVALID, "task_changes"},
			{"until before from", l.sEditor.Actor, 3, samspil.UsagePatch{From: ptr(samspil.NewDate(2026, 1, 2)), Until: ptr(samspil.NewDate(2026, 1, 1))}, samspil.EINVALID, "until"},
			{"bad lifecycle", l.sEditor.Actor, 3, samspil.UsagePatch{Lifecycle: ptr(samspil.Lifecycle("dead"))}, samspil.EINVALID, "lifecycle"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.UpdateUsage(ctx, c.actor, u.ID, c.version, c.p)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
			})
		}
		// Until before a stored from is refused too.
		_, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 3, samspil.UsagePatch{From: ptr(samspil.NewDate(2026, 1, 2))})
		must(t, err)
		_, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 4, samspil.UsagePatch{Until: ptr(samspil.NewDate(2025, 12, 31))})
		wantField(t, err, samspil.EINVALID, "until")
		wantAudit(t, db, mark, "usage.update")

		// Delete: stale and foreign attempts first.
		mark = auditMark(t, db)
		testkit.ErrCode(t, db.DeleteUsage(ctx, l.sEditor.Actor, u.ID, 3), samspil.ESTALE)
		testkit.ErrCode(t, db.DeleteUsage(ctx, l.vEditor.Actor, u.ID, 4), samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteUsage(ctx, l.sViewer.Actor, u.ID, 4), samspil.EFORBIDDEN)
		wantAudit(t, db, mark)
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, u.ID, 4))
		ev = wantAudit(t, db, mark, "usage.delete")[0]
		if ev.ObjectID != u.ID || jsonObject(t, ev.Before)["system_id"] != s.ID || ev.After != nil {
			t.Errorf("delete event %+v", ev)
		}
		_, err = db.FindUsage(ctx, l.sEditor.Actor, u.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		testkit.ErrCode(t, db.DeleteUsage(ctx, l.sEditor.Actor, u.ID, 4), samspil.ENOTFOUND)
		// The organisation may register the system again.
		l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID})
	})
}

func TestUsageDeletionFeed(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		c := newClock(db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fagsystem", Visibility: samspil.VisibilityPublic})
		s2 := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Andet fagsystem", Visibility: samspil.VisibilityPublic})
		s3 := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Tredje fagsystem", Visibility: samspil.VisibilityPublic})
		sector := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: samspil.VisibilitySector})
		private := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s2.ID, Visibility: samspil.VisibilityPrivate})
		public := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s3.ID, Visibility: samspil.VisibilityPublic})
		// The feed is told the visibility at the time of deletion.
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, sector.ID, 1))
		c.advance(10 * time.Second)
		since := c.advance(10 * time.Second)
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, private.ID, 1))
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, public.ID, 1))

		for _, x := range []struct {
			name  string
			actor *samspil.Actor
			want  []string
		}{
			{"Silkeborg viewer", l.sViewer.Actor, []string{sector.ID, private.ID, public.ID}},
			{"Viborg editor", l.vEditor.Actor, []string{sector.ID, public.ID}},
			{"anonymous", samspil.Anonymous(), []string{public.ID}},
			{"operator", l.op, []string{sector.ID, private.ID, public.ID}},
		} {
			var got []string
			for _, d := range listDeletions(t, db, x.actor, samspil.DeletionFilter{ObjectType: "usage"}) {
				got = append(got, d.ObjectID)
			}
			if !slices.Equal(got, x.want) {
				t.Errorf("%s sees deletions %v, want %v (oldest first)", x.name, got, x.want)
			}
		}
		// Other object types and times filter the feed.
		if d := listDeletions(t, db, l.op, samspil.DeletionFilter{ObjectType: "contract"}); len(d) != 0 {
			t.Errorf("contract deletions: %+v", d)
		}
		var got []string
		for _, d := range listDeletions(t, db, l.op, samspil.DeletionFilter{ListOptions: samspil.ListOptions{ChangedSince: &since}}) {
			got = append(got, d.ObjectID)
			if !d.DeletedAt.Equal(since) || d.ObjectType != "usage" {
				t.Errorf("deletion %+v, want deleted at %s", d, since)
			}
		}
		if !slices.Equal(got, []string{private.ID, public.ID}) {
			t.Errorf("deletions since %s: %v", since, got)
		}
		// Paging one at a time gives the same feed.
		var paged []string
		f := samspil.DeletionFilter{ListOptions: samspil.ListOptions{Limit: 1}}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			p, err := db.ListDeletions(ctx, l.op, f)
			must(t, err)
			for _, d := range p.Items {
				paged = append(paged, d.ObjectID)
			}
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		if !slices.Equal(paged, []string{sector.ID, private.ID, public.ID}) {
			t.Errorf("paged deletions %v", paged)
		}
	})
}

// TestVisibleCondMatchesCanSee checks that the SQL visibility condition and
// Actor.CanSee agree: for every kind of actor and every visibility of records
// owned by A and by B, a record is listed and found exactly when CanSee says
// the actor may see it. Usages, catalogue entries and contracts each go
// through visibleCond.
func TestVisibleCondMatchesCanSee(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		editors := map[string]testkit.Person{l.silkeborg.ID: l.sEditor, l.viborg.ID: l.vEditor}
		lonely, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "alene@samspil.dk", DisplayName: "Alene", Password: testkit.Password})
		must(t, err)
		both := testkit.NewPerson(t, db, "begge@viborg.dk", testkit.Viborg, samspil.RoleViewer)
		bothActor := addMember(t, db, both, testkit.Silkeborg, samspil.RoleViewer)
		actors := []struct {
			name  string
			actor *samspil.Actor
		}{
			{"anonymous", samspil.Anonymous()},
			{"nil actor", nil},
			{"viewer of A", l.sViewer.Actor},
			{"editor of A", l.sEditor.Actor},
			{"editor of B", l.vEditor.Actor},
			{"editor of C", l.aEditor.Actor},
			{"member of A and B", bothActor},
			{"signed in without organisation", testkit.Actor(t, db, lonely.ID)},
			{"operator", l.op},
			{"system actor", testkit.System},
		}

		type record struct {
			kind, id, owner string
			v               samspil.Visibility
		}
		var records []record
		for _, owner := range []string{l.silkeborg.ID, l.viborg.ID} {
			ed := editors[owner]
			for _, v := range samspil.Visibilities {
				// A public entry per record so that every usage has a system
				// anyone can see; the usage carries the visibility under test.
				host := l.system(t, ed.Actor, samspil.SystemInput{Name: fmt.Sprintf("Vært %s %s", owner, v), Visibility: samspil.VisibilityPublic})
				u := l.usage(t, ed.Actor, samspil.UsageInput{SystemID: host.ID, Visibility: v})
				s := l.system(t, ed.Actor, samspil.SystemInput{Name: fmt.Sprintf("System %s %s", owner, v), Visibility: v})
				c, err := db.CreateContract(ctx, ed.Actor, samspil.ContractInput{Name: fmt.Sprintf("Kontrakt %s %s", owner, v),
					ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2025, 1, 1)}, Visibility: v, PriceVisibility: v,
					Costs: &samspil.Costs{Operation: 100}})
				must(t, err)
				dp, err := db.CreateDataProcessing(ctx, ed.Actor, samspil.DataProcessingInput{Name: fmt.Sprintf("Databehandling %s %s", owner, v), Visibility: v})
				must(t, err)
				records = append(records, record{"usage", u.ID, owner, v}, record{"system", s.ID, owner, v}, record{"contract", c.ID, owner, v},
					record{"data processing", dp.ID, owner, v})
			}
		}

		for _, a := range actors {
			t.Run(a.name, func(t *testing.T) {
				listed := map[string]bool{}
				us, err := db.ListUsages(ctx, a.actor, samspil.UsageFilter{ListOptions: samspil.ListOptions{Limit: 500}})
				must(t, err)
				for _, u := range us.Items {
					listed[u.ID] = true
				}
				for _, s := range listSystems(t, db, a.actor, samspil.SystemFilter{}) {
					listed[s.ID] = true
				}
				cs, err := db.ListContracts(ctx, a.actor, samspil.ContractFilter{ListOptions: samspil.ListOptions{Limit: 500}})
				must(t, err)
				costs := map[string]bool{}
				for _, c := range cs.Items {
					listed[c.ID] = true
					costs[c.ID] = c.Costs != nil
				}
				dps, err := db.AllDataProcessing(ctx, a.actor, samspil.DataProcessingFilter{})
				must(t, err)
				for _, dp := range dps {
					listed[dp.ID] = true
				}
				for _, r := range records {
					want := a.actor.CanSee(r.owner, r.v)
					if listed[r.id] != want {
						t.Errorf("%s of %s with visibility %s: listed %v, CanSee %v", r.kind, r.owner, r.v, listed[r.id], want)
					}
					var err error
					switch r.kind {
					case "usage":
						_, err = db.FindUsage(ctx, a.actor, r.id)
					case "system":
						_, err = db.FindSystem(ctx, a.actor, r.id)
					case "data processing":
						_, err = db.FindDataProcessing(ctx, a.actor, r.id)
					case "contract":
						_, err = db.FindContract(ctx, a.actor, r.id)
						if want && !costs[r.id] {
							t.Errorf("contract of %s with visibility and price visibility %s: costs hidden", r.owner, r.v)
						}
					}
					if found := err == nil; found != want {
						t.Errorf("find %s of %s with visibility %s: %v, CanSee %v", r.kind, r.owner, r.v, err, want)
					}
				}
			})
		}
	})
}

// TestInvisibleSystemsStayHidden: a contract or usage that others may see
// does not show them a catalogue entry they may not see, neither its name
// nor its ID.
func TestInvisibleSystemsStayHidden(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		secret := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Hemmeligt fagsystem", Visibility: samspil.VisibilityPrivate})
		shared := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Delt fagsystem", Visibility: samspil.VisibilityPublic})
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Fælles kontrakt", SystemIDs: []string{secret.ID, shared.ID},
			Visibility: samspil.VisibilityPublic, ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2025, 1, 1)}})
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: secret.ID, Visibility: samspil.VisibilityPublic})
		// Viborg uses Silkeborg's entry, which Silkeborg then makes private:
		// Viborg still sees and manages its own usage.
		theirs := l.usage(t, l.vEditor.Actor, samspil.UsageInput{SystemID: shared.ID, Visibility: samspil.VisibilitySector})
		_, err := db.UpdateSystem(ctx, l.sEditor.Actor, shared.ID, 1, samspil.SystemPatch{Visibility: ptr(samspil.VisibilityPrivate)})
		must(t, err)

		for _, x := range []struct {
			name  string
			actor *samspil.Actor
			sees  bool // sees the private entries
		}{
			{"Silkeborg viewer", l.sViewer.Actor, true},
			{"operator", l.op, true},
			{"Viborg editor", l.vEditor.Actor, false},
			{"anonymous", samspil.Anonymous(), false},
		} {
			t.Run(x.name, func(t *testing.T) {
				found, err := db.FindContract(ctx, x.actor, c.ID)
				must(t, err)
				want := []string{shared.ID, secret.ID}
				if !x.sees {
					want = []string{}
				}
				if got := found.SystemIDs(); !slices.Equal(got, want) {
					t.Errorf("contract systems %v, want %v", found.Systems, want)
				}
				p, err := db.ListContracts(ctx, x.actor, samspil.ContractFilter{})
				must(t, err)
				for _, lc := range p.Items {
					if lc.ID == c.ID && !slices.Equal(lc.SystemIDs(), want) {
						t.Errorf("listed contract systems %v, want %v", lc.Systems, want)
					}
				}

				_, err = db.FindUsage(ctx, x.actor, u.ID)
				if found := err == nil; found != x.sees {
					t.Errorf("finds the usage of a private entry: %v (%v)", found, err)
				}
				us, err := db.ListUsages(ctx, x.actor, samspil.UsageFilter{})
				must(t, err)
				for _, lu := range us.Items {
					if lu.ID == u.ID && !x.sees {
						t.Errorf("lists the usage of the private entry %s", lu.SystemName)
					}
				}
			})
		}
		// The organisation that uses an entry keeps its usage in sight, and may delete it.
		if _, err := db.FindUsage(ctx, l.vEditor.Actor, theirs.ID); err != nil {
			t.Errorf("Viborg loses sight of its own usage: %v", err)
		}
		if err := db.DeleteUsage(ctx, l.vEditor.Actor, theirs.ID, 1); err != nil {
			t.Errorf("Viborg cannot delete its own usage: %v", err)
		}
	})
}
