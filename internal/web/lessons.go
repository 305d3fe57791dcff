package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// lessonsPageSize is how many lessons a page of the log shows.
const lessonsPageSize = 20

// lessonsData is the lessons log ("erfaringer"): what the participants of
// the initiatives and collaborations the reader may see have learned,
// newest first, searchable by words and by tag.
type lessonsData struct {
	Query, Tag  string
	Lessons     []samspil.Lesson
	Next, First string
	Names       initiativeNames
}

// lessons shows the lessons log.
func (w *Web) lessons(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	d := lessonsData{Query: strings.TrimSpace(q.Get("q")), Tag: strings.ToLower(strings.TrimSpace(q.Get("tag"))), Names: w.initiativeNames(language(r))}
	cursor := q.Get("cursor")
	page, err := w.store.ListLessons(ctx, actor, samspil.LessonFilter{Query: d.Query, Tag: d.Tag,
		ListOptions: samspil.ListOptions{Cursor: cursor, Limit: lessonsPageSize}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Lessons = page.Items
	search := url.Values{}
	if d.Query != "" {
		search.Set("q", d.Query)
	}
	if d.Tag != "" {
		search.Set("tag", d.Tag)
	}
	if page.NextCursor != "" {
		next := url.Values{"cursor": {page.NextCursor}}
		for k, v := range search {
			next[k] = v
		}
		d.Next = "/lessons?" + next.Encode()
	}
	if cursor != "" {
		d.First = "/lessons"
		if len(search) > 0 {
			d.First += "?" + search.Encode()
		}
	}
	v := w.newView(r, "lessons", d)
	v.Title = w.cat.text(v.Lang, "lessons.title")
	w.render(rw, r, http.StatusOK, "lessons", v)
}
