package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Running a collaboration from its page: its managers (the secretariat and
// the chair) add members, change memberships, record adjustments of the
// working form, keep the founding documents and edit the details. The
// forms are only shown to them; the store decides who may change what.
//
// Several forms share the page, so each form's field errors are renamed to
// "<form>.<field>", which is also the id of its input without "f-" (the
// error summary of the layout links to #f-<path>).

// The keys of the forms on a collaboration's page; a membership's own form
// is changeForm(member ID).
const (
	formInvite     = "invite"
	formAdjustment = "adjustment"
	formDocument   = "document"
	formDetails    = "details"
	formChairs     = "chairs"
)

// leaveForm is the key of the form with which a member leaves.
func leaveForm(memberID string) string { return "leave-" + memberID }

// answerForm is the key of the form that answers an invitation or an
// adjustment for one organisation.
func answerForm(objectID, orgID string) string { return "answer-" + objectID + "-" + orgID }

// maxDocumentPost caps the post of the documents form: the file and the
// rest of the form.
const maxDocumentPost = samspil.MaxDocumentBytes + MaxFormBytes

// memoryForUploads is how much of a multipart form is kept in memory while
// it is parsed; the rest of a file waits on disk until it is read (with a
// cap) for the store.
const memoryForUploads = 1 << 20

// joinKinds are the kinds of organisations offered as new members.
var joinKinds = []samspil.OrgKind{samspil.KindMunicipality, samspil.KindRegion, samspil.KindCommunity}

// orgGroup is one kind of organisation in the select of new members.
type orgGroup struct {
	Kind samspil.OrgKind
	Orgs []samspil.Organization
}

// adjustmentView is an adjustment with the names of what it changes.
type adjustmentView struct {
	samspil.Adjustment
	Changes     []commitmentView
	RoleChanges []roleView
	Stopped     []string // the forums it discontinues
}

// roleView is a member's new role in an adjustment.
type roleView struct {
	Name string
	Role samspil.MemberRole
}

// commitmentView is a member's new commitment in an adjustment.
type commitmentView struct {
	Name       string
	Commitment samspil.Commitment
}

// memberEventRow is one change of a membership in the page's history; a
// joining has its role and commitment apart.
type memberEventRow struct {
	samspil.MemberEvent
	Role, Commitment string
	ReasonKey        string // for a reason the store wrote itself, its key under member_reason., else ""
}

// storeReasons are the reasons the store records itself, with their
// catalogue keys; people's own reasons are shown as they wrote them.
var storeReasons = map[string]string{
	samspil.ReasonFounding: "founding",
	samspil.ReasonAccepted: "accepted",
}

// chairBlankRows is how many empty rows the chair rotation form offers
// after the terms it holds.
const chairBlankRows = 3

// maxChairRows caps the rows of the chair rotation form that a post is
// read for; the form never has that many.
const maxChairRows = 500

// chairOrg is an organisation the chair rotation form offers.
type chairOrg struct {
	ID, Name string
}

// chairRow is one row of the chair rotation form: the suffix of its fields
// ("from.2"), its number for people, and what it shows.
type chairRow struct {
	Key              string
	Num              int
	Org, From, Until string
}

// FormFor returns what the form key shows: what it posted when it is the
// open one, else its defaults.
func (d collaborationData) FormFor(key string) url.Values {
	if d.Open == key && d.Form != nil {
		return d.Form
	}
	return d.defaults[key]
}

// Adjustable returns the current members whose commitment an adjustment
// may change, one row per organisation, in the page's order.
func (d collaborationData) Adjustable() []samspil.Member { return adjustable(d.Current) }

// ChairRows returns the rows of the chair rotation form: the terms, or
// what was posted, and the empty rows.
func (d collaborationData) ChairRows() []chairRow {
	f := d.FormFor(formChairs)
	rows := make([]chairRow, chairRowCount(f))
	for i := range rows {
		k := strconv.Itoa(i)
		rows[i] = chairRow{Key: k, Num: i + 1, Org: f.Get("organization_id." + k), From: f.Get("from." + k), Until: f.Get("until." + k)}
	}
	return rows
}

// ChairToday reports whether term t holds today.
func (d collaborationData) ChairToday(t samspil.ChairTerm) bool {
	return samspil.ChairOn([]samspil.ChairTerm{t}, nil, d.Today) != ""
}

// chairRowCount returns how many rows a chair rotation form has: one past
// the highest row number of its fields.
func chairRowCount(f url.Values) int {
	n := 0
	for key := range f {
		_, num, ok := strings.Cut(key, ".")
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(num); err == nil && i >= 0 && i < maxChairRows && i >= n {
			n = i + 1
		}
	}
	return n
}

// ChairOrgs returns the organisations a chair term may name: the members,
// past and present, and any organisation the terms already name.
func (d collaborationData) ChairOrgs() []chairOrg {
	var out []chairOrg
	seen := map[string]bool{}
	for _, m := range d.C.Members {
		if !seen[m.OrganizationID] {
			seen[m.OrganizationID] = true
			out = append(out, chairOrg{ID: m.OrganizationID, Name: m.OrganizationName})
		}
	}
	for _, t := range d.Chairs {
		if !seen[t.OrganizationID] {
			seen[t.OrganizationID] = true
			out = append(out, chairOrg{ID: t.OrganizationID, Name: t.OrganizationName})
		}
	}
	return out
}

func adjustable(current []samspil.Member) []samspil.Member {
	var out []samspil.Member
	seen := map[string]bool{}
	for _, m := range current {
		if !seen[m.OrganizationID] {
			seen[m.OrganizationID] = true
			out = append(out, m)
		}
	}
	return out
}

// isCurrent reports whether a membership holds today or starts later.
func isCurrent(m *samspil.Member, today samspil.Date) bool {
	return m.ActiveOn(today) || m.Since.After(today)
}

// currentMembers returns the memberships that hold today or start later.
func currentMembers(c *samspil.Collaboration, today samspil.Date) []samspil.Member {
	var out []samspil.Member
	for i := range c.Members {
		if isCurrent(&c.Members[i], today) {
			out = append(out, c.Members[i])
		}
	}
	return out
}

// memberName returns the name of a member organisation, or its ID.
func memberName(c *samspil.Collaboration, orgID string) string {
	for _, m := range c.Members {
		if m.OrganizationID == orgID {
			return m.OrganizationName
		}
	}
	return orgID
}

// adjustmentViews names the members and forums of adjustments.
func adjustmentViews(c *samspil.Collaboration, adjs []samspil.Adjustment, forums []samspil.Forum) []adjustmentView {
	names := map[string]string{}
	for _, f := range forums {
		names[f.ID] = f.Name
	}
	out := make([]adjustmentView, 0, len(adjs))
	for _, a := range adjs {
		v := adjustmentView{Adjustment: a}
		for _, cc := range a.Commitments {
			v.Changes = append(v.Changes, commitmentView{Name: memberName(c, cc.OrganizationID), Commitment: cc.Commitment})
		}
		for _, rc := range a.Roles {
			v.RoleChanges = append(v.RoleChanges, roleView{Name: memberName(c, rc.OrganizationID), Role: rc.Role})
		}
		for _, id := range a.DiscontinuedForums {
			if n, ok := names[id]; ok {
				v.Stopped = append(v.Stopped, n)
			}
		}
		out = append(out, v)
	}
	return out
}

// memberEventRows prepares the membership history; a joining is recorded
// as "role/commitment".
func memberEventRows(events []samspil.MemberEvent) []memberEventRow {
	out := make([]memberEventRow, 0, len(events))
	for _, e := range events {
		row := memberEventRow{MemberEvent: e, ReasonKey: storeReasons[e.Reason]}
		if e.Kind == samspil.MemberJoined {
			row.Role, row.Commitment, _ = strings.Cut(e.To, "/")
		}
		out = append(out, row)
	}
	return out
}

// orgGroups returns the organisations that may join a collaboration, by
// kind, leaving out those in skip.
func (w *Web) orgGroups(ctx context.Context, actor *samspil.Actor, skip map[string]bool) ([]orgGroup, error) {
	var out []orgGroup
	for _, kind := range joinKinds {
		orgs, err := allPages(func(cursor string) (*samspil.Page[samspil.Organization], error) {
			return w.store.ListOrganizations(ctx, actor, samspil.OrganizationFilter{Kind: kind,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			return nil, err
		}
		g := orgGroup{Kind: kind}
		for _, o := range orgs {
			if !skip[o.ID] {
				g.Orgs = append(g.Orgs, o)
			}
		}
		if len(g.Orgs) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// manageChoices fills in what the managers' forms offer and their
// defaults.
func (w *Web) manageChoices(ctx context.Context, actor *samspil.Actor, d *collaborationData, forums []samspil.Forum) error {
	c := d.C
	d.Roles, d.Commitments, d.Exclusivities = samspil.MemberRoles, samspil.Commitments, samspil.Exclusivities
	d.LegalForms, d.Rules, d.CostKeys = samspil.LegalForms, samspil.DecisionRules, samspil.CostKeys
	d.Visibilities, d.DocKinds = samspil.Visibilities, samspil.DocumentKinds
	d.Forums = forums
	for _, f := range forums {
		if f.Status == samspil.ForumActive {
			d.ActiveForums = append(d.ActiveForums, f)
		}
	}
	members := map[string]bool{}
	for _, m := range d.Current {
		members[m.OrganizationID] = true
	}
	for _, inv := range d.Invitations {
		if inv.Status == samspil.InvitationPending {
			members[inv.OrganizationID] = true
		}
	}
	var err error
	if d.Orgs, err = w.orgGroups(ctx, actor, members); err != nil {
		return err
	}
	today := d.Today.String()
	end := ""
	if c.End != nil {
		end = c.End.String()
	}
	d.defaults = map[string]url.Values{
		formInvite:     {"role": {string(samspil.MemberRoleMember)}, "commitment": {string(samspil.CommitmentBinding)}, "since": {today}},
		formAdjustment: {"effective_on": {today}},
		formDocument:   {"kind": {string(samspil.DocOther)}},
		formDetails: {"name": {c.Name}, "purpose": {c.Purpose}, "end": {end}, "legal_form": {string(c.LegalForm)},
			"decision_rule": {string(c.DecisionRule)}, "cost_key": {string(c.CostKey)}, "visibility": {string(c.Visibility)}},
	}
	chairs := url.Values{}
	for i := range len(d.Chairs) + chairBlankRows {
		k := strconv.Itoa(i)
		chairs.Set("organization_id."+k, "")
		if i < len(d.Chairs) {
			t := d.Chairs[i]
			chairs.Set("organization_id."+k, t.OrganizationID)
			chairs.Set("from."+k, t.From.String())
			if t.Until != nil {
				chairs.Set("until."+k, t.Until.String())
			}
		}
	}
	d.defaults[formChairs] = chairs
	return nil
}

// collabFormFailed answers a failed post of a form on a collaboration's
// page and reports whether it did: what the form said wrong shows the page
// again with the form open and its messages at its fields; anything else
// (not found, forbidden) is an error page. Nothing is answered for a nil
// err.
func (w *Web) collabFormFailed(rw http.ResponseWriter, r *http.Request, err error, form string) bool {
	if err == nil {
		return false
	}
	if inputError(err) || samspil.ErrorCode(err) == samspil.ETOOLARGE {
		err = renameFields(err, func(path string) string { return form + "." + path })
		w.showCollaboration(rw, r, httpx.Status(err), err, form, r.PostForm)
		return true
	}
	w.fail(rw, r, err)
	return true
}

// collabPath is the page of the collaboration a post is about.
func collabPath(r *http.Request) string { return "/collaborations/" + r.PathValue("id") }

// reAdjustmentPath matches the store's paths of an adjustment's lists.
var reAdjustmentPath = regexp.MustCompile(`^(commitments|roles|discontinued_forum_ids)\[(\d+)\]`)

// adjustmentFields renames the store's paths of an adjustment
// (commitments[1].commitment, roles[0].role, discontinued_forum_ids[0]) to
// the fields of the form: the commitment or role select of that
// organisation, the checkbox of that forum.
func adjustmentFields(err error, orgs, roleOrgs, forums []string) error {
	return renameFields(err, func(path string) string {
		m := reAdjustmentPath.FindStringSubmatch(path)
		if m == nil {
			return path
		}
		i, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "commitments" && i < len(orgs):
			return "commitment." + orgs[i]
		case m[1] == "roles" && i < len(roleOrgs):
			return "role." + roleOrgs[i]
		case m[1] == "discontinued_forum_ids" && i < len(forums):
			return "forum." + forums[i]
		}
		return m[1]
	})
}

// proposeAdjustment proposes an adjustment of the working form; it takes
// effect once the members whose terms it changes have approved it, with all
// its effects or none.
func (w *Web) proposeAdjustment(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.AdjustmentInput{Title: f.Get("title"), Summary: strings.TrimSpace(f.Get("summary")),
		Exclusivity: samspil.Exclusivity(f.Get("exclusivity")), StrategyNote: strings.TrimSpace(f.Get("strategy_note"))}
	if on := formDate(&v, r, "effective_on"); on != nil {
		in.EffectiveOn = *on
	}
	var orgs, roleOrgs []string
	for _, m := range adjustable(currentMembers(c, samspil.Today(w.now()))) {
		if s := f.Get("commitment." + m.OrganizationID); s != "" {
			in.Commitments = append(in.Commitments, samspil.CommitmentChange{OrganizationID: m.OrganizationID, Commitment: samspil.Commitment(s)})
			orgs = append(orgs, m.OrganizationID)
		}
		if s := f.Get("role." + m.OrganizationID); s != "" {
			in.Roles = append(in.Roles, samspil.RoleChange{OrganizationID: m.OrganizationID, Role: samspil.MemberRole(s)})
			roleOrgs = append(roleOrgs, m.OrganizationID)
		}
	}
	for _, id := range f["forum"] {
		if id != "" {
			in.DiscontinuedForums = append(in.DiscontinuedForums, id)
		}
	}
	err = v.Err()
	if err == nil {
		_, err = w.store.ProposeAdjustment(ctx, actor, c.ID, in)
	}
	if w.collabFormFailed(rw, r, adjustmentFields(err, orgs, roleOrgs, in.DiscontinuedForums), formAdjustment) {
		return
	}
	redirect(rw, r, collabPath(r)+"#adjustments", "adjustment_proposed")
}

// reChairPath matches the store's paths of a chair term.
var reChairPath = regexp.MustCompile(`^terms\[(\d+)\]\.(organization_id|from|until)$`)

// chairFields renames the store's paths of the chair terms
// (terms[1].from) to the fields of the form rows the terms came from
// (from.3): rows[i] is the row of the i-th term sent. The overlap of terms
// stays at "terms", the rows as a whole.
func chairFields(err error, rows []int) error {
	return renameFields(err, func(path string) string {
		m := reChairPath.FindStringSubmatch(path)
		if m == nil {
			return path
		}
		i, _ := strconv.Atoi(m[1])
		if i >= len(rows) {
			return "terms"
		}
		return m[2] + "." + strconv.Itoa(rows[i])
	})
}

// setChairTerms replaces the chair rotation with the rows of the form;
// empty rows are left out, and the store checks the terms.
func (w *Web) setChairTerms(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	terms := []samspil.ChairTerm{}
	var rows []int // the form row of each term
	for i := range chairRowCount(f) {
		k := strconv.Itoa(i)
		org := strings.TrimSpace(f.Get("organization_id." + k))
		if org == "" && strings.TrimSpace(f.Get("from."+k)) == "" && strings.TrimSpace(f.Get("until."+k)) == "" {
			continue
		}
		t := samspil.ChairTerm{OrganizationID: org}
		v.Check(org != "", "organization_id."+k, "is required")
		if from := formDate(&v, r, "from."+k); from != nil {
			t.From = *from
		}
		t.Until = formDate(&v, r, "until."+k)
		terms = append(terms, t)
		rows = append(rows, i)
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.SetChairTerms(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), terms)
	}
	if w.collabFormFailed(rw, r, chairFields(err, rows), formChairs) {
		return
	}
	redirect(rw, r, collabPath(r)+"#chairs", "chairs_saved")
}

// updateCollaboration changes the collaboration's details.
func (w *Web) updateCollaboration(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	name, purpose := f.Get("name"), strings.TrimSpace(f.Get("purpose"))
	legal, rule := samspil.LegalForm(f.Get("legal_form")), samspil.DecisionRule(f.Get("decision_rule"))
	key, vis := samspil.CostKey(f.Get("cost_key")), samspil.Visibility(f.Get("visibility"))
	p := samspil.CollaborationPatch{Name: &name, Purpose: &purpose, LegalForm: &legal, DecisionRule: &rule, CostKey: &key, Visibility: &vis}
	if end := formDate(&v, r, "end"); end != nil {
		p.End = end
	} else if strings.TrimSpace(f.Get("end")) == "" {
		p.End = &samspil.Date{} // an empty date clears it
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.UpdateCollaboration(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), p)
	}
	if w.collabFormFailed(rw, r, err, formDetails) {
		return
	}
	redirect(rw, r, collabPath(r), "collaboration_updated")
}

// addCollabDocument adds a founding document from the documents form: a
// link, or a file of at most samspil.MaxDocumentBytes. The route has its own
// body limit; a larger post is answered 413 with the message at the file.
func (w *Web) addCollabDocument(rw http.ResponseWriter, r *http.Request) {
	tooLarge := samspil.ErrorAt(samspil.ETOOLARGE, "file", "the file is larger than %d MiB", samspil.MaxDocumentBytes>>20)
	if r.ContentLength > maxDocumentPost {
		w.collabFormFailed(rw, r, tooLarge, formDocument)
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, maxDocumentPost)
	in, err := documentForm(r)
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		err = tooLarge
	case err != nil && samspil.ErrorCode(err) == samspil.EINTERNAL:
		w.fail(rw, r, samspil.Errorf(samspil.EINVALID, "the form could not be read"))
		return
	case err == nil:
		_, err = w.store.AddDocument(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.collabFormFailed(rw, r, err, formDocument) {
		return
	}
	redirect(rw, r, collabPath(r), "document_added")
}

// documentForm reads the documents form, a multipart form with the file or
// a plain one with a link. The file is read with a cap, so that memory
// stays bounded whatever the client says; a file over the limit is a field
// error.
func documentForm(r *http.Request) (samspil.DocumentInput, error) {
	var in samspil.DocumentInput
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	multipart := mt == "multipart/form-data"
	var err error
	if multipart {
		err = r.ParseMultipartForm(memoryForUploads)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
	} else {
		err = r.ParseForm()
	}
	if err == nil && multipart {
		// A multipart form is not checked as it is read (its file may
		// hold any bytes); its text fields are checked here.
		err = httpx.CheckValues("body", r.PostForm)
	}
	if err != nil {
		return in, err
	}
	f := r.PostForm
	in.Kind, in.Title, in.URL = samspil.DocumentKind(f.Get("kind")), f.Get("title"), strings.TrimSpace(f.Get("url"))
	if !multipart {
		return in, nil
	}
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return in, nil // a link
	}
	if err != nil {
		return in, err
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, samspil.MaxDocumentBytes+1))
	if err != nil {
		return in, err
	}
	if len(content) > samspil.MaxDocumentBytes {
		return in, samspil.ErrorAt(samspil.ETOOLARGE, "file", "the file is larger than %d MiB", samspil.MaxDocumentBytes>>20)
	}
	in.Content = content
	in.FileName = filepath.Base(strings.ReplaceAll(header.Filename, "\\", "/"))
	if in.FileName == "." || in.FileName == "/" {
		in.FileName = ""
	}
	if err := httpx.CheckValues("body", url.Values{"file": {in.FileName}}); err != nil {
		return in, err
	}
	ct, _, err := mime.ParseMediaType(header.Header.Get("Content-Type"))
	if err != nil || ct == "application/octet-stream" {
		// Browsers send what they know of the name; the download's type
		// comes from samspil.SafeDocumentType either way.
		ct, _, _ = mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(in.FileName)))
	}
	in.ContentType = ct
	return in, nil
}

// deleteCollabDocument removes a founding document.
func (w *Web) deleteCollabDocument(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	err := w.store.DeleteDocument(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("doc"))
	if w.collabFormFailed(rw, r, err, formDocument) {
		return
	}
	redirect(rw, r, collabPath(r), "document_deleted")
}

// collabDocument serves an uploaded founding document as an attachment,
// with a content type from an allow-list; whoever may see the
// collaboration may download it (the store decides).
func (w *Web) collabDocument(rw http.ResponseWriter, r *http.Request) {
	d, content, err := w.store.DocumentContent(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.FileName})
	if disposition == "" {
		disposition = "attachment"
	}
	h := rw.Header()
	h.Set("Content-Type", samspil.SafeDocumentType(d.ContentType))
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("Cache-Control", "private, no-store")
	rw.WriteHeader(http.StatusOK)
	rw.Write(content)
}
