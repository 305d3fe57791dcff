package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// dataProcessing registers a data processing, failing the test on error.
func (l *land) dataProcessing(t testing.TB, actor *samspil.Actor, in samspil.DataProcessingInput) *samspil.DataProcessingRegistration {
	t.Helper()
	r, err := l.db.CreateDataProcessing(ctx, actor, in)
	if err != nil {
		t.Fatalf("create data processing %s: %v", in.Name, err)
	}
	return r
}

// wantCode fails the test unless err has the code and, when path is
// given, names the field.
func wantCode(t testing.TB, err error, code, path string) {
	t.Helper()
	if path == "" {
		testkit.ErrCode(t, err, code)
		return
	}
	wantField(t, err, code, path)
}

func dataProcessingNames(rs []samspil.DataProcessingRegistration) []string {
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	return names
}

func TestDataProcessingCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		sag := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Sag", Visibility: samspil.VisibilityPublic})
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: sag.ID})
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "ESDH-kontrakt", ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01")}})
		theirs := l.usage(t, l.vEditor.Actor, samspil.UsageInput{SystemID: sag.ID})

		mark := auditMark(t, db)
		r, err := db.CreateDataProcessing(ctx, l.sEditor.Actor, samspil.DataProcessingInput{Name: " ESDH databehandling ",
			DataResponsible: samspil.DataResponsibleSupplierProcessor, UsageIDs: []string{u.ID}, ContractIDs: []string{c.ID},
			AgreementConcluded: samspil.AnswerYes, AgreementDate: ptr(day(t, "2025-02-01")),
			Processors:    []samspil.DataProcessor{{OrganizationID: cvrVendor, Country: "dk"}},
			SubProcessors: []samspil.DataProcessor{{OrganizationID: l.vendor.ID, Country: "IE"}},
			TransferBasis: samspil.TransferStandardClauses, ThirdCountries: []string{"US"},
			PersonalData: []samspil.PersonalDataKind{samspil.PersonalDataCPR, samspil.PersonalDataSensitive},
			Oversight: samspil.Oversight{Interval: samspil.OversightYearly, LastDate: ptr(day(t, "2025-09-30")), Result: "Ingen bemærkninger",
				DocumentURL: "https://intranet.silkeborg.dk/tilsyn/esdh.pdf"}})
		must(t, err)
		if r.Name != "ESDH databehandling" || r.OrganizationID != l.silkeborg.ID || r.Visibility != samspil.VisibilityPrivate || r.Version != 1 {
			t.Errorf("created %+v: want the trimmed name, Silkeborg's, private by default, version 1", r)
		}
		if len(r.Usages) != 1 || r.Usages[0].ID != u.ID || r.Usages[0].SystemName != "Sag" || len(r.Contracts) != 1 || r.Contracts[0].Name != "ESDH-kontrakt" {
			t.Errorf("usages %+v, contracts %+v", r.Usages, r.Contracts)
		}
		if len(r.Processors) != 1 || r.Processors[0].OrganizationID != l.vendor.ID || r.Processors[0].OrganizationName != l.vendor.Name ||
			r.Processors[0].Country != "DK" || len(r.SubProcessors) != 1 || r.SubProcessors[0].Country != "IE" {
			t.Errorf("processors %+v, sub-processors %+v: the CVR number resolves to the supplier", r.Processors, r.SubProcessors)
		}
		if !slices.Equal(r.PersonalData, []samspil.PersonalDataKind{samspil.PersonalDataSensitive, samspil.PersonalDataCPR}) ||
			!slices.Equal(r.ThirdCountries, []string{"US"}) || dateString(r.AgreementDate) != "2025-02-01" {
			t.Errorf("personal data %v, third countries %v, agreement date %s", r.PersonalData, r.ThirdCountries, dateString(r.AgreementDate))
		}
		if dateString(r.NextOversight) != "2026-09-30" || r.Oversight.Result != "Ingen bemærkninger" {
			t.Errorf("next oversight %s, want a year after the last; oversight %+v", dateString(r.NextOversight), r.Oversight)
		}
		e := wantEvent(t, db, mark, "data_processing.create", l.silkeborg.ID, r.ID)
		if after := jsonObject(t, e.After); after["name"] != "ESDH databehandling" {
			t.Errorf("audit image %v", after)
		}

		// Private: Viborg sees nothing of it; the viewer of Silkeborg sees it.
		if _, err := db.FindDataProcessing(ctx, l.vEditor.Actor, r.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("Viborg finds Silkeborg's private registration: %v", err)
		}
		if _, err := db.FindDataProcessing(ctx, l.sViewer.Actor, r.ID); err != nil {
			t.Errorf("Silkeborg's viewer: %v", err)
		}

		mark = auditMark(t, db)
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.DataProcessingInput
			code  string
			path  string
		}{
			{"no name", l.sEditor.Actor, samspil.DataProcessingInput{}, samspil.EINVALID, "name"},
			{"another organisation's usage", l.sEditor.Actor, samspil.DataProcessingInput{Name: "X", UsageIDs: []string{theirs.ID}}, samspil.EINVALID, "usage_ids"},
			{"unknown contract", l.sEditor.Actor, samspil.DataProcessingInput{Name: "X", ContractIDs: []string{"nope"}}, samspil.EINVALID, "contract_ids"},
			{"unknown processor", l.sEditor.Actor, samspil.DataProcessingInput{Name: "X", Processors: []samspil.DataProcessor{{OrganizationID: "12345674"}}},
				samspil.EINVALID, "processors[0].organization_id"},
			{"invisible sub-processor", l.sEditor.Actor, samspil.DataProcessingInput{Name: "X", SubProcessors: []samspil.DataProcessor{{OrganizationID: l.hidden.ID}}},
				samspil.EINVALID, "sub_processors[0].organization_id"},
			{"bad country", l.sEditor.Actor, samspil.DataProcessingInput{Name: "X", ThirdCountries: []string{"QQ"}}, samspil.EINVALID, "third_countries[0]"},
			{"viewer", l.sViewer.Actor, samspil.DataProcessingInput{Name: "X"}, samspil.EFORBIDDEN, ""},
			{"another organisation", l.vEditor.Actor, samspil.DataProcessingInput{Name: "X", OrganizationID: l.silkeborg.ID}, samspil.EFORBIDDEN, ""},
		} {
			_, err := db.CreateDataProcessing(ctx, c.actor, c.in)
			wantCode(t, err, c.code, c.path)
		}
		wantAudit(t, db, mark)
	})
}

