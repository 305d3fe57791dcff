package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/tabular"
)

// Imports through the pages: upload a file, read the preview (every error by
// row and column), commit. The commit runs in the background and the page
// shows its progress; the progress is kept in this process, the outcome in
// the database.

// MaxUploadBytes caps an uploaded import file.
const MaxUploadBytes = 50 << 20

// commits tracks running commits of this process: import ID -> rows done.
// Shutting down, the process waits for them (Drain), and stops those that
// outlast its grace.
type commits struct {
	mu      sync.Mutex
	rows    map[string]int
	running sync.WaitGroup
	stop    context.Context // done when the process stops the commits still running
	stopAll context.CancelFunc
}

// start registers a commit running in the background and returns its
// context: the request's values, no deadline of the request, cancelled
// when the process stops the commits.
func (c *commits) start(ctx context.Context) (context.Context, context.CancelFunc) {
	c.mu.Lock()
	if c.stop == nil {
		c.stop, c.stopAll = context.WithCancel(context.Background())
	}
	stopping := c.stop
	c.mu.Unlock()
	c.running.Add(1)
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Minute)
	unhook := context.AfterFunc(stopping, cancel)
	return bg, func() {
		unhook()
		cancel()
		c.running.Done()
	}
}

// Drain waits for the imports being committed in the background until ctx
// ends; then it stops those still running, whose transactions roll back
// and which are recorded as failed, and waits for them to say so.
func (w *Web) Drain(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		w.commits.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	w.commits.mu.Lock()
	if w.commits.stopAll != nil {
		w.commits.stopAll()
	}
	w.commits.mu.Unlock()
	<-done
}

func (c *commits) set(id string, rows int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rows == nil {
		c.rows = map[string]int{}
	}
	c.rows[id] = rows
}

func (c *commits) done(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.rows, id)
}

func (c *commits) get(id string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.rows[id]
	return n, ok
}

// uploadSource reads an uploaded file kept in memory.
func uploadSource(name string, content []byte) (*landscapeio.Source, error) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }
	return landscapeio.NewSource(open, name, tabular.Limits{MaxBytes: MaxUploadBytes})
}

type importPageData struct {
	Org   *samspil.Organization
	Kinds []samspil.ImportKind
}

func (w *Web) importPage(rw http.ResponseWriter, r *http.Request) {
	w.showImportPage(rw, r, http.StatusOK, nil)
}

func (w *Web) showImportPage(rw http.ResponseWriter, r *http.Request, status int, formErr error) {
	actor := httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if !actor.Can(samspil.PermLandscapeWrite, org.ID) {
		w.fail(rw, r, samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of %s may change its IT landscape", org.Name))
		return
	}
	v := w.newView(r, "directory", importPageData{Org: org, Kinds: []samspil.ImportKind{samspil.ImportUsages, samspil.ImportContracts, samspil.ImportSystems}})
	v.Title = w.cat.text(v.Lang, "import.title")
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "import", v)
}

