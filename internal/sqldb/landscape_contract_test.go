package sqldb_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// copenhagenClock fixes the store's clock at t.
func copenhagenClock(db *sqldb.DB, t time.Time) *clock {
	c := &clock{t: t.UTC()}
	db.SetClock(c.now)
	return c
}

// day parses a date of a test table.
func day(t testing.TB, s string) samspil.Date {
	t.Helper()
	d, err := samspil.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dateString prints an optional date, "-" for none.
func dateString(d *samspil.Date) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

// wantNoDeadlines fails the test when an audit image carries computed
// deadlines: they change with the date, not with the data.
func wantNoDeadlines(t testing.TB, what string, raw json.RawMessage) {
	t.Helper()
	for _, key := range []string{"last_notice_date", "next_decision_date", "next_end", "current_end", "months_left", "not_started", "in_notice", `"active"`} {
		if strings.Contains(string(raw), key) {
			t.Errorf("%s audit image holds %s: %s", what, key, raw)
			break
		}
	}
	m := jsonObject(t, raw)
	if d, ok := m["deadlines"]; ok {
		dm, _ := d.(map[string]any)
		for k, v := range dm {
			if v != "" && v != float64(0) && v != nil {
				t.Errorf("%s audit image holds the computed deadline %s = %v", what, k, v)
			}
		}
	}
}

// contract creates a contract, failing the test on error.
func (l *land) contract(t testing.TB, actor *samspil.Actor, in samspil.ContractInput) *samspil.Contract {
	t.Helper()
	c, err := l.db.CreateContract(ctx, actor, in)
	if err != nil {
		t.Fatalf("create contract %s: %v", in.Name, err)
	}
	return c
}

func TestContractCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		copenhagenClock(db, time.Date(2026, 3, 1, 12, 0, 0, 0, samspil.Copenhagen()))
		sag := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Sag"})
		arkiv := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "arkiv"})
		private := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Viborgs eget", Visibility: samspil.VisibilityPrivate})

		mark := auditMark(t, db)
		terms := samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36, ExtensionCount: 2, ExtensionMonths: 12,
			NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth}
		costs := samspil.Costs{Acquisition: 12500050, Operation: 29, Other: 123456789012345, OneOffAcquisition: 75000025}
		c, err := db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: " ESDH-kontrakt ", SupplierID: cvrVendor,
			SystemIDs: []string{sag.ID, arkiv.ID, sag.ID}, ContractTerms: terms, ProcurementForm: samspil.ProcurementSKI,
			ReprocurementQuarter: "2027-Q3", Costs: &costs, ExternalRef: "KITOS-1", Notes: "Note", Visibility: samspil.VisibilitySector})
		must(t, err)
		if c.OrganizationID != l.silkeborg.ID || c.OrganizationName != l.silkeborg.Name || c.Name != "ESDH-kontrakt" || c.SupplierID != l.vendor.ID ||
			c.SupplierName != l.vendor.Name || c.ProcurementForm != samspil.ProcurementSKI || c.ReprocurementQuarter != "2027-Q3" ||
			c.ExternalRef != "KITOS-1" || c.Visibility != samspil.VisibilitySector || c.PriceVisibility != samspil.VisibilityPrivate || c.Version != 1 {
			t.Fatalf("created %+v", c)
		}
		if c.Costs == nil || *c.Costs != costs || c.Costs.Total() != 12500050+29+123456789012345 {
			t.Fatalf("costs %+v, want %+v exactly", c.Costs, costs)
		}
		if c.Costs.Acquisition.String() != "125000.50" || c.Costs.Operation.String() != "0.29" || c.Costs.Other.String() != "1234567890123.45" {
			t.Errorf("costs print as %s, %s, %s", c.Costs.Acquisition, c.Costs.Operation, c.Costs.Other)
		}
		// Systems sorted by name, without doubles.
		if got := []samspil.ContractSystem{{ID: arkiv.ID, Name: "arkiv"}, {ID: sag.ID, Name: "Sag"}}; !slices.Equal(c.Systems, got) {
			t.Errorf("systems %+v, want %+v", c.Systems, got)
		}
		if c.Start != terms.Start || c.DurationMonths != 36 || c.ExtensionCount != 2 || c.ExtensionMonths != 12 || c.NoticeMonths != 6 ||
			c.NoticeRule != samspil.NoticeEndOfMonth || c.Expiry != nil || c.TerminatedOn != nil {
			t.Errorf("terms %+v", c.ContractTerms)
		}
		if want := terms.Deadlines(day(t, "2026-03-01")); !deadlinesEqual(c.Deadlines, want) {
			t.Errorf("deadlines %+v, want %+v", c.Deadlines, want)
		}
		ev := wantAudit(t, db, mark, "contract.create")[0]
		if ev.OrganizationID != l.silkeborg.ID || ev.ObjectID != c.ID || ev.Before != nil {
			t.Errorf("audit event %+v", ev)
		}
		wantNoDeadlines(t, "create", ev.After)
		if a := jsonObject(t, ev.After); a["name"] != "ESDH-kontrakt" || a["start"] != "2024-01-01" {
			t.Errorf("after image %v", a)
		}
		// Stored and read back the same.
		found, err := db.FindContract(ctx, l.sViewer.Actor, c.ID)
		must(t, err)
		if found.Costs == nil || *found.Costs != costs || !slices.Equal(found.Systems, c.Systems) || found.ContractTerms != c.ContractTerms {
			t.Errorf("found %+v", found)
		}

		// external_ref is unique per organisation; empty ones do not collide.
		mark = auditMark(t, db)
		_, err = db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "Anden", ContractTerms: terms, ExternalRef: " KITOS-1 "})
		wantField(t, err, samspil.ECONFLICT, "external_ref")
		wantAudit(t, db, mark)
		l.contract(t, l.vEditor.Actor, samspil.ContractInput{Name: "Viborgs", ContractTerms: terms, ExternalRef: "KITOS-1"})
		a := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Uden reference 1", ContractTerms: terms})
		l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Uden reference 2", ContractTerms: terms})
		mark = auditMark(t, db)
		_, err = db.UpdateContract(ctx, l.sEditor.Actor, a.ID, 1, samspil.ContractPatch{ExternalRef: ptr("KITOS-1")})
		wantField(t, err, samspil.ECONFLICT, "external_ref")
		wantAudit(t, db, mark)

		for _, x := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.ContractInput
			code  string
			field string
		}{
			{"price wider than the contract", l.sEditor.Actor, samspil.ContractInput{Visibility: samspil.VisibilitySector, PriceVisibility: samspil.VisibilityPublic}, samspil.EINVALID, "price_visibility"},
			{"price wider than the default", l.sEditor.Actor, samspil.ContractInput{PriceVisibility: samspil.VisibilitySector}, samspil.EINVALID, "price_visibility"},
			{"unknown system", l.sEditor.Actor, samspil.ContractInput{SystemIDs: []string{sag.ID, "no-such-system"}}, samspil.EINVALID, "system_ids"},
			{"invisible system", l.sEditor.Actor, samspil.ContractInput{SystemIDs: []string{private.ID}}, samspil.EINVALID, "system_ids"},
			{"unknown supplier", l.sEditor.Actor, samspil.ContractInput{SupplierID: "12345674"}, samspil.EINVALID, "supplier_id"},
			{"invisible supplier", l.sEditor.Actor, samspil.ContractInput{SupplierID: l.hidden.ID}, samspil.EINVALID, "supplier_id"},
			{"negative acquisition", l.sEditor.Actor, samspil.ContractInput{Costs: &samspil.Costs{Acquisition: -1}}, samspil.EINVALID, "costs.acquisition"},
			{"negative operation", l.sEditor.Actor, samspil.ContractInput{Costs: &samspil.Costs{Operation: -100}}, samspil.EINVALID, "costs.operation"},
			{"negative one-off acquisition", l.sEditor.Actor, samspil.ContractInput{Costs: &samspil.Costs{OneOffAcquisition: -1}}, samspil.EINVALID, "costs.one_off_acquisition"},
			{"bad quarter", l.sEditor.Actor, samspil.ContractInput{ReprocurementQuarter: "2027-Q5"}, samspil.EINVALID, "reprocurement_quarter"},
			{"bad procurement form", l.sEditor.Actor, samspil.ContractInput{ProcurementForm: "handshake"}, samspil.EINVALID, "procurement_form"},
			{"no name", l.sEditor.Actor, samspil.ContractInput{Name: " "}, samspil.EINVALID, "name"},
			{"no start", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{NoticeMonths: 3}}, samspil.EINVALID, "start"},
			{"notice 61 months", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), NoticeMonths: 61}}, samspil.EINVALID, "notice_months"},
			{"expiry and duration", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), DurationMonths: 12, Expiry: ptr(day(t, "2026-12-31"))}}, samspil.EINVALID, "expiry"},
			{"expiry before start", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), Expiry: ptr(day(t, "2024-12-31"))}}, samspil.EINVALID, "expiry"},
			{"options without an end", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), ExtensionCount: 1, ExtensionMonths: 12}}, samspil.EINVALID, "extension_count"},
			{"bad notice rule", l.sEditor.Actor, samspil.ContractInput{ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), NoticeRule: "whenever"}}, samspil.EINVALID, "notice_rule"},
			{"viewer", l.sViewer.Actor, samspil.ContractInput{}, samspil.EFORBIDDEN, ""},
			{"another organisation", l.vEditor.Actor, samspil.ContractInput{OrganizationID: testkit.Silkeborg}, samspil.EFORBIDDEN, ""},
			{"operator without organisation", l.op, samspil.ContractInput{}, samspil.EINVALID, "organization_id"},
		} {
			t.Run(x.name, func(t *testing.T) {
				in := x.in
				if in.Name == "" {
					in.Name = "Kontrakt " + x.name
				}
				if in.ContractTerms == (samspil.ContractTerms{}) {
					in.ContractTerms = terms
				}
				m := auditMark(t, db)
				_, err := db.CreateContract(ctx, x.actor, in)
				if x.field != "" {
					wantField(t, err, x.code, x.field)
				} else {
					testkit.ErrCode(t, err, x.code)
				}
				wantAudit(t, db, m)
			})
		}
		// The owner of a private entry may name it.
		if _, err := db.CreateContract(ctx, l.vEditor.Actor, samspil.ContractInput{Name: "Eget", ContractTerms: terms, SystemIDs: []string{private.ID}}); err != nil {
			t.Errorf("contract for the own private entry: %v", err)
		}
	})
}