func TestDataProcessingUpdateDelete(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		sag := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Sag"})
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: sag.ID})
		r := l.dataProcessing(t, l.sEditor.Actor, samspil.DataProcessingInput{Name: "Løn", Oversight: samspil.Oversight{Interval: samspil.OversightHalfYearly,
			LastDate: ptr(day(t, "2026-01-31"))}})
		if dateString(r.NextOversight) != "2026-07-31" {
			t.Fatalf("next oversight %s", dateString(r.NextOversight))
		}

		mark := auditMark(t, db)
		up, err := db.UpdateDataProcessing(ctx, l.sEditor.Actor, r.ID, 1, samspil.DataProcessingPatch{UsageIDs: &[]string{u.ID},
			Oversight:  &samspil.Oversight{Interval: samspil.OversightHalfYearly, LastDate: ptr(day(t, "2026-01-31")), PlannedDate: ptr(day(t, "2026-05-15"))},
			Visibility: ptr(samspil.VisibilitySector)})
		must(t, err)
		if up.Version != 2 || len(up.Usages) != 1 || dateString(up.NextOversight) != "2026-05-15" || up.Visibility != samspil.VisibilitySector {
			t.Errorf("updated %+v", up)
		}
		e := wantEvent(t, db, mark, "data_processing.update", l.silkeborg.ID, r.ID)
		if jsonObject(t, e.Before)["visibility"] != "private" || jsonObject(t, e.After)["visibility"] != "sector" {
			t.Errorf("audit images %s → %s", e.Before, e.After)
		}
		// Viborg now sees it, but may not change it.
		if _, err := db.FindDataProcessing(ctx, l.vEditor.Actor, r.ID); err != nil {
			t.Errorf("Viborg does not see the sector registration: %v", err)
		}

		mark = auditMark(t, db)
		for _, c := range []struct {
			name    string
			actor   *samspil.Actor
			version int
			p       samspil.DataProcessingPatch
			code    string
			path    string
		}{
			{"stale", l.sEditor.Actor, 1, samspil.DataProcessingPatch{Name: ptr("Ny")}, samspil.ESTALE, ""},
			{"empty name", l.sEditor.Actor, 2, samspil.DataProcessingPatch{Name: ptr(" ")}, samspil.EINVALID, "name"},
			{"planned before last", l.sEditor.Actor, 2, samspil.DataProcessingPatch{Oversight: &samspil.Oversight{LastDate: ptr(day(t, "2026-03-01")),
				PlannedDate: ptr(day(t, "2026-02-01"))}}, samspil.EINVALID, "oversight.planned_date"},
			{"bad document", l.sEditor.Actor, 2, samspil.DataProcessingPatch{Oversight: &samspil.Oversight{DocumentURL: "rapport.pdf"}},
				samspil.EINVALID, "oversight.document_url"},
			{"another organisation", l.vEditor.Actor, 2, samspil.DataProcessingPatch{Name: ptr("Viborgs")}, samspil.EFORBIDDEN, ""},
			{"unknown", l.sEditor.Actor, 2, samspil.DataProcessingPatch{Name: ptr("Ny")}, samspil.ENOTFOUND, ""},
		} {
			id := r.ID
			if c.name == "unknown" {
				id = "nope"
			}
			_, err := db.UpdateDataProcessing(ctx, c.actor, id, c.version, c.p)
			wantCode(t, err, c.code, c.path)
		}
		wantAudit(t, db, mark)
		if got, err := db.FindDataProcessing(ctx, l.sEditor.Actor, r.ID); err != nil || got.Name != "Løn" || got.Version != 2 {
			t.Errorf("after refused changes: %+v %v", got, err)
		}

		// Deleting a usage drops it from the registration.
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, u.ID, 1))
		if got, err := db.FindDataProcessing(ctx, l.sEditor.Actor, r.ID); err != nil || len(got.Usages) != 0 {
			t.Errorf("after deleting the usage: %+v %v", got, err)
		}

		wantCode(t, db.DeleteDataProcessing(ctx, l.vEditor.Actor, r.ID, 2), samspil.EFORBIDDEN, "")
		wantCode(t, db.DeleteDataProcessing(ctx, l.sEditor.Actor, r.ID, 1), samspil.ESTALE, "")
		mark = auditMark(t, db)
		must(t, db.DeleteDataProcessing(ctx, l.sEditor.Actor, r.ID, 2))
		wantEvent(t, db, mark, "data_processing.delete", l.silkeborg.ID, r.ID)
		if _, err := db.FindDataProcessing(ctx, l.sEditor.Actor, r.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("deleted registration found: %v", err)
		}
		if !hasDeletion(listDeletions(t, db, l.vEditor.Actor, samspil.DeletionFilter{}), "data_processing_registration", r.ID) {
			t.Errorf("the deletion feed does not name the deleted registration")
		}
	})
}

