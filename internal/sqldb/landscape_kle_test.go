package sqldb_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/refdata"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// listTasks lists every KLE node matching f, paging through.
func listTasks(t testing.TB, db *sqldb.DB, f samspil.TaskFilter) []samspil.Task {
	t.Helper()
	var out []samspil.Task
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		p, err := db.ListTasks(ctx, f)
		if err != nil {
			t.Fatalf("list tasks %+v: %v", f, err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

func taskCodes(tasks []samspil.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.Code
	}
	return out
}

func TestTaskList(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		// A code prefix lists the group and its topics in code order.
		got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "27.34"}))
		want := []string{"27.34", "27.34.00", "27.34.05", "27.34.10", "27.34.15", "27.34.20", "27.34.25", "27.34.30", "27.34.40"}
		if !slices.Equal(got, want) {
			t.Errorf("q=27.34: %v, want %v", got, want)
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "27.34."})); !slices.Equal(got, want[1:]) {
			t.Errorf("q=27.34.: %v", got)
		}
		if got := listTasks(t, db, samspil.TaskFilter{Query: "27"}); len(got) < 50 || !allPrefixed(got, "27") {
			t.Errorf("q=27: %d nodes", len(got))
		}

		// Words of the title, any case, also æøå.
		for _, q := range []string{"ÆLDREPLEJE", "ældrePleje i", "  Ældrepleje  "} {
			got := listTasks(t, db, samspil.TaskFilter{Query: q})
			if !slices.Contains(taskCodes(got), "27.34.00") {
				t.Errorf("q=%q: %v", q, taskCodes(got))
			}
			for _, x := range got {
				if !strings.Contains(samspil.Fold(x.Title), "ældrepleje") {
					t.Errorf("q=%q matches %s %q", q, x.Code, x.Title)
				}
			}
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "forældrekontakt"})); !slices.Contains(got, "17.07") || !slices.Contains(got, "17.07.00") {
			t.Errorf("q=forældrekontakt: %v", got)
		}
		if got := listTasks(t, db, samspil.TaskFilter{Query: "%"}); len(got) != 0 {
			t.Errorf("q=%%: %d nodes, want the wildcard taken literally", len(got))
		}

		// Level and parent filters.
		mains := listTasks(t, db, samspil.TaskFilter{Level: 1})
		if len(mains) != 37 || mains[0].Code != "00" || mains[0].ParentCode != "" {
			t.Errorf("main groups: %d, first %+v", len(mains), mains[0])
		}
		groups := listTasks(t, db, samspil.TaskFilter{ParentCode: "27"})
		for _, g := range groups {
			if g.Level != 2 || g.ParentCode != "27" {
				t.Errorf("child of 27: %+v", g)
			}
		}
		if !slices.Contains(taskCodes(groups), "27.34") {
			t.Errorf("groups of 27: %v", taskCodes(groups))
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{ParentCode: "27.34", Level: 3})); !slices.Equal(got, want[1:]) {
			t.Errorf("topics of 27.34: %v", got)
		}
		if got := listTasks(t, db, samspil.TaskFilter{ParentCode: "27.34", Level: 2}); len(got) != 0 {
			t.Errorf("groups under a group: %v", taskCodes(got))
		}
		counts, err := db.CountTasks(ctx)
		must(t, err)
		if counts[1] != 37 || counts[2] != 498 || counts[3] != 2390 {
			t.Errorf("counts %v", counts)
		}
		if got := listTasks(t, db, samspil.TaskFilter{Level: 3, ListOptions: samspil.ListOptions{Limit: 500}}); len(got) != 2390 {
			t.Errorf("paging through topics: %d", len(got))
		}

		task, err := db.FindTask(ctx, "27.34.00")
		must(t, err)
		if task.Level != 3 || task.ParentCode != "27.34" || task.Title != "Ældrepleje i almindelighed" || task.ExpiredAt != nil {
			t.Errorf("found %+v", task)
		}
		_, err = db.FindTask(ctx, "99.99.99")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.ListTasks(ctx, samspil.TaskFilter{ListOptions: samspil.ListOptions{Cursor: "%%%"}})
		wantField(t, err, samspil.EINVALID, "cursor")
	})
}

func allPrefixed(tasks []samspil.Task, prefix string) bool {
	for _, t := range tasks {
		if !strings.HasPrefix(t.Code, prefix) {
			return false
		}
	}
	return true
}