func deadlinesEqual(a, b samspil.Deadlines) bool {
	return a.Status == b.Status && dateString(a.CurrentEnd) == dateString(b.CurrentEnd) && dateString(a.NextEnd) == dateString(b.NextEnd) &&
		dateString(a.LastNoticeDate) == dateString(b.LastNoticeDate) && dateString(a.NextDecisionDate) == dateString(b.NextDecisionDate) &&
		(a.MonthsLeft == nil) == (b.MonthsLeft == nil) && (a.MonthsLeft == nil || *a.MonthsLeft == *b.MonthsLeft) &&
		a.ExtensionsLeft == b.ExtensionsLeft && a.Explanation == b.Explanation
}

func TestContractPriceVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		costs := samspil.Costs{Acquisition: 100000, Operation: 2500050}
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Delt kontrakt", Costs: &costs, Visibility: samspil.VisibilitySector,
			ContractTerms: samspil.ContractTerms{Start: day(t, "2025-01-01"), DurationMonths: 48, NoticeMonths: 3}})

		// sees reports whether the actor finds the contract, and its costs.
		sees := func(actor *samspil.Actor) (contract, prices bool) {
			t.Helper()
			found, err := db.FindContract(ctx, actor, c.ID)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				p, err := db.ListContracts(ctx, actor, samspil.ContractFilter{})
				must(t, err)
				for _, x := range p.Items {
					if x.ID == c.ID {
						t.Errorf("listed, but not found")
					}
				}
				return false, false
			}
			must(t, err)
			if found.Costs != nil && *found.Costs != costs {
				t.Errorf("costs %+v, want %+v", found.Costs, costs)
			}
			// The list and the other orders agree with the single contract.
			for _, f := range []samspil.ContractFilter{{}, {Sort: samspil.SortByUrgency}, {Status: found.Deadlines.Status}, {OrganizationID: testkit.Silkeborg}} {
				p, err := db.ListContracts(ctx, actor, f)
				must(t, err)
				n := 0
				for _, x := range p.Items {
					if x.ID == c.ID {
						n++
						if (x.Costs != nil) != (found.Costs != nil) {
							t.Errorf("list %+v shows costs %v, the contract %v", f, x.Costs != nil, found.Costs != nil)
						}
					}
				}
				if n != 1 {
					t.Errorf("list %+v has the contract %d times", f, n)
				}
			}
			return true, found.Costs != nil
		}
		check := func(step string, want map[string][2]bool) {
			t.Helper()
			actors := map[string]*samspil.Actor{"Silkeborg viewer": l.sViewer.Actor, "Viborg editor": l.vEditor.Actor,
				"anonymous": samspil.Anonymous(), "operator": l.op}
			for name, w := range want {
				contract, prices := sees(actors[name])
				if contract != w[0] || prices != w[1] {
					t.Errorf("%s: %s sees the contract %v and its prices %v, want %v and %v", step, name, contract, prices, w[0], w[1])
				}
			}
		}
		check("sector contract, private prices", map[string][2]bool{"Silkeborg viewer": {true, true}, "Viborg editor": {true, false},
			"anonymous": {false, false}, "operator": {true, true}})

		up, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 1, samspil.ContractPatch{PriceVisibility: ptr(samspil.VisibilitySector)})
		must(t, err)
		check("sector prices", map[string][2]bool{"Silkeborg viewer": {true, true}, "Viborg editor": {true, true}, "anonymous": {false, false}})

		_, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, up.Version, samspil.ContractPatch{PriceVisibility: ptr(samspil.VisibilityPublic)})
		wantField(t, err, samspil.EINVALID, "price_visibility")
		_, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, up.Version, samspil.ContractPatch{Visibility: ptr(samspil.VisibilityPrivate)})
		wantField(t, err, samspil.EINVALID, "price_visibility")

		up, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, up.Version, samspil.ContractPatch{Visibility: ptr(samspil.VisibilityPublic)})
		must(t, err)
		check("public contract, sector prices", map[string][2]bool{"Viborg editor": {true, true}, "anonymous": {true, false}})

		_, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, up.Version, samspil.ContractPatch{PriceVisibility: ptr(samspil.VisibilityPublic)})
		must(t, err)
		check("public prices", map[string][2]bool{"Viborg editor": {true, true}, "anonymous": {true, true}})
	})
}

