package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/dkmap"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
)

// The grouping what-if ("Grupperinger – hvad nu hvis"): which
// municipalities would make sense together in a number of groups, under
// the reader's constraints, as one of the reader's organisations sees
// the facts. The form is a query (GET): asking changes nothing, so the
// answer has an address that can be kept, shared and opened again, like
// the filters of the lists; the engine's constraint errors show at their
// fields.

// groupingDefaultGroups is the number of groups the form starts with.
const groupingDefaultGroups = 5

// groupColours is how many colours the groups' classes cycle through
// (group-1 … group-10 in app.css); the numbers tell groups apart beyond.
const groupColours = 10

// minFixedRows is how many rows for fixed members the form offers at
// least; maxFixedRows how many it reads at most.
const (
	minFixedRows = 3
	maxFixedRows = 200
)

// groupingsData is the page: the form as typed and, once asked, the
// proposal with its map and the comparison.
type groupingsData struct {
	Form           url.Values
	Askers         []samspil.Organization // the reader's organisations it may ask for
	Regions        []samspil.Organization // to choose a region's municipalities
	Municipalities []samspil.Organization // to fix members, by name
	Fixed          []fixedRow
	GroupsField    numberField   // the number of groups
	Bounds         []numberField // the bounds of each group's members and inhabitants
	Asked          bool          // a proposal is shown
	Chosen         int           // organisations grouped
	Groups         []groupView
	Score          string
	Map            template.HTML
	Legend         []legendItem
	NotChosen      int // municipalities on the map not in the grouping
	Table          []mapRow
	Compared       *comparedView
}

// fixedRow is a row of the fixed members' part of the form.
type fixedRow struct {
	N            int // 1, 2, …
	Org, Group   string
	OrgID, GrpID string // the ids of the row's fields
}

// numberField is a whole-number field of the form.
type numberField struct{ Name, Label, Value, Error string }

// groupView is a group of the proposal or of the reader's grouping.
type groupView struct {
	ID         string // of its section: group-1, or cgroup-1 for the reader's grouping
	Number     int
	Class      string // group-1 … group-10
	Members    []opportunity.GroupMember
	Population int
	Score      string
	Evidence   []string
}

// legendItem is a group's key on the map.
type legendItem struct {
	Number  int
	Class   string
	Members int
}

// mapRow is a municipality of the map as text: its group.
type mapRow struct {
	OrgID, Name string
	Group       int
	Class       string
}

// comparedView is the reader's grouping, scored as the proposal is.
type comparedView struct {
	Groups     []groupView
	Score      string
	Difference string
	Sign       int // of the proposal's score minus the reader's: 1 more, -1 less, 0 the same
	Broken     []string
}