// TestTaskLoadTopicsEdition loads an edition of topics only that lacks two
// topics, renames one and adds one: the two expire, groups and main groups
// stay current, and expired topics show only on request.
func TestTaskLoadTopicsEdition(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		all, _, err := refdata.Tasks()
		must(t, err)
		// A system that refers to a topic that will expire.
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Tilsyn", Tasks: []string{kleAeldretilsyn}})

		var topics []samspil.Task
		for _, task := range all {
			switch {
			case task.Level != 3, task.Code == "27.34.40", task.Code == "27.34.30":
				continue
			case task.Code == "27.34.00":
				task.Title = "Ældrepleje – i almindelighed"
			}
			topics = append(topics, task)
		}
		topics = append(topics, samspil.Task{Code: "27.34.45", Level: 3, Title: "Ældretilsyn, opfølgning", ParentCode: "27.34"})
		edition := samspil.TaskEdition{Source: "emner.csv", Hash: "test-topics-1", Levels: []int{3}, Tasks: topics}

		_, err = db.LoadTasks(ctx, l.sEditor.Actor, edition)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		mark := auditMark(t, db)
		sum, err := db.LoadTasks(ctx, l.op, edition)
		must(t, err)
		if sum.Added != 1 || sum.Renamed != 1 || sum.Expired != 2 || sum.Skipped || sum.Source != "emner.csv" {
			t.Errorf("summary %+v, want 1 added, 1 renamed, 2 expired", sum)
		}
		wantAudit(t, db, mark, "kle.load")

		counts, err := db.CountTasks(ctx)
		must(t, err)
		if counts[1] != 37 || counts[2] != 498 || counts[3] != 2390-2+1 {
			t.Errorf("counts %v: groups and main groups must not expire by a topics-only edition", counts)
		}
		for _, code := range []string{"27", "27.34", "00", "00.01"} {
			task, err := db.FindTask(ctx, code)
			must(t, err)
			if task.ExpiredAt != nil {
				t.Errorf("%s expired by a topics-only edition", code)
			}
		}
		current := taskCodes(listTasks(t, db, samspil.TaskFilter{ParentCode: "27.34"}))
		if want := []string{"27.34.00", "27.34.05", "27.34.10", "27.34.15", "27.34.20", "27.34.25", "27.34.45"}; !slices.Equal(current, want) {
			t.Errorf("current topics of 27.34: %v, want %v", current, want)
		}
		withExpired := listTasks(t, db, samspil.TaskFilter{ParentCode: "27.34", IncludeExpired: true})
		if len(withExpired) != 9 {
			t.Errorf("with expired: %v", taskCodes(withExpired))
		}
		for _, task := range withExpired {
			if expired := task.Code == "27.34.40" || task.Code == "27.34.30"; expired != (task.ExpiredAt != nil) {
				t.Errorf("%s: expired_at %v", task.Code, task.ExpiredAt)
			}
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "ældretilsyn"})); !slices.Equal(got, []string{"27.34.45"}) {
			t.Errorf("search without expired: %v", got)
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "ældretilsyn", IncludeExpired: true})); !slices.Equal(got, []string{"27.34.40", "27.34.45"}) {
			t.Errorf("search with expired: %v", got)
		}
		task, err := db.FindTask(ctx, "27.34.40")
		must(t, err)
		if task.ExpiredAt == nil || task.Title != "Ældretilsyn" {
			t.Errorf("an expired topic is still found, marked expired: %+v", task)
		}
		task, err = db.FindTask(ctx, "27.34.00")
		must(t, err)
		if task.Title != "Ældrepleje – i almindelighed" || task.ExpiredAt != nil {
			t.Errorf("renamed: %+v", task)
		}
		if got := taskCodes(listTasks(t, db, samspil.TaskFilter{Query: "ÆLDREPLEJE – I"})); !slices.Equal(got, []string{"27.34.00"}) {
			t.Errorf("search by the new title: %v", got)
		}
		// References to an expired topic keep working.
		found, err := db.FindSystem(ctx, l.sEditor.Actor, s.ID)
		must(t, err)
		if !slices.Equal(found.Tasks, []string{kleAeldretilsyn}) {
			t.Errorf("tasks of the system %v", found.Tasks)
		}

		// The same edition again changes nothing.
		before, err := db.Fingerprint(ctx)
		must(t, err)
		sum, err = db.LoadTasks(ctx, l.op, edition)
		must(t, err)
		if !sum.Skipped || sum.Added+sum.Renamed+sum.Expired != 0 {
			t.Errorf("loading again: %+v", sum)
		}
		if after, err := db.Fingerprint(ctx); err != nil || after != before {
			t.Errorf("loading the same edition again changed the database (%v)", err)
		}

		// The full edition brings the topics back.
		sum, err = db.LoadTasks(ctx, l.op, samspil.TaskEdition{Source: "fuld", Hash: "test-full-1", Levels: []int{1, 2, 3}, Tasks: all})
		must(t, err)
		if sum.Renamed != 1 || sum.Added != 2 || sum.Expired != 1 {
			t.Errorf("full edition: %+v, want 2 added (27.34.30 and 27.34.40 back in use), 1 renamed back and 1 (27.34.45) expired", sum)
		}
		if task, err := db.FindTask(ctx, "27.34.40"); err != nil || task.ExpiredAt != nil {
			t.Errorf("27.34.40 after the full edition: %+v, %v", task, err)
		}
	})
}