// The worked example: today is 1 March 2026 in Copenhagen (the clock says
// 23:30 UTC on 28 February). A contract from 1 January 2024 for 36 months
// with two yearly options and 6 months' notice to the end of a month ends on
// 31 December 2026 unless extended; notice must be given by 30 June 2026.
func TestContractDeadlinesToday(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		clk := copenhagenClock(db, time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC))
		if got := samspil.Today(clk.now()); got.String() != "2026-03-01" {
			t.Fatalf("today is %s", got)
		}
		terms := samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36, ExtensionCount: 2, ExtensionMonths: 12,
			NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth}
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Alfa", ContractTerms: terms})
		open := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Beta",
			ContractTerms: samspil.ContractTerms{Start: day(t, "2020-01-01"), NoticeMonths: 1}})

		type want struct {
			status, currentEnd, nextEnd, lastNotice, decision string
			monthsLeft, extLeft                               int
		}
		checkDL := func(when string, id string, w want) {
			t.Helper()
			found, err := db.FindContract(ctx, l.sEditor.Actor, id)
			must(t, err)
			dl := found.Deadlines
			months := -1
			if dl.MonthsLeft != nil {
				months = *dl.MonthsLeft
			}
			got := want{string(dl.Status), dateString(dl.CurrentEnd), dateString(dl.NextEnd), dateString(dl.LastNoticeDate),
				dateString(dl.NextDecisionDate), months, dl.ExtensionsLeft}
			if got != w {
				t.Errorf("%s, %s: deadlines %+v, want %+v", when, found.Name, got, w)
			}
			if exp := found.ContractTerms.Deadlines(samspil.Today(clk.now())); !deadlinesEqual(dl, exp) {
				t.Errorf("%s, %s: deadlines %+v, ContractTerms.Deadlines says %+v", when, found.Name, dl, exp)
			}
			if dl.Explanation == "" {
				t.Errorf("%s, %s: no explanation", when, found.Name)
			}
		}
		checkDL("1 March 2026", c.ID, want{"active", "2026-12-31", "2026-12-31", "2026-06-30", "2026-06-30", 9, 2})
		// An open-ended contract with 1 month's notice on any day: notice today ends it on 1 April.
		checkDL("1 March 2026", open.ID, want{"active", "-", "2026-04-01", "2026-03-01", "2026-03-01", 1, 0})

		// The deadlines are computed when read: after the last notice day the first option has begun.
		clk.t = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
		checkDL("1 July 2026", c.ID, want{"active", "2027-12-31", "2027-12-31", "2027-06-30", "2027-06-30", 17, 1})
		checkDL("1 July 2026", open.ID, want{"active", "-", "2026-08-01", "2026-07-01", "2026-07-01", 1, 0})
		// After both options: it expires on 31 December 2028, no notice needed.
		clk.t = time.Date(2028, 7, 1, 8, 0, 0, 0, time.UTC)
		checkDL("1 July 2028", c.ID, want{"active", "2028-12-31", "2028-12-31", "-", "2028-12-31", 5, 0})
		clk.t = time.Date(2028, 12, 31, 23, 30, 0, 0, time.UTC) // 1 January 2029 in Copenhagen
		checkDL("1 January 2029", c.ID, want{"expired", "2028-12-31", "-", "-", "-", -1, 0})
	})
}

