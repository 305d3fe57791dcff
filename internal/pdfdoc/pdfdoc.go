// Package pdfdoc writes simple printable documents as PDF: a title,
// headed sections of paragraphs, bullet lists, tables and small line
// charts, on A4 pages numbered in the footer. The caller writes every
// text in the reader's language; pdfdoc only lays it out. It uses the PDF
// standard fonts, whose Windows-1252 encoding holds Danish (æ, ø, å) and
// the dashes and quotes of ordinary text; other characters become "?".
package pdfdoc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Doc is a document.
type Doc struct {
	Title    string
	Subtitle string
	Lang     string    // BCP 47, e.g. "da"
	Footer   string    // before the page number, e.g. "samspil – side"
	Created  time.Time // the document's creation date (zero: now)
	Sections []Section
}

// Section is a heading and what follows it, in this order: paragraphs,
// bullets, charts, the table.
type Section struct {
	Heading string
	Text    []string
	Bullets []string
	Charts  []Chart
	Table   *Table
}

// Table is a table with a header row. Widths are the columns' shares of
// the page's width (they need not sum to 1: they are scaled); Right marks
// the columns aligned right (numbers).
type Table struct {
	Header []string
	Rows   [][]string
	Widths []float64
	Right  []bool
}

// Chart is a labelled line of values from 0 to Top, one a month, with a
// dashed threshold (when Threshold is 0 or more) and crosses on the
// values that raised a warning.
type Chart struct {
	Label     string
	Note      string // the value in words, right of the line
	Values    []Point
	Top       int
	Threshold int
	First     string // under the start of the line
	Last      string // under its end
}

// Point is one value of a chart.
type Point struct {
	Value int
	Known bool
	Warn  bool
}

// Page geometry, in millimetres.
const (
	margin   = 15.0
	pageW    = 210.0
	contentW = pageW - 2*margin
	lineH    = 5.0
)

// Write writes the document as PDF.
func Write(w io.Writer, d *Doc) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // Windows-1252
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("samspil", true)
	if d.Lang != "" {
		pdf.SetLang(d.Lang)
	}
	created := d.Created
	if created.IsZero() {
		created = time.Now()
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+5)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s %d/{nb}", d.Footer, pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "B", 17)
	pdf.MultiCell(contentW, 8, tr(d.Title), "", "L", false)
	if d.Subtitle != "" {
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(contentW, 6, tr(d.Subtitle), "", "L", false)
	}
	pdf.Ln(3)
	for _, s := range d.Sections {
		writeSection(pdf, tr, &s)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

func writeSection(pdf *fpdf.Fpdf, tr func(string) string, s *Section) {
	// Keep a heading with at least a few lines of what follows.
	if _, pageH := pdf.GetPageSize(); pdf.GetY() > pageH-margin-40 {
		pdf.AddPage()
	}
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.MultiCell(contentW, 7, tr(s.Heading), "", "L", false)
	pdf.Ln(1)
	pdf.SetFont("Helvetica", "", 10)
	for _, p := range s.Text {
		pdf.MultiCell(contentW, lineH, tr(p), "", "L", false)
		pdf.Ln(1)
	}
	for _, b := range s.Bullets {
		x := pdf.GetX()
		pdf.CellFormat(5, lineH, tr("–"), "", 0, "L", false, 0, "")
		pdf.MultiCell(contentW-5, lineH, tr(b), "", "L", false)
		pdf.SetX(x)
		pdf.Ln(0.5)
	}
	for _, c := range s.Charts {
		writeChart(pdf, tr, &c)
	}
	if s.Table != nil {
		writeTable(pdf, tr, s.Table)
	}
}

// writeTable writes a table whose cells wrap; a row never splits over two
// pages, and the header repeats on a new page.
func writeTable(pdf *fpdf.Fpdf, tr func(string) string, t *Table) {
	n := len(t.Header)
	widths := make([]float64, n)
	sum := 0.0
	for i := range n {
		w := 1.0
		if i < len(t.Widths) && t.Widths[i] > 0 {
			w = t.Widths[i]
		}
		widths[i] = w
		sum += w
	}
	for i := range widths {
		widths[i] = widths[i] / sum * contentW
	}
	align := func(i int) string {
		if i < len(t.Right) && t.Right[i] {
			return "R"
		}
		return "L"
	}
	var row func(cells []string, bold bool)
	row = func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 9)
		lines := 1
		split := make([][]string, n)
		for i := range n {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			split[i] = wrap(pdf, text, widths[i]-2)
			lines = max(lines, len(split[i]))
		}
		h := float64(lines)*4.5 + 1.5
		if _, pageH := pdf.GetPageSize(); pdf.GetY()+h > pageH-margin-5 {
			pdf.AddPage()
			if !bold {
				row(t.Header, true)
				pdf.SetFont("Helvetica", "", 9)
			}
		}
		x, y := pdf.GetX(), pdf.GetY()
		if bold {
			pdf.SetFillColor(230, 232, 236)
			pdf.Rect(x, y, contentW, h, "F")
		}
		for i := range n {
			for j, line := range split[i] {
				pdf.SetXY(x+1, y+0.75+float64(j)*4.5)
				pdf.CellFormat(widths[i]-2, 4.5, tr(line), "", 0, align(i), false, 0, "")
			}
			x += widths[i]
		}
		pdf.SetDrawColor(190, 190, 190)
		pdf.Line(margin, y+h, margin+contentW, y+h)
		pdf.SetXY(margin, y+h)
	}
	row(t.Header, true)
	for _, r := range t.Rows {
		row(r, false)
	}
	pdf.Ln(2)
}

