package sqldb

import (
	"context"
	"database/sql"
	"net/url"

	"github.com/samspil/samspil"
)

var _ samspil.SearchService = (*DB)(nil)

// Search finds what the actor may see by name, and organisations also by
// kommunekode or CVR: one query per kind, each under the kind's visibility
// condition and cut at the limit (one more, to tell whether there is more).
// Names with a folded column are matched in SQL; forum names and decision
// titles have none and are matched in Go (samspil.Matches) over the rows of
// the collaborations the actor sees, so both engines fold alike.
//
// On PostgreSQL a trigram index on each folded name (migration 00012)
// serves the LIKE: for a text that matches few rows the planner reads only
// those and sorts them, for one that matches many it walks the name index
// and stops at the limit. SQLite reads the visible rows of a kind, except
// organisations, which are many in a European installation: on both
// engines searchOrganizations finds them through the indexes of 00015.
func (db *DB) Search(ctx context.Context, actor *samspil.Actor, sq samspil.SearchQuery) (*samspil.SearchResult, error) {
	if err := sq.Normalize(); err != nil {
		return nil, err
	}
	res := &samspil.SearchResult{Query: sq.Text, Groups: []samspil.SearchGroup{}}
	if sq.Short() {
		return res, nil
	}
	like := likeContains(sq.Text)
	for _, kind := range samspil.SearchKinds {
		if !sq.Wants(kind) {
			continue
		}
		var q query
		var sqlText string
		matchInGo := false
		switch kind {
		case samspil.SearchOrganizations:
			// Found through an index (searchOrganizations), then read
			// with the same condition.
			q.cond(visibleOrgCond(&q, actor))
			ids, err := db.searchOrganizations(ctx, q, sq.Text, nil, sq.PerKind+1)
			if err != nil {
				return nil, err
			}
			if len(ids) == 0 {
				continue
			}
			q.cond("o.id IN " + q.in(ids))
			sqlText = "SELECT o.id, o.name, COALESCE(o.municipality_code, '') FROM organizations o" + q.whereSQL() + " ORDER BY o.name_fold, o.id"
		case samspil.SearchSystems:
			q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
			q.cond("s.name_fold LIKE " + q.arg(like) + ` ESCAPE '\'`)
			sqlText = "SELECT s.id, s.name, COALESCE(v.name, '') FROM systems s LEFT JOIN organizations v ON v.id = s.vendor_id" +
				q.whereSQL() + " ORDER BY s.name_fold, s.id"
		case samspil.SearchContracts:
			q.cond(visibleCond(&q, actor, "c.organization_id", "c.visibility"))
			q.cond("c.name_fold LIKE " + q.arg(like) + ` ESCAPE '\'`)
			sqlText = "SELECT c.id, c.name, o.name FROM contracts c JOIN organizations o ON o.id = c.organization_id" +
				q.whereSQL() + " ORDER BY c.name_fold, c.id"
		case samspil.SearchCollaborations:
			q.cond(visibleCollabCond(&q, actor))
			q.cond("c.name_fold LIKE " + q.arg(like) + ` ESCAPE '\'`)
			sqlText = "SELECT c.id, c.name, '' FROM collaborations c" + q.whereSQL() + " ORDER BY c.name_fold, c.id"
		case samspil.SearchForums:
			q.cond(visibleCollabCond(&q, actor))
			sqlText = "SELECT f.id, f.name, c.name FROM forums f JOIN collaborations c ON c.id = f.collaboration_id" +
				q.whereSQL() + " ORDER BY c.name_fold, f.first_meeting, f.id"
			matchInGo = true
		case samspil.SearchInitiatives:
			q.cond(visibleInitiativeCond(&q, actor))
			q.cond("i.title_fold LIKE " + q.arg(like) + ` ESCAPE '\'`)
			sqlText = "SELECT i.id, i.title, o.name FROM initiatives i JOIN organizations o ON o.id = i.owner_id" +
				q.whereSQL() + " ORDER BY i.title_fold, i.id"
		case samspil.SearchLessons:
			q.cond(visibleLessonCond(&q, actor))
			q.cond("l.text_fold LIKE " + q.arg(like) + ` ESCAPE '\'`)
			sqlText = "SELECT l.id, l.title, o.name FROM lessons l JOIN organizations o ON o.id = l.organization_id" +
				" LEFT JOIN initiatives i ON i.id = l.initiative_id LEFT JOIN collaborations c ON c.id = l.collaboration_id" +
				q.whereSQL() + " ORDER BY l.on_date DESC, l.id DESC"
		case samspil.SearchDecisions:
			q.cond(db.visibleDatedCond(&q, actor, "d.decided_on"))
			sqlText = "SELECT d.id, d.title, c.name FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id" +
				q.whereSQL() + " ORDER BY d.decided_on DESC, d.id"
			matchInGo = true
		}
		if !matchInGo {
			sqlText += " LIMIT " + q.arg(sq.PerKind+1)
		}
		hits, more, err := db.searchRows(ctx, kind, sqlText, q.args, sq, matchInGo)
		if err != nil {
			return nil, err
		}
		if len(hits) > 0 {
			res.Groups = append(res.Groups, samspil.SearchGroup{Kind: kind, Hits: hits, More: more})
		}
	}
	return res, nil
}

// searchRows reads the hits of one kind: at most sq.PerKind, and whether
// there were more. With matchInGo it keeps the rows whose name matches.
func (db *DB) searchRows(ctx context.Context, kind samspil.SearchKind, sqlText string, args []any, sq samspil.SearchQuery, matchInGo bool) ([]samspil.SearchHit, bool, error) {
	rows, err := db.read.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var hits []samspil.SearchHit
	for rows.Next() {
		var h samspil.SearchHit
		var context sql.NullString
		if err := rows.Scan(&h.ID, &h.Name, &context); err != nil {
			return nil, false, err
		}
		if matchInGo && !samspil.Matches(h.Name, sq.Text) {
			continue
		}
		if len(hits) == sq.PerKind {
			return hits, true, nil // the deferred Close ends the query early
		}
		h.Kind, h.Context, h.Path = kind, context.String, searchPath(kind, h.ID, h.Name)
		hits = append(hits, h)
	}
	return hits, false, rows.Err()
}

// searchPath is the page of a record found; a lesson, which has no page
// of its own, is found in the lessons log by its title.
func searchPath(kind samspil.SearchKind, id, name string) string {
	switch kind {
	case samspil.SearchInitiatives:
		return "/initiatives/" + id
	case samspil.SearchLessons:
		return "/lessons?q=" + url.QueryEscape(name)
	case samspil.SearchOrganizations:
		return "/organizations/" + id
	case samspil.SearchSystems:
		return "/systems/" + id
	case samspil.SearchContracts:
		return "/contracts/" + id
	case samspil.SearchCollaborations:
		return "/collaborations/" + id
	case samspil.SearchForums:
		return "/forums/" + id
	case samspil.SearchDecisions:
		return "/decisions/" + id
	}
	return "/"
}
