package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

var _ samspil.OrganizationService = (*DB)(nil)

const orgColumns = `o.id, o.kind, o.name, o.municipality_code, o.cvr, o.country, o.region, o.visibility, o.version, o.created_at, o.updated_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanOrg(r rowScanner) (samspil.Organization, error) {
	var o samspil.Organization
	var code, cvr, region *string
	var created, updated dbTime
	err := r.Scan(&o.ID, &o.Kind, &o.Name, &code, &cvr, &o.Country, &region, &o.Visibility, &o.Version, &created, &updated)
	o.MunicipalityCode, o.CVR, o.Region = deref(code), deref(cvr), deref(region)
	o.CreatedAt, o.UpdatedAt = created.T, updated.T
	return o, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var reDigits4 = regexp.MustCompile(`^[0-9]{4}$`)

// FindOrganization returns an organisation by ID, or by municipality code
// (Danish kommunekode) when id is four digits.
func (db *DB) FindOrganization(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Organization, error) {
	return db.findOrg(ctx, db.read, actor, id)
}

func (db *DB) findOrg(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Organization, error) {
	var q query
	if reDigits4.MatchString(id) {
		q.cond("o.country = 'DK' AND o.municipality_code = " + q.arg(id))
	} else {
		q.cond("o.id = " + q.arg(id))
	}
	q.cond(visibleOrgCond(&q, actor))
	o, err := scanOrg(qr.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organizations o"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "organization")
	}
	orgs := []samspil.Organization{o}
	if err := db.loadPopulations(ctx, qr, orgs); err != nil {
		return nil, err
	}
	return &orgs[0], nil
}

// ListOrganizations lists visible organisations by name.
func (db *DB) ListOrganizations(ctx context.Context, actor *samspil.Actor, f samspil.OrganizationFilter) (*samspil.Page[samspil.Organization], error) {
	var q query
	q.cond(visibleOrgCond(&q, actor))
	if f.Kind != "" {
		q.cond("o.kind = " + q.arg(string(f.Kind)))
	}
	if f.Region != "" {
		q.cond("o.region = " + q.arg(f.Region))
	}
	if f.ChangedSince != nil {
		q.cond("o.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	var after *orgKey
	if keys != nil {
		after = &orgKey{keys[0], keys[1]}
	}
	limit := f.PageSize()
	if text := samspil.Fold(f.Query); text != "" {
		// The organisations matching the text, found through an index,
		// then read with the same conditions.
		ids, err := db.searchOrganizations(ctx, q, text, after, limit+1)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return pageOf[samspil.Organization](nil, limit, nil), nil
		}
		q.cond("o.id IN " + q.in(ids))
	} else {
		orgAfter(&q, "o", after)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+orgColumns+" FROM organizations o"+q.whereSQL()+
		" ORDER BY o.name_fold, o.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	orgs, err := collect(rows, scanOrg)
	if err != nil {
		return nil, err
	}
	page := pageOf(orgs, limit, func(o samspil.Organization) []string { return []string{samspil.Fold(o.Name), o.ID} })
	if err := db.loadPopulations(ctx, db.read, page.Items); err != nil {
		return nil, err
	}
	return page, nil
}

func (db *DB) loadPopulations(ctx context.Context, qr querier, orgs []samspil.Organization) error {
	if len(orgs) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		idx[o.ID] = i
		ids[i] = o.ID
		orgs[i].Population = []samspil.Population{}
	}
	var q query
	rows, err := qr.QueryContext(ctx, "SELECT organization_id, year, inhabitants FROM organization_populations WHERE organization_id IN "+
		q.in(ids)+" ORDER BY organization_id, year DESC", q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p samspil.Population
		if err := rows.Scan(&id, &p.Year, &p.Inhabitants); err != nil {
			return err
		}
		i := idx[id]
		orgs[i].Population = append(orgs[i].Population, p)
	}
	return rows.Err()
}

// CreateOrganization registers an organisation (platform operators only).
func (db *DB) CreateOrganization(ctx context.Context, actor *samspil.Actor, in samspil.OrganizationInput) (*samspil.Organization, error) {
	if err := actor.Require(samspil.PermOrgCreate, "", ""); err != nil {
		return nil, err
	}
	in.Normalize()
	o := in.Organization()
	samspil.SortPopulation(o.Population)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		if err := tx.checkOrgUnique(&o); err != nil {
			return err
		}
		o.ID, o.Version, o.CreatedAt, o.UpdatedAt = newID(), 1, tx.now, tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO organizations
			(id, kind, name, name_fold, municipality_code, cvr, country, region, visibility, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
			o.ID, string(o.Kind), o.Name, samspil.Fold(o.Name), nullString(o.MunicipalityCode), nullString(o.CVR),
			o.Country, nullString(o.Region), string(o.Visibility), tx.now)
		if err != nil {
			return err
		}
		if err := tx.writePopulations(o.ID, o.Population); err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: o.ID, Action: "organization.create", ObjectType: "organization", ObjectID: o.ID, After: o}); err != nil {
			return err
		}
		return tx.seedOrgListsAudited(o.ID)
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// checkOrgUnique names the field when another organisation already has the
// municipality code or CVR number.
func (tx *Tx) checkOrgUnique(o *samspil.Organization) error {
	var v samspil.Validation
	var n int
	if o.MunicipalityCode != "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM organizations WHERE country = $1 AND municipality_code = $2 AND id <> $3`,
			o.Country, o.MunicipalityCode, o.ID).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 0, "municipality_code", "another organisation has municipality code %s", o.MunicipalityCode)
	}
	if o.CVR != "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM organizations WHERE cvr = $1 AND id <> $2`, o.CVR, o.ID).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 0, "cvr", "another organisation has CVR number %s", o.CVR)
	}
	if err := v.Err(); err != nil {
		err.(*samspil.Error).Code = samspil.ECONFLICT
		return err
	}
	return nil
}