func TestContractListUrgencyAndStatus(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		copenhagenClock(db, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
		mk := func(name string, terms samspil.ContractTerms) *samspil.Contract {
			return l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: name, ContractTerms: terms})
		}
		// Today, 1 March 2026:
		mk("Gamma", samspil.ContractTerms{Start: day(t, "2020-01-01"), DurationMonths: 24})                                                                                               // expired 2021-12-31
		mk("alfa", samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36, ExtensionCount: 2, ExtensionMonths: 12, NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth}) // decide by 2026-06-30
		mk("Delta", samspil.ContractTerms{Start: day(t, "2020-01-01"), TerminatedOn: ptr(day(t, "2025-12-31"))})                                                                          // terminated
		mk("Zeta", samspil.ContractTerms{Start: day(t, "2020-01-01"), TerminatedOn: ptr(day(t, "2026-05-31"))})                                                                           // in notice, nothing to decide
		mk("Epsilon", samspil.ContractTerms{Start: day(t, "2026-06-01"), DurationMonths: 12})                                                                                             // not started; successor by 2027-05-31
		mk("Beta", samspil.ContractTerms{Start: day(t, "2020-01-01"), NoticeMonths: 1})                                                                                                   // decide by today
		mk("Eta", samspil.ContractTerms{Start: day(t, "2025-01-01"), Expiry: ptr(day(t, "2026-06-30")), NoticeMonths: 3})                                                                 // successor by 2026-06-30
		// Viborg's private contract is not Silkeborg's to see.
		l.contract(t, l.vEditor.Actor, samspil.ContractInput{Name: "Aaa Viborg", ContractTerms: samspil.ContractTerms{Start: day(t, "2020-01-01"), NoticeMonths: 1}})

		names := func(f samspil.ContractFilter) []string {
			t.Helper()
			var out []string
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("paging does not end")
				}
				p, err := db.ListContracts(ctx, l.sEditor.Actor, f)
				must(t, err)
				if f.Limit > 0 && len(p.Items) > f.Limit {
					t.Fatalf("page of %d items, limit %d", len(p.Items), f.Limit)
				}
				for _, c := range p.Items {
					out = append(out, c.Name)
				}
				if p.NextCursor == "" {
					return out
				}
				f.Cursor = p.NextCursor
			}
		}
		urgency := []string{"Beta", "alfa", "Eta", "Epsilon", "Zeta", "Delta", "Gamma"}
		for _, limit := range []int{0, 1, 2, 3} {
			f := samspil.ContractFilter{Sort: samspil.SortByUrgency, ListOptions: samspil.ListOptions{Limit: limit}}
			if got := names(f); !slices.Equal(got, urgency) {
				t.Errorf("by urgency, pages of %d: %v, want %v", limit, got, urgency)
			}
		}
		byName := []string{"alfa", "Beta", "Delta", "Epsilon", "Eta", "Gamma", "Zeta"}
		for _, limit := range []int{0, 2} {
			if got := names(samspil.ContractFilter{Sort: samspil.SortByName, ListOptions: samspil.ListOptions{Limit: limit}}); !slices.Equal(got, byName) {
				t.Errorf("by name, pages of %d: %v, want %v", limit, got, byName)
			}
		}
		for _, c := range []struct {
			status samspil.ContractStatus
			sort   samspil.ContractSort
			want   []string
		}{
			{samspil.ContractActive, samspil.SortByName, []string{"alfa", "Beta", "Eta"}},
			{samspil.ContractActive, samspil.SortByUrgency, []string{"Beta", "alfa", "Eta"}},
			{samspil.ContractExpired, "", []string{"Gamma"}},
			{samspil.ContractTerminated, "", []string{"Delta"}},
			{samspil.ContractInNotice, "", []string{"Zeta"}},
			{samspil.ContractNotStarted, "", []string{"Epsilon"}},
		} {
			for _, limit := range []int{0, 1} {
				if got := names(samspil.ContractFilter{Status: c.status, Sort: c.sort, ListOptions: samspil.ListOptions{Limit: limit}}); !slices.Equal(got, c.want) {
					t.Errorf("status %s sorted by %q, pages of %d: %v, want %v", c.status, c.sort, limit, got, c.want)
				}
			}
		}
		_, err := db.ListContracts(ctx, l.sEditor.Actor, samspil.ContractFilter{Sort: samspil.SortByUrgency, ListOptions: samspil.ListOptions{Cursor: "bm9wZQ"}})
		wantField(t, err, samspil.EINVALID, "cursor")
	})
}