// wrap splits UTF-8 text into the lines that fit width in the current
// font (the caller translates each line), keeping the text's own breaks.
func wrap(pdf *fpdf.Fpdf, text string, width float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		lines := pdf.SplitText(para, width)
		if len(lines) == 0 {
			lines = []string{""}
		}
		out = append(out, lines...)
	}
	return out
}

// lines writes lines from (x, y), one under the other.
func lines(pdf *fpdf.Fpdf, tr func(string) string, x, y, w float64, ls []string) {
	for j, l := range ls {
		pdf.SetXY(x, y+float64(j)*4.5)
		pdf.CellFormat(w, 4.5, tr(l), "", 0, "L", false, 0, "")
	}
}

// writeChart draws one labelled line, its label left and its note right.
func writeChart(pdf *fpdf.Fpdf, tr func(string) string, c *Chart) {
	const labelW, chartW, chartH, noteW = 50.0, 75.0, 12.0, contentW - 50.0 - 75.0 - 4
	pdf.SetFont("Helvetica", "", 9)
	label, note := wrap(pdf, c.Label, labelW-2), wrap(pdf, c.Note, noteW)
	h := max(chartH+6, float64(max(len(label), len(note)))*4.5+2)
	if _, pageH := pdf.GetPageSize(); pdf.GetY()+h > pageH-margin-5 {
		pdf.AddPage()
	}
	x0, y0 := margin, pdf.GetY()
	lines(pdf, tr, x0, y0, labelW-2, label)
	cx, cy := x0+labelW, y0
	top := max(c.Top, 1)
	y := func(v int) float64 { return cy + chartH*(1-float64(min(max(v, 0), top))/float64(top)) }
	x := func(i int) float64 {
		if len(c.Values) < 2 {
			return cx + chartW/2
		}
		return cx + chartW*float64(i)/float64(len(c.Values)-1)
	}
	pdf.SetDrawColor(120, 120, 120)
	pdf.SetLineWidth(0.2)
	pdf.Line(cx, cy+chartH, cx+chartW, cy+chartH)
	if c.Threshold >= 0 {
		pdf.SetDrawColor(176, 41, 46)
		pdf.SetDashPattern([]float64{1, 1}, 0)
		pdf.Line(cx, y(c.Threshold), cx+chartW, y(c.Threshold))
		pdf.SetDashPattern([]float64{}, 0)
	}
	pdf.SetDrawColor(0, 89, 179)
	pdf.SetLineWidth(0.4)
	for i := 1; i < len(c.Values); i++ {
		a, b := c.Values[i-1], c.Values[i]
		if a.Known && b.Known {
			pdf.Line(x(i-1), y(a.Value), x(i), y(b.Value))
		}
	}
	pdf.SetDrawColor(176, 41, 46)
	pdf.SetLineWidth(0.25)
	for i, p := range c.Values {
		if p.Known && p.Warn {
			px, py := x(i), y(p.Value)
			pdf.Line(px-0.8, py-0.8, px+0.8, py+0.8)
			pdf.Line(px-0.8, py+0.8, px+0.8, py-0.8)
		}
	}
	pdf.SetLineWidth(0.2)
	pdf.SetFont("Helvetica", "", 7)
	pdf.SetTextColor(80, 80, 80)
	pdf.SetXY(cx, cy+chartH+0.5)
	pdf.CellFormat(chartW/2, 3, tr(c.First), "", 0, "L", false, 0, "")
	pdf.CellFormat(chartW/2, 3, tr(c.Last), "", 0, "R", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "", 9)
	lines(pdf, tr, cx+chartW+4, cy, noteW, note)
	pdf.SetXY(margin, y0+h)
}