func TestDataProcessingList(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		sag := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Sag"})
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: sag.ID})
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "K", ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01")}})
		last := ptr(day(t, "2026-01-15"))
		for _, in := range []samspil.DataProcessingInput{
			{Name: "Bøger", UsageIDs: []string{u.ID}, Oversight: samspil.Oversight{Interval: samspil.OversightHalfYearly, LastDate: last}},
			{Name: "Arkiv", ContractIDs: []string{c.ID}, Processors: []samspil.DataProcessor{{OrganizationID: l.vendor.ID}},
				Oversight: samspil.Oversight{Interval: samspil.OversightEveryThirdYear, LastDate: last}},
			{Name: "Cpr", Visibility: samspil.VisibilitySector},
			{Name: "Øvrigt", Oversight: samspil.Oversight{Interval: samspil.OversightOther, LastDate: last}},
		} {
			l.dataProcessing(t, l.sEditor.Actor, in)
		}
		l.dataProcessing(t, l.vEditor.Actor, samspil.DataProcessingInput{Name: "Viborgs", Visibility: samspil.VisibilitySector})

		all := func(actor *samspil.Actor, f samspil.DataProcessingFilter) []string {
			t.Helper()
			rs, err := db.AllDataProcessing(ctx, actor, f)
			must(t, err)
			return dataProcessingNames(rs)
		}
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			f     samspil.DataProcessingFilter
			want  []string
		}{
			{"Silkeborg's own, by name", l.sViewer.Actor, samspil.DataProcessingFilter{OrganizationID: l.silkeborg.ID}, []string{"Arkiv", "Bøger", "Cpr", "Øvrigt"}},
			{"by municipality code", l.sViewer.Actor, samspil.DataProcessingFilter{OrganizationID: testkit.Silkeborg}, []string{"Arkiv", "Bøger", "Cpr", "Øvrigt"}},
			{"Viborg sees the sector ones", l.vEditor.Actor, samspil.DataProcessingFilter{}, []string{"Cpr", "Viborgs"}},
			{"anonymous sees none", samspil.Anonymous(), samspil.DataProcessingFilter{}, nil},
			{"by usage", l.sEditor.Actor, samspil.DataProcessingFilter{UsageID: u.ID}, []string{"Bøger"}},
			{"by contract", l.sEditor.Actor, samspil.DataProcessingFilter{ContractID: c.ID}, []string{"Arkiv"}},
			{"by processor", l.sEditor.Actor, samspil.DataProcessingFilter{ProcessorID: l.vendor.ID}, []string{"Arkiv"}},
			{"oversight by a day", l.sEditor.Actor, samspil.DataProcessingFilter{OversightBy: ptr(day(t, "2026-12-31"))}, []string{"Bøger"}},
		} {
			if got := all(c.actor, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Pages of two follow the name order.
		var names []string
		f := samspil.DataProcessingFilter{OrganizationID: l.silkeborg.ID, ListOptions: samspil.ListOptions{Limit: 2}}
		for {
			p, err := db.ListDataProcessing(ctx, l.sEditor.Actor, f)
			must(t, err)
			names = append(names, dataProcessingNames(p.Items)...)
			if f.Cursor = p.NextCursor; f.Cursor == "" {
				break
			}
		}
		if !slices.Equal(names, []string{"Arkiv", "Bøger", "Cpr", "Øvrigt"}) {
			t.Errorf("pages: %v", names)
		}
		_, err := db.ListDataProcessing(ctx, l.sEditor.Actor, samspil.DataProcessingFilter{ListOptions: samspil.ListOptions{Cursor: "garbage"}})
		wantField(t, err, samspil.EINVALID, "cursor")
	})
}