func TestContractUpdateAndDelete(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		clk := copenhagenClock(db, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
		s1 := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Et"})
		s2 := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "To"})
		private := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Viborgs eget", Visibility: samspil.VisibilityPrivate})
		costs := samspil.Costs{Operation: 99999}
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Drift", SystemIDs: []string{s1.ID}, Costs: &costs,
			SupplierID: l.vendor.ID, Visibility: samspil.VisibilitySector,
			ContractTerms: samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36, NoticeMonths: 3}})

		mark := auditMark(t, db)
		newTerms := samspil.ContractTerms{Start: day(t, "2024-01-01"), Expiry: ptr(day(t, "2027-03-31")), ExtensionCount: 1, ExtensionMonths: 24,
			NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}
		up, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 1, samspil.ContractPatch{Terms: &newTerms, SystemIDs: &[]string{s2.ID, s1.ID},
			Costs: &samspil.Costs{Acquisition: 1}, SupplierID: ptr("")})
		must(t, err)
		if up.Version != 2 || up.Expiry == nil || up.Expiry.String() != "2027-03-31" || up.DurationMonths != 0 || up.NoticeRule != samspil.NoticeEndOfQuarter ||
			len(up.Systems) != 2 || up.Costs == nil || *up.Costs != (samspil.Costs{Acquisition: 1}) || up.SupplierID != "" || up.Name != "Drift" {
			t.Fatalf("updated %+v", up)
		}
		// 31 March 2027 with 3 months' notice to the end of a quarter: notice by 31 December 2026.
		if dl := up.Deadlines; dateString(dl.LastNoticeDate) != "2026-12-31" || dateString(dl.NextEnd) != "2027-03-31" || dl.ExtensionsLeft != 1 {
			t.Errorf("deadlines after the update %+v", dl)
		}
		ev := wantAudit(t, db, mark, "contract.update")[0]
		wantNoDeadlines(t, "update before", ev.Before)
		wantNoDeadlines(t, "update after", ev.After)
		if b, a := jsonObject(t, ev.Before), jsonObject(t, ev.After); b["duration_months"] != float64(36) || a["expiry"] != "2027-03-31" || a["version"] != float64(2) {
			t.Errorf("audit images %v → %v", b, a)
		}

		// A patch without system_ids keeps them; one without costs keeps them.
		clk.advance(24 * time.Hour)
		up, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 2, samspil.ContractPatch{Notes: ptr("Ny note")})
		must(t, err)
		if len(up.Systems) != 2 || up.Costs == nil || up.Notes != "Ny note" || up.Version != 3 {
			t.Fatalf("after a notes patch %+v", up)
		}

		mark = auditMark(t, db)
		// The store names invalid terms as the contract has them (embedded,
		// "start"); the API moves them under "terms" for a patch.
		for _, x := range []struct {
			name    string
			actor   *samspil.Actor
			version int
			p       samspil.ContractPatch
			code    string
			field   string
		}{
			{"stale", l.sEditor.Actor, 2, samspil.ContractPatch{Name: ptr("X")}, samspil.ESTALE, ""},
			{"another organisation", l.vEditor.Actor, 3, samspil.ContractPatch{Name: ptr("X")}, samspil.EFORBIDDEN, ""},
			{"viewer", l.sViewer.Actor, 3, samspil.ContractPatch{Name: ptr("X")}, samspil.EFORBIDDEN, ""},
			{"anonymous", samspil.Anonymous(), 3, samspil.ContractPatch{Name: ptr("X")}, samspil.ENOTFOUND, ""},
			{"unknown system", l.sEditor.Actor, 3, samspil.ContractPatch{SystemIDs: &[]string{"no-such-system"}}, samspil.EINVALID, "system_ids"},
			{"invisible system", l.sEditor.Actor, 3, samspil.ContractPatch{SystemIDs: &[]string{private.ID}}, samspil.EINVALID, "system_ids"},
			{"unknown supplier", l.sEditor.Actor, 3, samspil.ContractPatch{SupplierID: ptr("nobody")}, samspil.EINVALID, "supplier_id"},
			{"negative costs", l.sEditor.Actor, 3, samspil.ContractPatch{Costs: &samspil.Costs{Other: -1}}, samspil.EINVALID, "costs.other"},
			{"terms without start", l.sEditor.Actor, 3, samspil.ContractPatch{Terms: &samspil.ContractTerms{NoticeMonths: 1}}, samspil.EINVALID, "start"},
			{"terms with expiry before start", l.sEditor.Actor, 3, samspil.ContractPatch{Terms: &samspil.ContractTerms{Start: day(t, "2025-01-01"), Expiry: ptr(day(t, "2024-01-01"))}}, samspil.EINVALID, "expiry"},
			{"unknown contract", l.sEditor.Actor, 1, samspil.ContractPatch{Name: ptr("X")}, samspil.ENOTFOUND, ""},
		} {
			t.Run(x.name, func(t *testing.T) {
				id := c.ID
				if x.name == "unknown contract" {
					id = "no-such-contract"
				}
				_, err := db.UpdateContract(ctx, x.actor, id, x.version, x.p)
				if x.field != "" {
					wantField(t, err, x.code, x.field)
				} else {
					testkit.ErrCode(t, err, x.code)
				}
			})
		}
		wantAudit(t, db, mark)

		// A private contract is invisible to other organisations: 404 rather than 403.
		up, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 3, samspil.ContractPatch{Visibility: ptr(samspil.VisibilityPrivate)})
		must(t, err)
		_, err = db.UpdateContract(ctx, l.vEditor.Actor, c.ID, 4, samspil.ContractPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		testkit.ErrCode(t, db.DeleteContract(ctx, l.vEditor.Actor, c.ID, 4), samspil.ENOTFOUND)
		_, err = db.FindContract(ctx, l.vEditor.Actor, c.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Delete: stale first, then for real; the feed tells those who could see it.
		mark = auditMark(t, db)
		testkit.ErrCode(t, db.DeleteContract(ctx, l.sEditor.Actor, c.ID, 3), samspil.ESTALE)
		testkit.ErrCode(t, db.DeleteContract(ctx, l.sViewer.Actor, c.ID, 4), samspil.EFORBIDDEN)
		wantAudit(t, db, mark)
		must(t, db.DeleteContract(ctx, l.sEditor.Actor, c.ID, 4))
		ev = wantAudit(t, db, mark, "contract.delete")[0]
		wantNoDeadlines(t, "delete before", ev.Before)
		if ev.After != nil || jsonObject(t, ev.Before)["name"] != "Drift" {
			t.Errorf("delete event %+v", ev)
		}
		_, err = db.FindContract(ctx, l.sEditor.Actor, c.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if !hasDeletion(listDeletions(t, db, l.sViewer.Actor, samspil.DeletionFilter{ObjectType: "contract"}), "contract", c.ID) {
			t.Error("Silkeborg does not see the deletion of its contract")
		}
		if hasDeletion(listDeletions(t, db, l.vEditor.Actor, samspil.DeletionFilter{}), "contract", c.ID) {
			t.Error("Viborg sees the deletion of Silkeborg's private contract")
		}
		// The systems it covered remain.
		if _, err := db.FindSystem(ctx, l.sEditor.Actor, s1.ID); err != nil {
			t.Error(err)
		}

		// A sector contract's deletion is in Viborg's feed.
		sc := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Synlig", Visibility: samspil.VisibilitySector,
			ContractTerms: samspil.ContractTerms{Start: day(t, "2024-01-01")}})
		must(t, db.DeleteContract(ctx, l.sEditor.Actor, sc.ID, 1))
		if !hasDeletion(listDeletions(t, db, l.vEditor.Actor, samspil.DeletionFilter{ObjectType: "contract"}), "contract", sc.ID) {
			t.Error("Viborg does not see the deletion of a sector contract")
		}
		if hasDeletion(listDeletions(t, db, samspil.Anonymous(), samspil.DeletionFilter{}), "contract", sc.ID) {
			t.Error("anonymous sees the deletion of a sector contract")
		}
	})
}
