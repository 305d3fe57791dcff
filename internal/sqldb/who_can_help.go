package sqldb

import (
	"context"

	"github.com/samspil/samspil"
)

var _ samspil.WhoCanHelpService = (*DB)(nil)

// WhoCanHelp finds, for a visible system or a KLE task, the organisations
// that have run it longest, those happy to share their experience, and the
// lessons of initiatives about it. Every list uses only the usages and
// lessons the actor may see (usageVisibleCond, visibleLessonCond) and is
// one query driven by an index: usages_system for a system; for a task
// system_tasks_code and usage_tasks_code; initiative_systems_system and
// initiative_tasks_code for the lessons.
func (db *DB) WhoCanHelp(ctx context.Context, actor *samspil.Actor, in samspil.WhoCanHelpQuery) (*samspil.WhoCanHelp, error) {
	if err := in.Normalize(); err != nil {
		return nil, err
	}
	if in.Today.IsZero() {
		in.Today = samspil.Today(db.now())
	}
	out := &samspil.WhoCanHelp{SystemID: in.SystemID, Task: in.Task, Today: in.Today}
	if in.SystemID != "" {
		var q query
		q.cond("s.id = " + q.arg(in.SystemID))
		q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
		if err := db.read.QueryRowContext(ctx, "SELECT s.name FROM systems s"+q.whereSQL(), q.args...).Scan(&out.SystemName); err != nil {
			return nil, errNoRows(err, "system")
		}
	} else {
		t, err := db.FindTask(ctx, in.Task)
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			return nil, samspil.ErrorAt(samspil.EINVALID, "task", "%s is not in the KLE taxonomy", in.Task)
		}
		if err != nil {
			return nil, err
		}
		out.TaskTitle = t.Title
	}

	var inUse []string
	for _, l := range samspil.Lifecycles {
		if l.InUse() {
			inUse = append(inUse, string(l))
		}
	}
	longest, err := db.helpUsages(ctx, actor, in, func(q *query) { q.cond("u.lifecycle IN " + q.in(inUse)) })
	if err != nil {
		return nil, err
	}
	out.Longest = make([]samspil.OperationExperience, len(longest))
	for i, u := range longest {
		out.Longest[i] = samspil.OperationExperience{UsageID: u.ID, OrganizationID: u.OrganizationID, OrganizationName: u.OrganizationName,
			SystemID: u.SystemID, SystemName: u.SystemName, Lifecycle: u.Lifecycle, Since: u.From, Years: samspil.YearsInOperation(u.From, in.Today)}
	}
	sharing, err := db.helpUsages(ctx, actor, in, func(q *query) { q.cond("u.share_experience") })
	if err != nil {
		return nil, err
	}
	out.Sharing = make([]samspil.ExperienceContact, len(sharing))
	for i, u := range sharing {
		out.Sharing[i] = samspil.ExperienceContact{UsageID: u.ID, OrganizationID: u.OrganizationID, OrganizationName: u.OrganizationName,
			SystemID: u.SystemID, SystemName: u.SystemName, Lifecycle: u.Lifecycle, Since: u.From, ContactName: u.ExperienceContactName,
			ContactEmail: u.ExperienceContactEmail}
	}
	if out.Lessons, err = db.helpLessons(ctx, actor, in); err != nil {
		return nil, err
	}
	return out, nil
}

// taskCodeCond returns the condition that the KLE code in column col is the
// task or, for a main group or group, one of the codes under it: a range
// the index serves on both engines (as in ListSystems).
func taskCodeCond(q *query, col, task string) string {
	cond := col + " = " + q.arg(task)
	if reKLEGroup.MatchString(task) {
		cond += " OR (" + col + " >= " + q.arg(task+".00") + " AND " + col + " <= " + q.arg(task+".99.99") + ")"
	}
	return cond
}

// helpUsages returns the visible usages of the query's system, or of the
// usages covering its task, that meet cond: those with the longest
// operation first (the earliest from date; unknown last), at most the
// query's limit. A usage covers a task that it adds, or that its system
// covers unless the usage opts out of it.
func (db *DB) helpUsages(ctx context.Context, actor *samspil.Actor, in samspil.WhoCanHelpQuery, cond func(*query)) ([]samspil.Usage, error) {
	var q query
	from := " FROM usages u"
	if in.SystemID != "" {
		q.cond("u.system_id = " + q.arg(in.SystemID))
	} else {
		from = " FROM (SELECT ut.usage_id AS id FROM usage_tasks ut WHERE (" + taskCodeCond(&q, "ut.code", in.Task) + ") AND NOT ut.opt_out" +
			" UNION SELECT su.id FROM system_tasks st JOIN usages su ON su.system_id = st.system_id WHERE (" + taskCodeCond(&q, "st.code", in.Task) + ")" +
			" AND NOT EXISTS (SELECT 1 FROM usage_tasks uo WHERE uo.usage_id = su.id AND uo.code = st.code AND uo.opt_out)) covering" +
			" JOIN usages u ON u.id = covering.id"
	}
	cond(&q)
	usageVisibleCond(&q, actor)
	sql := usageColumns + from + usageJoins + q.whereSQL() +
		" ORDER BY (u.from_date IS NULL), u.from_date, o.name_fold, u.id LIMIT " + q.arg(in.Limit)
	rows, err := db.read.QueryContext(ctx, sql, q.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUsage)
}

// helpLessons returns the visible lessons of the initiatives about the
// query's system or task, newest first, at most the query's limit.
func (db *DB) helpLessons(ctx context.Context, actor *samspil.Actor, in samspil.WhoCanHelpQuery) ([]samspil.Lesson, error) {
	var q query
	if in.SystemID != "" {
		q.cond("l.initiative_id IN (SELECT isy.initiative_id FROM initiative_systems isy WHERE isy.system_id = " + q.arg(in.SystemID) + ")")
	} else {
		q.cond("l.initiative_id IN (SELECT it.initiative_id FROM initiative_tasks it WHERE " + taskCodeCond(&q, "it.code", in.Task) + ")")
	}
	q.cond(visibleLessonCond(&q, actor))
	rows, err := db.read.QueryContext(ctx, lessonSelects[db.engine]+q.whereSQL()+" ORDER BY l.on_date DESC, l.id DESC LIMIT "+q.arg(in.Limit), q.args...)
	if err != nil {
		return nil, err
	}
	ls, err := collect(rows, scanLesson)
	if ls == nil {
		ls = []samspil.Lesson{}
	}
	return ls, err
}