// TestOversightNoticeSubjects: a registration whose next oversight falls
// within the horizon is noticed to the representatives of its
// organisation (not to its viewers, not to others), whatever its
// visibility; one that is overdue, later or without a next oversight is
// not; a person who opted out of oversight notices gets none.
func TestOversightNoticeSubjects(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		now := time.Date(2026, 6, 1, 10, 0, 0, 0, samspil.Copenhagen())
		oversee := func(actor *samspil.Actor, name string, o samspil.Oversight) *samspil.DataProcessingRegistration {
			return l.dataProcessing(t, actor, samspil.DataProcessingInput{Name: name, Oversight: o})
		}
		due := oversee(l.sEditor.Actor, "Løn", samspil.Oversight{Interval: samspil.OversightYearly, LastDate: ptr(day(t, "2025-06-20"))})
		oversee(l.sEditor.Actor, "Overskredet", samspil.Oversight{Interval: samspil.OversightYearly, LastDate: ptr(day(t, "2025-05-31"))})
		oversee(l.sEditor.Actor, "Senere", samspil.Oversight{PlannedDate: ptr(day(t, "2026-08-01"))})
		oversee(l.sEditor.Actor, "Uden interval", samspil.Oversight{Interval: samspil.OversightOther, LastDate: ptr(day(t, "2025-06-20"))})
		viborgs := oversee(l.vEditor.Actor, "Viborgs", samspil.Oversight{PlannedDate: ptr(day(t, "2026-06-01"))})

		subjects := func() map[string]samspil.NoticeSubject {
			t.Helper()
			all, err := db.NoticeSubjects(ctx, samspil.SystemActor("notices"), now, samspil.NoticeHorizons{Deadline: 30 * 24 * time.Hour})
			must(t, err)
			out := map[string]samspil.NoticeSubject{}
			for _, s := range all {
				if s.Kind == samspil.NoticeOversight {
					out[s.Key] = s
				}
			}
			return out
		}
		got := subjects()
		wantKeys := []string{"oversight:" + due.ID + ":2026-06-20:" + admin.User.ID, "oversight:" + due.ID + ":2026-06-20:" + l.sEditor.User.ID,
			"oversight:" + viborgs.ID + ":2026-06-01:" + l.vEditor.User.ID}
		if len(got) != len(wantKeys) {
			t.Errorf("%d oversight subjects, want %d: %v", len(got), len(wantKeys), got)
		}
		for _, k := range wantKeys {
			s, ok := got[k]
			if !ok {
				t.Errorf("no subject %s", k)
				continue
			}
			if s.DataProcessing == nil || s.OrgName == "" || s.Email == "" {
				t.Errorf("subject %s: %+v", k, s)
			}
		}
		if s := got[wantKeys[0]]; s.DataProcessing != nil && (s.DataProcessing.Name != "Løn" || s.OrgName != l.silkeborg.Name) {
			t.Errorf("subject %+v", s)
		}

		// Opting out of oversight notices leaves the others.
		must(t, db.SetNoticeOptOuts(ctx, l.sEditor.Actor, l.sEditor.User.ID, []samspil.NoticeKind{samspil.NoticeOversight}))
		if got := subjects(); len(got) != 2 || got[wantKeys[1]].Key != "" {
			t.Errorf("after opting out: %v", got)
		}
		// Queued once: not found again.
		for _, s := range subjects() {
			_, err := db.QueueNotice(ctx, samspil.SystemActor("notices"), samspil.Notice{Key: s.Key, UserID: s.UserID, Kind: s.Kind, Subject: "x", Body: "y"})
			must(t, err)
		}
		if got := subjects(); len(got) != 0 {
			t.Errorf("queued subjects found again: %v", got)
		}
	})
}