// upload reads the file, previews it and keeps it for the commit.
func (w *Web) upload(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	tooLarge := samspil.ErrorAt(samspil.ETOOLARGE, "file", "the file is larger than %d MiB", MaxUploadBytes>>20)
	// A post said to be over the limit is refused before any of it is
	// read; one sent without a length is cut at the limit as it is read.
	const maxPost = MaxUploadBytes + 1<<20
	if r.ContentLength > maxPost {
		w.showImportPage(rw, r, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, maxPost)
	// The file goes to disk as it is parsed, beyond its first MiB (not
	// the 32 MiB FormFile would hold in memory): a post over the limit
	// sent without a length costs no more memory than one within it.
	err := r.ParseMultipartForm(memoryForUploads)
	var file multipart.File
	var header *multipart.FileHeader
	if err == nil {
		file, header, err = r.FormFile("file")
	}
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			w.showImportPage(rw, r, http.StatusRequestEntityTooLarge, tooLarge)
			return
		}
		w.showImportPage(rw, r, http.StatusUnprocessableEntity, samspil.ErrorAt(samspil.EINVALID, "file", "choose a CSV or XLSX file"))
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, MaxUploadBytes+1))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if len(content) > MaxUploadBytes {
		w.showImportPage(rw, r, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	name := filepath.Base(header.Filename)
	if err := httpx.CheckValues("body", url.Values{"file": {name}}); err != nil {
		w.showImportPage(rw, r, http.StatusUnprocessableEntity, err)
		return
	}
	src, err := uploadSource(name, content)
	if err == nil {
		var report *samspil.ImportReport
		if report, err = w.store.PreviewImport(ctx, actor, r.PathValue("id"), src, nil); err == nil {
			var im *samspil.Import
			if im, err = w.store.CreateImport(ctx, actor, r.PathValue("id"), name, content, report); err == nil {
				http.Redirect(rw, r, "/imports/"+im.ID, http.StatusSeeOther)
				return
			}
		}
	}
	switch samspil.ErrorCode(err) {
	case samspil.EINVALID, samspil.ETOOLARGE:
		w.showImportPage(rw, r, httpx.Status(err), err)
	default:
		w.fail(rw, r, err)
	}
}

type importData struct {
	Import  *samspil.Import
	Org     *samspil.Organization
	Running bool
	Rows    int
	// Elsewhere tells that another instance sharing the database is
	// committing the import (its progress is kept there).
	Elsewhere bool
	// Units are the organisation's units that an unknown unit name of the
	// file can stand for.
	Units []samspil.OrgUnit
	// FormatLabel names the upload's format, in which its invalid rows
	// download: CSV or XLSX.
	FormatLabel string
	// CanDownload tells whether the file is still kept, so that its rows
	// with errors can be downloaded.
	CanDownload bool
}

func (w *Web) importStatus(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	im, err := w.store.FindImport(ctx, actor, r.PathValue("import"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	org, err := w.store.FindOrganization(ctx, actor, im.OrganizationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := importData{Import: im, Org: org}
	d.Rows, d.Running = w.commits.get(im.ID)
	if !d.Running && im.Status == samspil.ImportCommitting {
		// The commit may have finished between the two reads (it writes its
		// outcome before it stops running): read the outcome again, or the
		// page would call a finished import interrupted.
		if im, err = w.store.FindImport(ctx, actor, im.ID); err != nil {
			w.fail(rw, r, err)
			return
		}
		d.Import = im
		if im.Status == samspil.ImportCommitting {
			if d.Elsewhere, err = w.store.ImportCommitHeld(ctx, im.ID); err != nil {
				w.fail(rw, r, err)
				return
			}
		}
	}
	if err := w.importExtras(r, &d); err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "import.title")
	if r.Header.Get("HX-Request") == "true" {
		w.renderTemplate(rw, r, http.StatusOK, "import_status", "status", v)
		return
	}
	w.render(rw, r, http.StatusOK, "import_status", v)
}

// importExtras adds what the page of a previewed import offers: the units
// an unknown unit name can be mapped to, and the download of the rows with
// errors.
func (w *Web) importExtras(r *http.Request, d *importData) error {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	im := d.Import
	d.FormatLabel = strings.ToUpper(tabular.FormatCSV)
	if strings.EqualFold(filepath.Ext(im.FileName), ".xlsx") {
		d.FormatLabel = strings.ToUpper(tabular.FormatXLSX)
	}
	if im.Report == nil {
		return nil
	}
	d.CanDownload = im.Report.InvalidRows > 0 && (im.Status == samspil.ImportPreviewed || im.Status == samspil.ImportCommitted && im.Report.Skipped > 0)
	if im.Status != samspil.ImportPreviewed || len(im.Report.UnknownUnits) == 0 {
		return nil
	}
	units, err := w.store.UnitTree(ctx, actor, im.OrganizationID)
	d.Units = units
	return err
}

// importChoices reads the commit form's choice for each unknown unit name
// of the report: unit_<n> is "create" or the ID of a unit to map it to.
func (w *Web) importChoices(r *http.Request, orgID string, report *samspil.ImportReport) ([]samspil.UnitChoice, error) {
	var v samspil.Validation
	var out []samspil.UnitChoice
	for i, u := range report.UnknownUnits {
		field := "unit_" + strconv.Itoa(i)
		switch val := r.PostFormValue(field); val {
		case "":
			v.Add(field, "choose to create the unit or which unit it is")
		case string(samspil.UnitCreate):
			out = append(out, samspil.UnitChoice{Name: u.Name, Action: samspil.UnitCreate})
		default:
			if _, err := w.store.FindUnit(r.Context(), httpx.ActorFrom(r.Context()), orgID, val); samspil.ErrorCode(err) == samspil.ENOTFOUND {
				v.Add(field, "is not a unit of this organisation")
			} else if err != nil {
				return nil, err
			}
			out = append(out, samspil.UnitChoice{Name: u.Name, Action: samspil.UnitMap, UnitID: val})
		}
	}
	return out, v.Err()
}

// invalidRows downloads the rows of an upload that have errors, in the
// upload's format, with a column Fejl of their problems in Danish.
func (w *Web) invalidRows(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	im, err := w.store.FindImport(ctx, actor, r.PathValue("import"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	content, err := w.store.ImportContent(ctx, actor, im.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	src, err := uploadSource(im.FileName, content)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var buf bytes.Buffer
	if err := landscapeio.WriteInvalidRows(ctx, w.store, actor, im.OrganizationID, src, w.Danish, &buf); err != nil {
		w.fail(rw, r, err)
		return
	}
	writeDownload(rw, landscapeio.InvalidRowsName(im.FileName, src.Format()), src.Format(), buf.Bytes())
}

// Danish shows a stored English message of an import in Danish, for the
// column Fejl of the rows with errors.
func (w *Web) Danish(message string) string { return w.cat.sentence("da", message) }

// commitImport starts the commit in the background and shows its progress.
// With valid_only it commits the rows without errors; unit_<n> say what
// the unknown unit names stand for.
func (w *Web) commitImport(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) { // a form that cannot be read (too large, U+0000) commits nothing
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	id := r.PathValue("import")
	im, err := w.store.FindImport(ctx, actor, id)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	validOnly := r.PostFormValue("valid_only") == "true"
	if !im.Committable(validOnly) {
		w.fail(rw, r, samspil.Errorf(samspil.ECONFLICT, "the import cannot be committed; upload the file again"))
		return
	}
	choices, err := w.importChoices(r, im.OrganizationID, im.Report)
	if samspil.ErrorCode(err) == samspil.EINVALID {
		w.showImportWithError(rw, r, im, err)
		return
	} else if err != nil {
		w.fail(rw, r, err)
		return
	}
	opt := samspil.ImportOptions{ValidOnly: validOnly, Units: choices}
	content, err := w.store.ImportContent(ctx, actor, id)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	src, err := uploadSource(im.FileName, content)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	// Running (here, and for the other instances sharing the database)
	// before committing is stored, so that a page that reads "committing"
	// finds it running unless it has ended.
	release, err := w.store.HoldImportCommit(ctx, id)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	w.commits.set(id, 0)
	if err := w.store.SetImportStatus(ctx, actor, id, samspil.ImportCommitting, im.Report); err != nil {
		w.commits.done(id)
		release()
		w.fail(rw, r, err)
		return
	}
	// The commit outlives the request. A process shutting down waits for
	// it a while, then stops it: its transaction rolls back, and the import
	// is recorded as failed.
	bg, finish := w.commits.start(ctx)
	go func() {
		defer finish()
		defer w.commits.done(id)
		defer release() // after the outcome is written
		report, err := w.store.CommitImportWith(bg, actor, im.OrganizationID, src, opt, func(rows int) { w.commits.set(id, rows) })
		status := samspil.ImportCommitted
		if err != nil || report == nil || !report.Committed && report.ErrorCount > 0 && !validOnly {
			status = samspil.ImportFailed
			if err != nil {
				slog.ErrorContext(bg, "import commit", "error", err.Error(), "request_id", samspil.RequestID(bg))
				report = im.Report
			}
		}
		// The outcome is written even when the commit was stopped.
		record, cancel := context.WithTimeout(context.WithoutCancel(bg), 10*time.Second)
		defer cancel()
		if err := w.store.SetImportStatus(record, actor, id, status, report); err != nil {
			slog.ErrorContext(bg, "import status", "error", err.Error(), "request_id", samspil.RequestID(bg))
		}
	}()
	http.Redirect(rw, r, "/imports/"+id, http.StatusSeeOther)
}

// showImportWithError shows a previewed import again with the problem of
// its commit form.
func (w *Web) showImportWithError(rw http.ResponseWriter, r *http.Request, im *samspil.Import, formErr error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, im.OrganizationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := importData{Import: im, Org: org}
	if err := w.importExtras(r, &d); err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "import.title")
	w.withError(v, formErr)
	w.render(rw, r, httpx.Status(formErr), "import_status", v)
}

// export downloads an organisation's landscape as CSV or XLSX.
func (w *Web) export(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	kind, format := samspil.ImportKind(q.Get("what")), q.Get("format")
	if (kind != samspil.ImportSystems && kind != samspil.ImportUsages && kind != samspil.ImportContracts) || (format != "csv" && format != "xlsx") {
		w.fail(rw, r, samspil.ErrorAt(samspil.EINVALID, "what", "choose systems, usages or contracts as csv or xlsx"))
		return
	}
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var buf bytes.Buffer
	if err := landscapeio.Export(ctx, w.store, actor, org.ID, kind, format, &buf); err != nil {
		w.fail(rw, r, err)
		return
	}
	writeDownload(rw, exportName(org, kind, format), format, buf.Bytes())
}

// template downloads an empty import template.
func (w *Web) template(rw http.ResponseWriter, r *http.Request) {
	k, format, _ := strings.Cut(r.PathValue("file"), ".")
	kind := samspil.ImportKind(k)
	if (kind != samspil.ImportSystems && kind != samspil.ImportUsages && kind != samspil.ImportContracts) || (format != "csv" && format != "xlsx") {
		http.NotFound(rw, r)
		return
	}
	var buf bytes.Buffer
	if err := landscapeio.WriteTemplate(&buf, format, kind); err != nil {
		w.fail(rw, r, err)
		return
	}
	writeDownload(rw, "samspil-"+string(kind)+"."+format, format, buf.Bytes())
}

func exportName(org *samspil.Organization, kind samspil.ImportKind, format string) string {
	name := org.MunicipalityCode
	if name == "" {
		name = org.ID
	}
	return "samspil-" + name + "-" + string(kind) + "." + format
}

// writeDownload sends a file as an attachment.
func writeDownload(rw http.ResponseWriter, name, format string, body []byte) {
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	rw.Write(body)
}
