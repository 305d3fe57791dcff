package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/tabular"
)

// exportColumns are the export's columns: their catalogue keys and kinds.
var exportColumns = []struct {
	key  string
	kind tabular.CellKind
}{
	{"initiatives.export.title", tabular.KindText},
	{"initiatives.export.owner", tabular.KindText},
	{"initiatives.export.collaboration", tabular.KindText},
	{"initiatives.export.model", tabular.KindText},
	{"initiatives.export.phase", tabular.KindText},
	{"initiatives.export.phase_since", tabular.KindDate},
	{"initiatives.export.binding", tabular.KindNumber},
	{"initiatives.export.voluntary", tabular.KindNumber},
	{"initiatives.export.pledged", tabular.KindNumber},
	{"initiatives.export.development", tabular.KindAmount},
	{"initiatives.export.operation", tabular.KindAmount},
	{"initiatives.export.cost_key", tabular.KindText},
}

// exportInitiatives sends the portfolio the reader sees, under the board's
// filters, as XLSX (typed cells: dates as dates, counts as numbers,
// budgets in kroner) or CSV, in the reader's language.
func (w *Web) exportInitiatives(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		w.fail(rw, r, samspil.ErrorAt(samspil.EINVALID, "format", "choose csv or xlsx"))
		return
	}
	xs, err := w.portfolio(ctx, actor, readBoardFilter(r.URL.Query()))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	names := w.initiativeNames(lang)
	var buf bytes.Buffer
	tw := tabular.NewCSVWriter(&buf)
	if format == "xlsx" {
		tw = tabular.NewXLSXWriter(&buf, w.cat.text(lang, "initiatives.export.sheet"))
	}
	header := make([]string, len(exportColumns))
	kinds := make([]tabular.CellKind, len(exportColumns))
	for i, c := range exportColumns {
		header[i], kinds[i] = w.cat.text(lang, c.key), c.kind
	}
	write := func() error {
		if err := tw.SetColumnKinds(kinds); err != nil {
			return err
		}
		if err := tw.WriteHeader(header); err != nil {
			return err
		}
		for i := range xs {
			x := &xs[i]
			dev, op := x.Budget.Development, x.Budget.Operation
			f := firmnessOf(x)
			if err := tw.WriteCells([]tabular.Cell{
				tabular.TextCell(x.Title), tabular.TextCell(x.OwnerName), tabular.TextCell(x.CollaborationName),
				tabular.TextCell(names.Model[x.Model]), tabular.TextCell(names.Phase[x.Phase]), tabular.DateCell(x.PhaseSince),
				countCell(f.Binding), countCell(f.Voluntary), countCell(f.Pledged),
				kronerCell(dev), kronerCell(op), tabular.TextCell(w.cat.text(lang, "cost_key."+string(x.Cost.Key))),
			}); err != nil {
				return err
			}
		}
		return tw.Close()
	}
	if err := write(); err != nil {
		_ = tw.Close()
		w.fail(rw, r, err)
		return
	}
	writeDownload(rw, "samspil-"+w.cat.text(lang, "initiatives.export.file")+"."+format, format, buf.Bytes())
}

func countCell(n int) tabular.Cell { return tabular.NumberCell(float64(n), strconv.Itoa(n)) }

// kronerCell is an amount in kroner, written in CSV with a decimal comma
// as Danish spreadsheets read it: 125000,50.
func kronerCell(d samspil.DKK) tabular.Cell {
	return tabular.AmountCell(float64(d)/100, strings.Replace(d.String(), ".", ",", 1))
}
