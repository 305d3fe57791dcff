package web

import (
	"net/http"
	"strconv"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// searchPage is the data of the search page and of the header's
// suggestions.
type searchPage struct {
	Query  string // as typed
	Short  bool   // too short to search for
	Result *samspil.SearchResult
	Kind   samspil.SearchKind // the one kind shown in full, if chosen
}

// search shows what the reader may see by name or kommunekode, grouped by
// kind; ?kind= shows more of one kind.
func (w *Web) search(rw http.ResponseWriter, r *http.Request) {
	d, err := w.runSearch(r, 20)
	if err != nil && samspil.ErrorCode(err) != samspil.EINVALID {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "", d)
	v.Title = w.cat.text(v.Lang, "search.title")
	status := http.StatusOK
	if err != nil {
		w.withError(v, err)
		status = httpx.Status(err)
	}
	w.render(rw, r, status, "search", v)
}

// searchSuggest answers the header's search field as one types: a few
// hits of each kind, as a fragment htmx puts under the field.
func (w *Web) searchSuggest(rw http.ResponseWriter, r *http.Request) {
	d, err := w.runSearch(r, 5)
	if err != nil && samspil.ErrorCode(err) != samspil.EINVALID {
		w.fail(rw, r, err)
		return
	}
	if err != nil {
		d.Result, d.Short = nil, true // an over-long text suggests nothing; the form's page says why
	}
	w.renderTemplate(rw, r, http.StatusOK, "search", "suggestions", w.newView(r, "", d))
}

func (w *Web) runSearch(r *http.Request, perKind int) (*searchPage, error) {
	d := &searchPage{Query: r.URL.Query().Get("q")}
	q := samspil.SearchQuery{Text: d.Query, PerKind: perKind}
	if k := samspil.SearchKind(r.URL.Query().Get("kind")); k != "" {
		q.Kinds, d.Kind = []samspil.SearchKind{k}, k
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil {
			q.PerKind = n
		} else {
			q.PerKind = samspil.SearchMaxPerKind
		}
	}
	res, err := w.store.Search(r.Context(), httpx.ActorFrom(r.Context()), q)
	if err != nil {
		return d, err
	}
	d.Result = res
	d.Short = (&samspil.SearchQuery{Text: res.Query}).Short()
	return d, nil
}