// TestTaskLoadExpiryGuard previews editions and refuses those that would
// expire more than a tenth of the current nodes of their levels: a dry run
// names the nodes and changes nothing, a refused load changes nothing and
// says what it would have changed, and AllowExpire loads it.
func TestTaskLoadExpiryGuard(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		all, _, err := refdata.Tasks()
		must(t, err)
		// Topics only, without the first n current ones.
		without := func(n int) (samspil.TaskEdition, []string) {
			var e samspil.TaskEdition
			var dropped []string
			for _, task := range all {
				switch {
				case task.Level != 3:
				case len(dropped) < n:
					dropped = append(dropped, task.Code)
				default:
					e.Tasks = append(e.Tasks, task)
				}
			}
			e.Source, e.Hash, e.Levels = "emner", "test-without-"+strings.Repeat("x", n), []int{3}
			return e, dropped
		}
		counts, err := db.CountTasks(ctx)
		must(t, err)
		current := counts[3]
		limit := current / 10 // 239 of 2390 topics may expire, 240 not

		edition, dropped := without(limit + 1)
		before, err := db.Fingerprint(ctx)
		must(t, err)
		mark := auditMark(t, db)
		dry := edition
		dry.DryRun = true
		sum, err := db.LoadTasks(ctx, l.op, dry)
		must(t, err)
		var expired []string
		for _, c := range sum.ExpiredTasks {
			expired = append(expired, c.Code)
		}
		if !sum.DryRun || sum.Skipped || sum.Expired != limit+1 || sum.Current != current || sum.Added+sum.Renamed != 0 ||
			!slices.Equal(expired, dropped) || !sum.ExpiresTooMany() {
			t.Errorf("dry run: %+v, want %d expired of %d current: %v", sum, limit+1, current, dropped)
		}
		// The dry run needs the same permission.
		_, err = db.LoadTasks(ctx, l.sEditor.Actor, dry)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)

		sum, err = db.LoadTasks(ctx, l.op, edition)
		testkit.ErrCode(t, err, samspil.EINVALID)
		if want := "the edition would expire 240 of 2390 current topics (10 %)"; !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
		if sum == nil || sum.Expired != limit+1 || len(sum.ExpiredTasks) != limit+1 {
			t.Errorf("a refused load says what it would have changed: %+v", sum)
		}
		if after, err := db.Fingerprint(ctx); err != nil || after != before {
			t.Fatalf("a dry run or a refused load changed the database (%v)", err)
		}
		if got := auditSince(t, db, mark); len(got) != 0 {
			t.Errorf("audit events of a dry run or a refused load: %+v", got)
		}

		// A tenth exactly is allowed; more is with AllowExpire.
		edition, _ = without(limit)
		sum, err = db.LoadTasks(ctx, l.op, edition)
		must(t, err)
		if sum.Expired != limit || sum.Current != current || sum.DryRun || sum.ExpiresTooMany() {
			t.Errorf("a tenth: %+v", sum)
		}
		edition, _ = without(limit + 1)
		edition.Hash += "-allowed"
		edition.AllowExpire = true
		sum, err = db.LoadTasks(ctx, l.op, edition)
		must(t, err)
		if sum.Expired != 1 || sum.Current != current-limit {
			t.Errorf("allowed: %+v", sum)
		}
		counts, err = db.CountTasks(ctx)
		must(t, err)
		if counts[3] != current-limit-1 {
			t.Errorf("counts after the loads: %v", counts)
		}
		// A dry run of an edition loaded before says so.
		edition.DryRun = true
		if sum, err := db.LoadTasks(ctx, l.op, edition); err != nil || !sum.Skipped || !sum.DryRun {
			t.Errorf("dry run of a loaded edition: %+v %v", sum, err)
		}
	})
}