// groupings shows the form and, when it was filled in, the proposal.
func (w *Web) groupings(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	lang := language(r)
	form := r.URL.Query()
	d := &groupingsData{Form: form}
	for _, id := range actor.OrgsWhere(samspil.PermOpportunities) {
		org, err := w.store.FindOrganization(ctx, actor, id)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		d.Askers = append(d.Askers, *org)
	}
	slices.SortFunc(d.Askers, func(a, b samspil.Organization) int {
		return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name))
	})
	regions, regionNames, err := w.regions(ctx, actor)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, reg := range regions {
		if reg.Country == "DK" && slices.Contains(samspil.DanishRegionCodes, reg.Region) {
			d.Regions = append(d.Regions, reg)
		}
	}
	munis, err := allPages(func(cursor string) (*samspil.Page[samspil.Organization], error) {
		return w.store.ListOrganizations(ctx, actor, samspil.OrganizationFilter{Kind: samspil.KindMunicipality,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, m := range munis {
		if m.Country == "DK" {
			d.Municipalities = append(d.Municipalities, m)
		}
	}
	slices.SortFunc(d.Municipalities, func(a, b samspil.Organization) int {
		return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name))
	})

	asked := form.Has("groups")
	if !asked {
		form.Set("groups", strconv.Itoa(groupingDefaultGroups))
	}
	if form.Get("organization_id") == "" && len(d.Askers) > 0 {
		form.Set("organization_id", d.Askers[0].ID)
	}
	d.Fixed = fixedRows(form)

	status := http.StatusOK
	var formErr error
	if asked && len(d.Askers) > 0 {
		g, chosen, err := w.proposeGrouping(r, form, d.Municipalities)
		switch {
		case err == nil:
			w.showGrouping(d, g, chosen, lang, regionNames)
		case samspil.ErrorCode(err) == samspil.EINVALID:
			formErr, status = err, http.StatusUnprocessableEntity
		default:
			w.fail(rw, r, err)
			return
		}
	}
	if d.Asked {
		var buf bytes.Buffer
		if err := w.groupingMap(&buf, d, lang); err != nil {
			w.fail(rw, r, err)
			return
		}
		d.Map = template.HTML(buf.String()) // dkmap escapes every value it writes; the labels are numbers
	}
	v := w.newView(r, "", d)
	v.Title = w.cat.text(v.Lang, "groupings.title")
	if formErr != nil {
		w.withError(v, formErr)
	}
	field := func(name string) numberField {
		return numberField{Name: name, Label: w.cat.text(v.Lang, "groupings."+name), Value: form.Get(name), Error: v.Fields[name]}
	}
	d.GroupsField = field("groups")
	for _, name := range []string{"min_members", "max_members", "min_population", "max_population"} {
		d.Bounds = append(d.Bounds, field(name))
	}
	w.render(rw, r, status, "groupings", v)
}

// fixedRows returns the rows of fixed members as typed, with free rows
// to add more.
func fixedRows(form url.Values) []fixedRow {
	orgs, groups := form["fixed_org"], form["fixed_group"]
	var rows []fixedRow
	for i := range min(max(len(orgs), len(groups)), maxFixedRows) {
		var o, g string
		if i < len(orgs) {
			o = orgs[i]
		}
		if i < len(groups) {
			g = strings.TrimSpace(groups[i])
		}
		if o == "" && g == "" {
			continue
		}
		rows = append(rows, fixedRow{Org: o, Group: g})
	}
	for len(rows) < minFixedRows || rows[len(rows)-1].Org != "" || rows[len(rows)-1].Group != "" {
		rows = append(rows, fixedRow{})
	}
	for i := range rows {
		rows[i].N = i + 1
		rows[i].OrgID, rows[i].GrpID = "f-fixed-"+strconv.Itoa(i+1), "f-fixed-group-"+strconv.Itoa(i+1)
		if i == 0 {
			rows[i].OrgID = "f-fixed" // where the error summary's link for the field leads
		}
	}
	return rows
}

// proposeGrouping reads the form, checks what only the page knows (whole
// numbers, the region, names in the fixed members and the grouping to
// compare) and asks the engine. It returns the proposal and the
// organisations it groups.
func (w *Web) proposeGrouping(r *http.Request, form url.Values, munis []samspil.Organization) (*opportunity.Grouping, []string, error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	engine := w.cfg.Opportunities
	if engine == nil {
		return nil, nil, fmt.Errorf("web: no opportunity engine configured")
	}
	var v samspil.Validation
	q := opportunity.GroupingQuery{Asker: form.Get("organization_id"), KeepRegions: form.Get("keep_regions") != ""}
	if !slices.Contains(actor.OrgsWhere(samspil.PermOpportunities), q.Asker) {
		v.Add("organization_id", "choose one of your own organisations")
	}
	whole := func(field string) int {
		s := strings.TrimSpace(form.Get(field))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s, ".", ""))
		if err != nil {
			v.Add(field, "must be a whole number")
		}
		return n
	}
	q.Groups = whole("groups")
	q.MinMembers, q.MaxMembers = whole("min_members"), whole("max_members")
	q.MinPopulation, q.MaxPopulation = whole("min_population"), whole("max_population")
	region := form.Get("organizations")
	if region != "" && !slices.Contains(samspil.DanishRegionCodes, region) {
		v.Add("organizations", "must be a Danish region code 1081-1085")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	chosen, err := engine.SelectFor(ctx, actor, q.Asker, opportunity.Selection{Kind: samspil.KindMunicipality, Country: "DK", Region: region})
	if err != nil {
		return nil, nil, err
	}
	in := make(map[string]bool, len(chosen))
	for _, id := range chosen {
		in[id] = true
	}
	q.Organizations = chosen
	byID := make(map[string]*samspil.Organization, len(munis))
	for i := range munis {
		byID[munis[i].ID] = &munis[i]
	}
	if q.Fixed, err = parseFixed(form, byID, in); err != nil {
		return nil, nil, err
	}
	if text := strings.TrimSpace(form.Get("compare")); text != "" {
		if q.Compare, err = parseGrouping(form.Get("compare"), munis, in); err != nil {
			return nil, nil, err
		}
	}
	g, err := engine.GroupingFor(ctx, actor, q)
	return g, chosen, err
}

