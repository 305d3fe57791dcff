package web

import (
	"net/http"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// kitosChangeView is one change of a run with its notes in the reader's
// language.
type kitosChangeView struct {
	samspil.KitosChange
	NoteTexts []string
}

type kitosRunView struct {
	samspil.KitosSyncRun
	Kinds   []string
	Changed []kitosChangeView
}

type kitosPageData struct {
	Org  *samspil.Organization
	Runs []kitosRunView
}

// kitosSync shows the organisation's last synchronisations with KITOS and
// what each changed. The runs name private contracts, so only the
// organisation's people see them.
func (w *Web) kitosSync(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	runs, err := w.store.ListKitosSyncRuns(ctx, actor, org.ID, 20)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", nil)
	d := kitosPageData{Org: org}
	for _, run := range runs {
		rv := kitosRunView{KitosSyncRun: run, Kinds: []string{"system", "usage", "contract", "relation", "data_processing"}}
		for _, c := range run.Changes {
			cv := kitosChangeView{KitosChange: c}
			for _, n := range c.Notes {
				cv.NoteTexts = append(cv.NoteTexts, w.say(v.Lang, n))
			}
			rv.Changed = append(rv.Changed, cv)
		}
		d.Runs = append(d.Runs, rv)
	}
	v.Data = d
	v.Title = w.cat.text(v.Lang, "kitos.title")
	w.render(rw, r, http.StatusOK, "kitos", v)
}