func (tx *Tx) writePopulations(orgID string, ps []samspil.Population) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM organization_populations WHERE organization_id = $1`, orgID); err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO organization_populations (organization_id, year, inhabitants) VALUES ($1, $2, $3)`,
			orgID, p.Year, p.Inhabitants); err != nil {
			return err
		}
	}
	return nil
}

// UpdateOrganization changes an organisation's details. Administrators of the
// organisation may change them; only platform operators may change its
// municipality code.
func (db *DB) UpdateOrganization(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.OrganizationPatch) (*samspil.Organization, error) {
	var after samspil.Organization
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findOrg(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermOrgUpdate, before.ID, before.Name); err != nil {
			return err
		}
		if p.MunicipalityCode != nil && *p.MunicipalityCode != before.MunicipalityCode && !actor.IsOperator() {
			return samspil.Errorf(samspil.EFORBIDDEN, "only platform operators may change a municipality code")
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after = p.Apply(*before)
		after.Name = strings.TrimSpace(after.Name)
		samspil.SortPopulation(after.Population)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := tx.checkOrgUnique(&after); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		err = tx.execVersioned("organizations", "organization", after.ID, before.Version, `UPDATE organizations SET name = $1, name_fold = $2, municipality_code = $3, cvr = $4,
			region = $5, visibility = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10`,
			after.Name, samspil.Fold(after.Name), nullString(after.MunicipalityCode), nullString(after.CVR),
			nullString(after.Region), string(after.Visibility), after.Version, tx.now, after.ID, before.Version)
		if err != nil {
			return err
		}
		if p.Population != nil {
			if err := tx.writePopulations(after.ID, after.Population); err != nil {
				return err
			}
		}
		return tx.Audit(auditEntry{OrgID: after.ID, Action: "organization.update", ObjectType: "organization", ObjectID: after.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// resolveOrgID turns a municipality code into its organisation's ID; other
// values are returned unchanged. Filters resolve the code first, so that
// they compare one indexed column instead of joining organizations.
func resolveOrgID(ctx context.Context, qr querier, id string) (string, error) {
	if !reDigits4.MatchString(id) {
		return id, nil
	}
	var out string
	err := qr.QueryRowContext(ctx, `SELECT id FROM organizations WHERE country = 'DK' AND municipality_code = $1`, id).Scan(&out)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	return out, err
}

// The organisation search: ListOrganizations with a query and Search's
// organisations select
//
//	SELECT ... FROM organizations o WHERE <visibility and filters>
//	    AND (o.name_fold LIKE '%text%' OR o.municipality_code = text OR o.cvr = text)
//	    ORDER BY o.name_fold, o.id LIMIT n
//
// and searchOrganizations finds those rows without reading every
// organisation. The codes are looked up in their indexes. The names come in
// name order from one of two sources, whichever costs less:
//
//   - the walk reads the name index (organizations_name) in order and keeps
//     the names that contain the text. It is cheap when matches come early
//     in that order, and reads every name when there are none.
//   - the substring index finds the names that contain the text wherever
//     they are. On PostgreSQL it is the trigram index of 00012 or, for a
//     text without three letters or digits in a row, the one- and
//     two-character grams of 00015; the names found are sorted, so it is
//     cheap when few match. On SQLite it is the FTS5 trigram table of
//     00015, whose keys follow name order (but for a few, sorted apart):
//     it gives the names in order and reads about as many as it gives.
//
// Names are often alike at the start ("Commune de ...", "Gemeinde ..."), so
// the matches of a text may all sit late in name order: neither how many
// match nor where follows from the text. A sample of every organisation's
// name in name order (orgSample) estimates both, and the walk is given a
// bound at which the index takes over, so that a wrong estimate costs at
// most about twice the walk expected. SQLite asks the sample only for one-
// or two-character texts, whose index lists the trigrams that begin with
// them first. Every name either source gives is checked with the query's
// own LIKE (strpos on PostgreSQL, which is the same test there) and the
// rows with the visibility and filters, so the rows, their order and the
// pages are those of the query above.

// orgKey is an organisation's place in name order: by folded name, then id.
type orgKey struct{ name, id string }

func (k orgKey) compare(o orgKey) int {
	if c := strings.Compare(k.name, o.name); c != 0 {
		return c
	}
	return strings.Compare(k.id, o.id)
}

func scanOrgKey(r rowScanner) (orgKey, error) {
	var k orgKey
	err := r.Scan(&k.name, &k.id)
	return k, err
}

// clone returns a copy of q that conditions can be added to.
func (q query) clone() query {
	return query{where: slices.Clone(q.where), args: slices.Clone(q.args)}
}

// orgAfter adds the condition that an organisation of table alias a comes
// after k in name order (none when k is nil).
func orgAfter(q *query, a string, k *orgKey) {
	if k != nil {
		q.cond("(" + a + ".name_fold, " + a + ".id) > (" + q.arg(k.name) + ", " + q.arg(k.id) + ")")
	}
}

// orgIDsIn adds the condition that o.id is one of ids. The list is padded
// to a power of two with its last id, so that lists of different lengths
// share a few statements.
func orgIDsIn(q *query, ids []string) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	padded := slices.Grow(slices.Clone(ids), n-len(ids))
	for len(padded) < n {
		padded = append(padded, ids[len(ids)-1])
	}
	q.cond("o.id IN " + q.in(padded))
}

// searchOrganizations returns the ids of the first n organisations after
// `after` (nil: from the first) in name order that meet base's conditions
// on organizations o and whose folded name contains text (folded, not
// empty) or whose municipality code or CVR number is text.
func (db *DB) searchOrganizations(ctx context.Context, base query, text string, after *orgKey, n int) ([]string, error) {
	cq := base.clone()
	t := cq.arg(text)
	cq.cond("o.municipality_code = " + t + " OR o.cvr = " + t)
	orgAfter(&cq, "o", after)
	codes, err := db.orgKeys(ctx, "SELECT o.name_fold, o.id FROM organizations o"+cq.whereSQL()+
		" ORDER BY o.name_fold, o.id LIMIT "+cq.arg(n), cq.args)
	if err != nil {
		return nil, err
	}

	src := db.orgNames(ctx, text, after, n)
	var names []orgKey
	for want := n; len(names) < n; want = min(2*want, 4096) {
		batch, more, err := src.next(ctx, want)
		if err != nil {
			return nil, err
		}
		if len(batch) > 0 {
			// The names found that meet the conditions, in their order.
			fq := base.clone()
			orgIDsIn(&fq, keyIDs(batch))
			met, err := db.orgKeys(ctx, "SELECT o.name_fold, o.id FROM organizations o"+fq.whereSQL()+
				" ORDER BY o.name_fold, o.id", fq.args)
			if err != nil {
				return nil, err
			}
			names = append(names, met...)
		}
		if !more {
			break
		}
	}

	// Both lists are in name order; an organisation may be in both.
	var ids []string
	for i, j := 0, 0; len(ids) < n && (i < len(names) || j < len(codes)); {
		var k orgKey
		switch {
		case j == len(codes) || i < len(names) && names[i].compare(codes[j]) < 0:
			k, i = names[i], i+1
		case i == len(names) || codes[j].compare(names[i]) < 0:
			k, j = codes[j], j+1
		default:
			k, i, j = names[i], i+1, j+1
		}
		ids = append(ids, k.id)
	}
	return ids, nil
}

// orgKeys runs a query of the organisation search that selects a name
// and an ID, and returns them.
func (db *DB) orgKeys(ctx context.Context, sqlText string, args []any) ([]orgKey, error) {
	rows, err := db.read.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOrgKey)
}

func keyIDs(keys []orgKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	return ids
}

// orgNameSource gives, batch by batch in name order, the organisations
// after a place whose folded name contains a text: first by walking the
// name index up to a bound, then through the substring index.
type orgNameSource struct {
	db         *DB
	text, like string
	pos        *orgKey // the last organisation given
	walk       bool    // walking the name index
	walkRows   int     // when > 0, the bound is this many organisations on
	bound      *orgKey // the walk stops here (nil: at the end)
	index      bool    // the substring index may serve the text
	match      string  // SQLite: the FTS query, once made
	gram       string  // PostgreSQL: the trigram whose names are read, once chosen
	posKey     int64   // SQLite: the key of the last name in key order at or before pos
	keyed      bool    // SQLite: posKey is that of pos
	sample     *orgSample
	done       bool
}

// The walk's bound without a sample, and the cost of the index in
// organisations walked: once per search, and per name it finds (PostgreSQL
// reads and sorts them all; SQLite, for one or two characters, counts
// them as it lists the trigrams that begin with the text).
const (
	orgWalkUnsampled  = 4096
	orgIndexOverhead  = 200
	orgSQLiteNameCost = 1.5
	orgPGNameCost     = 5
)

// orgNames returns the source of the names containing text after `after`,
// for a search that needs n of them (or more, when some do not meet the
// conditions).
func (db *DB) orgNames(ctx context.Context, text string, after *orgKey, n int) *orgNameSource {
	s := &orgNameSource{db: db, text: text, like: likeContains(text), pos: after, walk: true, index: true}
	if strings.ContainsRune(text, 0) {
		// The engines' LIKE and the indexes disagree about NUL; walk.
		s.index = false
		return s
	}
	if w := db.orgSearch.walkRows.Load(); w != 0 { // tests choose the source
		s.walk, s.walkRows = w > 0, int(w)
		return s
	}
	s.sample = db.currentOrgSample()
	if utf8.RuneCountInString(text) >= 3 {
		// The index gives the names holding one of the text's trigrams
		// in name order (SQLite's FTS index, PostgreSQL's
		// organization_name_trigrams): it reads about as many as it
		// gives, however many match.
		s.walk = false
		return s
	}
	if s.sample == nil {
		s.walkRows = orgWalkUnsampled
		return s
	}
	cost := float64(orgPGNameCost)
	if db.engine == SQLite {
		cost = orgSQLiteNameCost
	}
	s.walk, s.bound = s.sample.plan(text, after, n, cost)
	return s
}

// next returns up to k more names in name order, and whether there may be
// more after them.
func (s *orgNameSource) next(ctx context.Context, k int) ([]orgKey, bool, error) {
	for !s.done {
		if !s.walk {
			keys, err := s.fromIndex(ctx, k)
			if err != nil {
				return nil, false, err
			}
			if len(keys) < k {
				s.done = true
				return keys, false, nil
			}
			s.pos = &keys[k-1]
			return keys, true, nil
		}
		if s.walkRows > 0 {
			bound, err := s.orgAhead(ctx, s.walkRows)
			if err != nil {
				return nil, false, err
			}
			s.bound, s.walkRows = bound, 0
		}
		keys, err := s.fromWalk(ctx, k)
		if err != nil {
			return nil, false, err
		}
		if len(keys) == k {
			s.pos = &keys[k-1]
			return keys, true, nil
		}
		// The walk reached its bound or the end.
		if s.bound == nil || !s.index {
			s.done = true
			return keys, false, nil
		}
		s.walk, s.pos, s.keyed = false, s.bound, false
		if len(keys) > 0 {
			return keys, true, nil
		}
	}
	return nil, false, nil
}

// orgAhead returns the place of the organisation w on from s.pos in name
// order, or nil when there are fewer.
func (s *orgNameSource) orgAhead(ctx context.Context, w int) (*orgKey, error) {
	var q query
	orgAfter(&q, "o", s.pos)
	k, err := scanOrgKey(s.db.read.QueryRowContext(ctx, "SELECT o.name_fold, o.id FROM organizations o"+q.whereSQL()+
		" ORDER BY o.name_fold, o.id LIMIT 1 OFFSET "+q.arg(w-1), q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// fromWalk reads up to k names containing the text from the name index,
// after s.pos and up to s.bound. Only the index's columns are read, and
// on PostgreSQL strpos, which no index serves, keeps the planner from
// reaching for the trigram index instead.
func (s *orgNameSource) fromWalk(ctx context.Context, k int) ([]orgKey, error) {
	var q query
	orgAfter(&q, "o", s.pos)
	if s.bound != nil {
		q.cond("(o.name_fold, o.id) <= (" + q.arg(s.bound.name) + ", " + q.arg(s.bound.id) + ")")
	}
	if s.db.engine == SQLite {
		q.cond("o.name_fold LIKE " + q.arg(s.like) + ` ESCAPE '\'`)
	} else {
		q.cond("strpos(o.name_fold, " + q.arg(s.text) + ") > 0")
	}
	return s.db.orgKeys(ctx, "SELECT o.name_fold, o.id FROM organizations o"+q.whereSQL()+
		" ORDER BY o.name_fold, o.id LIMIT "+q.arg(k), q.args)
}

// fromIndex reads up to k names containing the text after s.pos through
// the substring index.
func (s *orgNameSource) fromIndex(ctx context.Context, k int) ([]orgKey, error) {
	if s.db.engine == SQLite {
		return s.fromFTS(ctx, k)
	}
	if utf8.RuneCountInString(s.text) >= 3 {
		return s.fromTrigrams(ctx, k)
	}
	// One or two characters: the names whose one- and two-character
	// substrings hold the text's. strpos, not LIKE: for a LIKE the
	// planner may also read the trigram index, which for such a text
	// holds every name.
	var q query
	q.cond("organization_name_grams(o.name_fold) @> " + q.arg(bigrams(s.text)) + "::text[]")
	q.cond("strpos(o.name_fold, " + q.arg(s.text) + ") > 0")
	orgAfter(&q, "o", s.pos)
	// OFFSET 0 keeps the planner from walking the name index for the
	// ORDER BY: the walk is the other source.
	return s.db.orgKeys(ctx, "SELECT name_fold, id FROM (SELECT o.name_fold, o.id FROM organizations o"+q.whereSQL()+
		" OFFSET 0) m ORDER BY name_fold, id LIMIT "+q.arg(k), q.args)
}

// fromTrigrams reads up to k names containing the text (of three or more
// characters) after s.pos on PostgreSQL: from the names holding the
// rarest of its trigrams in the sample, in name order from s.pos on
// (organization_name_trigrams' primary key), those holding the whole
// text.
func (s *orgNameSource) fromTrigrams(ctx context.Context, k int) ([]orgKey, error) {
	if s.gram == "" {
		s.gram = s.sample.rarest(trigrams(s.text), 1)[0]
	}
	var q query
	q.cond("t.gram = " + q.arg(s.gram))
	orgAfter(&q, "t", s.pos)
	q.cond("strpos(t.name_fold, " + q.arg(s.text) + ") > 0")
	return s.db.orgKeys(ctx, "SELECT t.name_fold, t.id FROM organization_name_trigrams t"+q.whereSQL()+
		" ORDER BY t.name_fold, t.id LIMIT "+q.arg(k), q.args)
}

// fromFTS reads up to k names containing the text after s.pos through
// SQLite's FTS index: those with positive keys in key order, which is name
// order, from the key of s.pos on, and those with negative keys sorted.
func (s *orgNameSource) fromFTS(ctx context.Context, k int) ([]orgKey, error) {
	if s.match == "" {
		m, err := s.ftsMatch(ctx)
		if err != nil || m == "" {
			return nil, err
		}
		s.match = m
	}
	if !s.keyed {
		s.posKey = 0
		if s.pos != nil {
			err := s.db.read.QueryRowContext(ctx, "SELECT search_id FROM organization_search WHERE search_id > 0"+
				" AND (name_fold, id) <= ($1, $2) ORDER BY name_fold DESC, id DESC LIMIT 1", s.pos.name, s.pos.id).Scan(&s.posKey)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
		}
		s.keyed = true
	}
	type found struct {
		orgKey
		searchID int64
	}
	scan := func(r rowScanner) (found, error) {
		var f found
		err := r.Scan(&f.name, &f.id, &f.searchID)
		return f, err
	}
	read := func(cond string, arg any, order string) ([]found, error) {
		var q query
		q.cond("organization_search_fts MATCH " + q.arg(s.match))
		q.cond(cond + q.arg(arg))
		q.cond("s.name_fold LIKE " + q.arg(s.like) + ` ESCAPE '\'`)
		orgAfter(&q, "s", s.pos)
		rows, err := s.db.read.QueryContext(ctx, "SELECT s.name_fold, s.id, s.search_id FROM organization_search_fts"+
			" CROSS JOIN organization_search s ON s.search_id = organization_search_fts.rowid"+q.whereSQL()+
			" ORDER BY "+order+" LIMIT "+q.arg(k), q.args...)
		if err != nil {
			return nil, err
		}
		return collect(rows, scan)
	}
	ordered, err := read("organization_search_fts.rowid > ", s.posKey, "organization_search_fts.rowid")
	if err != nil {
		return nil, err
	}
	loose, err := read("organization_search_fts.rowid < ", 0, "s.name_fold, s.id")
	if err != nil {
		return nil, err
	}
	var keys []orgKey
	for i, j := 0, 0; len(keys) < k && (i < len(ordered) || j < len(loose)); {
		if j == len(loose) || i < len(ordered) && ordered[i].compare(loose[j].orgKey) < 0 {
			keys, s.posKey, i = append(keys, ordered[i].orgKey), ordered[i].searchID, i+1
		} else {
			keys, j = append(keys, loose[j].orgKey), j+1
		}
	}
	return keys, nil
}

// ftsMatch returns the FTS5 query that finds at least every name holding
// the text, or "" when no name holds it. For three or more characters it
// asks for the two rarest of the text's trigrams (in the sample); for one
// or two, for the indexed trigrams that begin with the text.
func (s *orgNameSource) ftsMatch(ctx context.Context) (string, error) {
	quote := func(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }
	if grams := trigrams(s.text); len(grams) > 0 {
		grams = s.sample.rarest(grams, 2)
		for i := range grams {
			grams[i] = quote(grams[i])
		}
		return strings.Join(grams, " AND "), nil
	}
	rows, err := s.db.read.QueryContext(ctx, "SELECT term FROM organization_search_terms WHERE term >= $1 AND term < $2",
		s.text, s.text+"\xff")
	if err != nil {
		return "", err
	}
	terms, err := collect(rows, func(r rowScanner) (string, error) {
		var t string
		err := r.Scan(&t)
		return quote(t), err
	})
	return strings.Join(terms, " OR "), err
}

// trigrams returns the distinct trigrams of text (by character), in order.
func trigrams(text string) []string {
	r := []rune(text)
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		if g := string(r[i : i+3]); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// bigrams returns the distinct one-character text, or the two-character
// substrings of a longer one: a name whose grams (organization_name_grams)
// hold them all may contain the text.
func bigrams(text string) []string {
	r := []rune(text)
	if len(r) == 1 {
		return []string{text}
	}
	var out []string
	for i := 0; i+2 <= len(r); i++ {
		if g := string(r[i : i+2]); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// orgSample is every step-th organisation in name order: enough to estimate
// how many names contain a text and where the first of them are.
type orgSample struct {
	taken time.Time
	step  int
	keys  []orgKey
	grams map[string]int // sample names by trigram, as the engine's index holds them
}

// orgSearchState is the organisation search's state in a DB.
type orgSearchState struct {
	sample   atomic.Pointer[orgSample]
	sampling atomic.Bool
	// background counts the sampler running, so that Close can cancel it
	// (stop) and wait for it: a sampler left running after Close keeps the
	// database's files open.
	background sync.WaitGroup
	stopOnce   sync.Once // makes stopped
	closeOnce  sync.Once // closes it
	stopped    chan struct{}
	walkRows   atomic.Int64 // tests: > 0 walk this far, then the index; < 0 the index only
}

const (
	orgSampleSize   = 2048
	orgSampleMaxAge = 5 * time.Minute
)

// StartOrgSearch takes the organisation search's sample of names in the
// background, as a server does once it has started: otherwise the first
// search starts it, and the searches made while it is taken go without
// it and share the database with it.
func (db *DB) StartOrgSearch() { db.currentOrgSample() }

// currentOrgSample returns the sample, or nil before the first is taken.
// When it is missing or old, a new one is taken in the background.
func (db *DB) currentOrgSample() *orgSample {
	s := db.orgSearch.sample.Load()
	select {
	case <-db.orgSearch.stop():
		return s // closed: no more background work
	default:
	}
	if (s == nil || time.Since(s.taken) > orgSampleMaxAge) && db.orgSearch.sampling.CompareAndSwap(false, true) {
		db.orgSearch.background.Add(1)
		go func() {
			defer db.orgSearch.background.Done()
			defer db.orgSearch.sampling.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			go func() {
				select {
				case <-db.orgSearch.stop():
					cancel()
				case <-ctx.Done():
				}
			}()
			if s, err := db.takeOrgSample(ctx); err == nil {
				db.orgSearch.sample.Store(s)
			}
		}()
	}
	return s
}

// stop returns the channel Close closes to cancel the sampler.
func (o *orgSearchState) stop() chan struct{} {
	o.stopOnce.Do(func() { o.stopped = make(chan struct{}) })
	return o.stopped
}

// stopBackground cancels a sampler in progress and waits for it.
func (o *orgSearchState) stopBackground() {
	o.closeOnce.Do(func() { close(o.stop()) })
	o.background.Wait()
}

// takeOrgSample reads the sample. It reads every organisation's name by
// design, once in a while and in the background, so it bypasses the read
// tracer, which tests use to find queries that read whole tables.
func (db *DB) takeOrgSample(ctx context.Context) (*orgSample, error) {
	var n int
	if err := db.read.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations").Scan(&n); err != nil {
		return nil, err
	}
	s := &orgSample{taken: time.Now(), step: max(1, (n+orgSampleSize-1)/orgSampleSize)}
	rows, err := db.read.DB.QueryContext(ctx, "SELECT name_fold, id FROM (SELECT name_fold, id, ROW_NUMBER() OVER (ORDER BY name_fold, id) AS n"+
		" FROM organizations) r WHERE n % $1 = 0 ORDER BY name_fold, id", s.step)
	if err != nil {
		return nil, err
	}
	if s.keys, err = collect(rows, scanOrgKey); err != nil {
		return nil, err
	}
	// The trigrams as each engine's index holds them: SQLite's FTS
	// tokenizer lowers ASCII letters, PostgreSQL's table the folded name.
	s.grams = map[string]int{}
	for _, k := range s.keys {
		name := k.name
		if db.engine == SQLite {
			name = asciiLower(name)
		}
		for _, g := range trigrams(name) {
			s.grams[g]++
		}
	}
	return s, nil
}

// asciiLower is SQLite's lower(): ASCII letters only.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// plan tells whether to walk the name index for the first n names holding
// text after `after`, and up to where; or (walk false) to go to the
// substring index at once. nameCost is what the index costs per name it
// finds, in organisations walked.
func (s *orgSample) plan(text string, after *orgKey, n int, nameCost float64) (walk bool, bound *orgKey) {
	j := 0
	if after != nil {
		j = sort.Search(len(s.keys), func(i int) bool { return s.keys[i].compare(*after) > 0 })
	}
	need := (n+s.step-1)/s.step + 1    // sample names standing for n names, and one more
	found, reach := 0, len(s.keys)-j+1 // sample names the walk passes
	for i := j; i < len(s.keys); i++ {
		if strings.Contains(s.keys[i].name, text) {
			if found++; found == need {
				reach = i - j + 1
			}
		}
	}
	walkRows := float64(reach * s.step)
	indexRows := nameCost*(float64(found)+0.5)*float64(s.step) + orgIndexOverhead
	if indexRows < walkRows {
		return false, nil
	}
	if b := j + 2*reach; b < len(s.keys) {
		return true, &s.keys[b]
	}
	return true, nil
}

// rarest returns up to k of grams, the rarest in the sample first; without
// a sample, the first and the last.
func (s *orgSample) rarest(grams []string, k int) []string {
	if len(grams) <= k {
		return grams
	}
	if s == nil {
		return []string{grams[0], grams[len(grams)-1]}
	}
	sorted := slices.Clone(grams)
	slices.SortStableFunc(sorted, func(a, b string) int { return s.grams[a] - s.grams[b] })
	return sorted[:k]
}