// parseFixed reads the rows of fixed members: an organisation and a
// group number each.
func parseFixed(form url.Values, byID map[string]*samspil.Organization, chosen map[string]bool) (map[string]int, error) {
	orgs, groups := form["fixed_org"], form["fixed_group"]
	if max(len(orgs), len(groups)) > maxFixedRows {
		return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "fix at most %d members", maxFixedRows)
	}
	out := map[string]int{}
	for i := range max(len(orgs), len(groups)) {
		var id, g string
		if i < len(orgs) {
			id = orgs[i]
		}
		if i < len(groups) {
			g = strings.TrimSpace(groups[i])
		}
		if id == "" && g == "" {
			continue
		}
		if id == "" {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "row %d: choose the organisation to put in group %s", i+1, g)
		}
		o, ok := byID[id]
		if !ok {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "row %d: unknown organisation %s", i+1, id)
		}
		if g == "" {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "row %d: choose the group for %s", i+1, o.Name)
		}
		n, err := strconv.Atoi(g)
		if err != nil {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "row %d: %q is not a group number", i+1, g)
		}
		if !chosen[id] {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "%s is not among the organisations chosen", o.Name)
		}
		if _, twice := out[id]; twice {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "%s is fixed twice", o.Name)
		}
		out[id] = n
	}
	return out, nil
}

// parseGrouping reads a grouping the reader enters: one line per group,
// the municipalities of each by name or kommunekode, separated by
// commas. A line without names is skipped; an unknown name, or one not
// among those chosen, is an error naming its line.
func parseGrouping(text string, munis []samspil.Organization, chosen map[string]bool) ([][]string, error) {
	names := map[string]*samspil.Organization{}
	short := map[string]string{} // kommunekode -> the map's short name ("København")
	for _, m := range dkmap.Municipalities() {
		short[m.Code] = m.Name
	}
	for i := range munis {
		m := &munis[i]
		keys := []string{m.Name, strings.TrimSuffix(m.Name, " Kommune"), strings.TrimSuffix(m.Name, " Regionskommune"), m.MunicipalityCode, short[m.MunicipalityCode]}
		for _, k := range keys {
			if k = samspil.Fold(k); k != "" {
				names[k] = m
			}
		}
	}
	lines := strings.Split(text, "\n")
	if len(lines) > opportunity.MaxGroupingOrganizations {
		return nil, samspil.ErrorAt(samspil.EINVALID, "compare", "has more than %d lines", opportunity.MaxGroupingOrganizations)
	}
	var out [][]string
	for i, line := range lines {
		var group []string
		for _, name := range strings.Split(line, ",") {
			name = strings.Join(strings.Fields(name), " ")
			if name == "" {
				continue
			}
			m, ok := names[samspil.Fold(name)]
			switch {
			case !ok:
				return nil, samspil.ErrorAt(samspil.EINVALID, "compare", "line %d: no municipality is called %q", i+1, name)
			case !chosen[m.ID]:
				return nil, samspil.ErrorAt(samspil.EINVALID, "compare", "line %d: %s is not among the organisations chosen", i+1, m.Name)
			}
			group = append(group, m.ID)
		}
		if len(group) > 0 {
			out = append(out, group)
		}
	}
	return out, nil
}

// showGrouping lays the proposal out for the page.
func (w *Web) showGrouping(d *groupingsData, g *opportunity.Grouping, chosen []string, lang string, regionNames map[string]string) {
	d.Asked, d.Chosen = true, len(chosen)
	d.Score = groupingPoints(g.Score, lang)
	d.Groups = w.groupViews("group", g.Groups, lang, regionNames)
	for _, grp := range d.Groups {
		d.Legend = append(d.Legend, legendItem{Number: grp.Number, Class: grp.Class, Members: len(grp.Members)})
		for _, m := range grp.Members {
			d.Table = append(d.Table, mapRow{OrgID: m.OrgID, Name: m.Name, Group: grp.Number, Class: grp.Class})
		}
	}
	slices.SortFunc(d.Table, func(a, b mapRow) int { return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)) })
	if c := g.Compared; c != nil {
		cv := &comparedView{Groups: w.groupViews("cgroup", c.Groups, lang, regionNames), Score: groupingPoints(c.Score, lang)}
		diff := c.Difference
		switch {
		case diff > 0:
			cv.Sign = 1
		case diff < 0:
			cv.Sign, diff = -1, -diff
		}
		cv.Difference = groupingPoints(diff, lang)
		for _, p := range c.Broken {
			cv.Broken = append(cv.Broken, w.sayGrouping(lang, p, regionNames))
		}
		d.Compared = cv
	}
}

