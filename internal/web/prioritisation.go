package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// prioritisationData is a collaboration's ranked portfolio: each
// initiative's place with the reasons and what changed since the last
// round; its managers also get the weights, a score form per initiative
// and the button that records a round.
type prioritisationData struct {
	C           *samspil.Collaboration
	P           *samspil.Prioritisation
	Rows        []rankRow
	Dropped     []rankRow
	Names       initiativeNames
	CanManage   bool
	Weights     url.Values // the weights form
	Open        string     // the form to show open after an error: "weights" or "score-<initiative ID>"
	Form        url.Values // what that form posted
	Scores      []int      // 1 to 5
	WeightsOf   []int      // 0 to 10
	ScoreFields []scoreField
}

// scoreField is one of the four scores (and weights) with its label.
type scoreField struct{ Name, Label string }

// rankRow is a ranked initiative with its score form's values.
type rankRow struct {
	samspil.Ranked
	Points string // the weighted score, 1,00 to 5,00
	Form   url.Values
}

// scoreFields are the four scores of an initiative and the weights.
var scoreFields = []string{"benefit", "urgency", "feasibility", "cost"}

func (w *Web) prioritisation(rw http.ResponseWriter, r *http.Request) {
	w.showPrioritisation(rw, r, http.StatusOK, r.PathValue("id"), nil, "", nil)
}

// showPrioritisation renders the ranked list of collaboration collabID;
// after a failed post, open names the form to show open with what it
// posted and formErr's messages.
func (w *Web) showPrioritisation(rw http.ResponseWriter, r *http.Request, status int, collabID string, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	lang := language(r)
	c, err := w.store.FindCollaboration(ctx, actor, collabID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	p, err := w.store.Prioritisation(ctx, actor, c.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := prioritisationData{C: c, P: p, Names: w.initiativeNames(lang), CanManage: actor.Manages(c, samspil.Today(w.now())),
		Open: open, Form: form, Scores: []int{1, 2, 3, 4, 5}, WeightsOf: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	for _, f := range scoreFields {
		d.ScoreFields = append(d.ScoreFields, scoreField{Name: f, Label: w.cat.fieldName(lang, f)})
	}
	d.Weights = url.Values{"benefit": {strconv.Itoa(p.Weights.Benefit)}, "urgency": {strconv.Itoa(p.Weights.Urgency)},
		"feasibility": {strconv.Itoa(p.Weights.Feasibility)}, "cost": {strconv.Itoa(p.Weights.Cost)}}
	if open == "weights" {
		d.Weights = form
	}
	for _, x := range p.Ranked {
		row := rankRow{Ranked: x, Form: url.Values{}}
		if x.Score != nil {
			row.Points = scoreText(x.Value, lang)
			row.Form = url.Values{"benefit": {strconv.Itoa(x.Score.Benefit)}, "urgency": {strconv.Itoa(x.Score.Urgency)},
				"feasibility": {strconv.Itoa(x.Score.Feasibility)}, "cost": {strconv.Itoa(x.Score.Cost)}, "note": {x.Score.Note}}
		}
		if open == "score-"+x.InitiativeID {
			row.Form = form
		}
		d.Rows = append(d.Rows, row)
	}
	for _, x := range p.Dropped {
		row := rankRow{Ranked: x}
		if x.Score != nil {
			row.Points = scoreText(x.Value, lang)
		}
		d.Dropped = append(d.Dropped, row)
	}
	v := w.newView(r, "collaborations", d)
	v.Title = w.cat.text(v.Lang, "prioritisation.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "prioritisation", v)
}

// scoreText shows a weighted score in hundredths as 3,75 (3.75 in
// English).
func scoreText(hundredths int, lang string) string {
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return fmt.Sprintf("%d%s%02d", hundredths/100, sep, hundredths%100)
}

// readScores reads the four whole numbers of a form; a field that is not
// a whole number is an error at it.
func readScores(f url.Values) ([4]int, error) {
	var out [4]int
	var v samspil.Validation
	for i, name := range scoreFields {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
		v.Check(err == nil, name, "must be a whole number")
		out[i] = n
	}
	return out, v.Err()
}

// setPriorityWeights sets the collaboration's weights (its managers).
func (w *Web) setPriorityWeights(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	id := r.PathValue("id")
	n, err := readScores(r.PostForm)
	if err == nil {
		_, err = w.store.SetPriorityWeights(ctx, actor, id, samspil.PriorityWeights{Benefit: n[0], Urgency: n[1], Feasibility: n[2], Cost: n[3]})
	}
	if err != nil {
		if samspil.ErrorCode(err) == samspil.EINVALID {
			w.showPrioritisation(rw, r, httpx.Status(err), id, renameFields(err, func(p string) string { return "weights." + p }), "weights", r.PostForm)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/collaborations/"+id+"/prioritisation", "priority_weights_set")
}

// scoreInitiative scores an initiative of a collaboration (its managers)
// and goes back to the ranked list.
func (w *Web) scoreInitiative(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	id := r.PathValue("id")
	n, err := readScores(r.PostForm)
	var p *samspil.Prioritisation
	if err == nil {
		p, err = w.store.ScoreInitiative(ctx, actor, id, samspil.PriorityScore{Benefit: n[0], Urgency: n[1], Feasibility: n[2], Cost: n[3],
			Note: r.PostFormValue("note")})
	}
	if err != nil {
		if samspil.ErrorCode(err) != samspil.EINVALID {
			w.fail(rw, r, err)
			return
		}
		x, ferr := w.store.FindInitiative(ctx, actor, id)
		if ferr != nil || x.CollaborationID == "" {
			w.fail(rw, r, err)
			return
		}
		w.showPrioritisation(rw, r, httpx.Status(err), x.CollaborationID,
			renameFields(err, func(p string) string { return "score-" + id + "." + p }), "score-"+id, r.PostForm)
		return
	}
	redirect(rw, r, "/collaborations/"+p.CollaborationID+"/prioritisation#rank-"+id, "priority_scored")
}

// recordPrioritisation keeps the current ranking as a round (the
// collaboration's managers).
func (w *Web) recordPrioritisation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	id := r.PathValue("id")
	if _, err := w.store.RecordPrioritisation(ctx, actor, id); err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
			w.showPrioritisation(rw, r, httpx.Status(err), id, err, "", nil)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/collaborations/"+id+"/prioritisation", "prioritisation_recorded")
}
