package web

import (
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// whoCanHelpData is the "Hvem kan hjælpe?" page: two search forms (a
// system, a KLE task) and, once one is asked, the three lists of the
// answer.
type whoCanHelpData struct {
	SystemID, Task string         // the question as asked
	Systems        []systemOption // the catalogue systems the reader may see
	Result         *samspil.WhoCanHelp
	Longest        []longestRow // the answer's longest in operation, with the years in words
	// Tasks are the KLE tasks of the system asked about, each a question
	// of its own.
	Tasks []samspil.Task
}

// longestRow is an organisation's usage in operation, with how long in
// words ("12 år").
type longestRow struct {
	samspil.OperationExperience
	Years string // empty when the start is unknown
}

// whoCanHelp answers who can help with a system or a KLE task: the
// organisations that have run it longest, those happy to share their
// experience (with whom to ask) and the lessons of initiatives about it,
// all as the reader may see them. Without a question it shows the forms;
// a bad question shows them with the error at its field.
func (w *Web) whoCanHelp(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	d := &whoCanHelpData{SystemID: strings.TrimSpace(q.Get("system_id")), Task: strings.TrimSpace(q.Get("task"))}
	var formErr error
	status := http.StatusOK
	if d.SystemID != "" || d.Task != "" {
		res, err := w.store.WhoCanHelp(ctx, actor, samspil.WhoCanHelpQuery{SystemID: d.SystemID, Task: d.Task})
		switch {
		case err == nil:
			d.Result = res
		case samspil.ErrorCode(err) == samspil.EINVALID:
			formErr, status = err, http.StatusUnprocessableEntity
		default:
			w.fail(rw, r, err) // a system that is missing or hidden from the reader: not found
			return
		}
	}
	lang := language(r)
	if d.Result != nil {
		for _, e := range d.Result.Longest {
			row := longestRow{OperationExperience: e}
			switch {
			case e.Years == nil:
			case *e.Years < 1:
				row.Years = w.cat.text(lang, "who_can_help.under_a_year")
			default:
				row.Years = w.cat.text(lang, "who_can_help.years_n", *e.Years)
			}
			d.Longest = append(d.Longest, row)
		}
	}
	if d.Result != nil && d.Result.SystemID != "" {
		s, err := w.store.FindSystem(ctx, actor, d.Result.SystemID)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, code := range s.Tasks {
			if t, err := w.store.FindTask(ctx, code); err == nil {
				d.Tasks = append(d.Tasks, *t)
			} else {
				d.Tasks = append(d.Tasks, samspil.Task{Code: code})
			}
		}
	}
	systems, err := allPages(func(cursor string) (*samspil.Page[samspil.System], error) {
		return w.store.ListSystems(ctx, actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, s := range systems {
		label := s.Name
		if s.VendorName != "" {
			label += " (" + s.VendorName + ")"
		}
		d.Systems = append(d.Systems, systemOption{ID: s.ID, Label: label, Selected: s.ID == d.SystemID})
	}
	v := w.newView(r, "catalogue", d)
	switch {
	case d.Result != nil && d.Result.SystemName != "":
		v.Title = w.cat.text(v.Lang, "who_can_help.title_system", d.Result.SystemName)
	case d.Result != nil:
		v.Title = w.cat.text(v.Lang, "who_can_help.title_task", d.Result.Task)
	default:
		v.Title = w.cat.text(v.Lang, "who_can_help.title")
	}
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "whocanhelp", v)
}