// groupViews lays groups out with their evidence in words.
func (w *Web) groupViews(prefix string, groups []opportunity.Group, lang string, regionNames map[string]string) []groupView {
	out := make([]groupView, len(groups))
	for i, g := range groups {
		gv := groupView{ID: prefix + "-" + strconv.Itoa(g.Number), Number: g.Number, Class: groupClass(g.Number), Members: g.Members, Population: g.Population, Score: groupingPoints(g.Score, lang)}
		for _, p := range g.Evidence {
			gv.Evidence = append(gv.Evidence, w.sayGrouping(lang, p, regionNames))
		}
		out[i] = gv
	}
	return out
}

// sayGrouping says a sentence of the grouping, naming the regions its
// phrases give by code ("region 1082" becomes "region Midtjylland").
func (w *Web) sayGrouping(lang string, p samspil.Phrase, regionNames map[string]string) string {
	if strings.Contains(p.Format, "region %s") {
		args := slices.Clone(p.Args)
		for i, a := range args {
			if s, ok := a.(string); ok && regionNames[s] != "" {
				args[i] = strings.TrimPrefix(regionNames[s], "Region ")
			}
		}
		p = samspil.Phrase{Format: p.Format, Args: args}
	}
	return w.sayPhrase(lang, p)
}

// groupClass is the colour class of a group.
func groupClass(n int) string { return "group-" + strconv.Itoa((n-1)%groupColours+1) }

// groupingPoints shows points with one decimal and grouped thousands:
// 5.134,2 in Danish, 5,134.2 in English.
func groupingPoints(f float64, lang string) string {
	whole, frac, _ := strings.Cut(strconv.FormatFloat(math.Abs(f), 'f', 1, 64), ".")
	n, _ := strconv.Atoi(whole)
	sep := ","
	if lang == "en" {
		sep = "."
	}
	s := thousands(n, lang) + sep + frac
	if f < 0 && s != "0"+sep+"0" {
		s = "-" + s
	}
	return s
}

// groupingMap draws Denmark with each grouped municipality coloured by
// its group, a link to its page and named with its group; the numbers of
// the groups are written on the municipalities large enough to hold one,
// so that the colour is not the only carrier.
func (w *Web) groupingMap(buf *bytes.Buffer, d *groupingsData, lang string) error {
	codeOf := make(map[string]string, len(d.Municipalities))
	for _, m := range d.Municipalities {
		codeOf[m.ID] = m.MunicipalityCode
	}
	shades := map[string]dkmap.Shade{}
	groupOf := map[string]int{}
	for _, g := range d.Groups {
		for _, m := range g.Members {
			code := codeOf[m.OrgID]
			if code == "" {
				continue
			}
			groupOf[code] = g.Number
			shades[code] = dkmap.Shade{Class: g.Class, Href: "/organizations/" + m.OrgID,
				Label: w.cat.text(lang, "groupings.map_label", m.Name, g.Number)}
		}
	}
	d.NotChosen = len(dkmap.Municipalities()) - len(groupOf)
	notChosen := w.cat.text(lang, "groupings.not_chosen")
	var svg bytes.Buffer
	if err := dkmap.Render(&svg, shades, dkmap.Options{ID: "grouping-map", Title: w.cat.text(lang, "groupings.map_title"),
		Desc:         w.cat.text(lang, "groupings.map_desc"),
		DefaultLabel: func(_, name string) string { return name + ": " + notChosen }}); err != nil {
		return err
	}
	out := svg.String()
	end := strings.LastIndex(out, "</svg>")
	if end < 0 {
		return fmt.Errorf("web: the map has no end")
	}
	var labels strings.Builder
	labels.WriteString(`<g class="group-labels" aria-hidden="true">`)
	for _, m := range dkmap.Municipalities() {
		n, ok := groupOf[m.Code]
		if !ok || m.Bounds.W < 32 || m.Bounds.H < 26 {
			continue
		}
		fmt.Fprintf(&labels, `<text x="%.1f" y="%.1f">%d</text>`, m.Anchor.X, m.Anchor.Y, n)
	}
	labels.WriteString("</g>\n")
	buf.WriteString(out[:end])
	buf.WriteString(labels.String())
	buf.WriteString(out[end:])
	return nil
}
