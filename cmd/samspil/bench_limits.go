package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/web"
)

// Limits under load (the reliability issue): samspil serving the demo as a
// process of its own gets the load check's mix at 200 requests/s, alone and
// then beside hostile clients: slow ones (a request's head or body sent a
// few bytes at a time, answers read slowly), oversized bodies to the API,
// the pages' forms and the imports, deeply nested JSON and bodies of very
// many fields. Every hostile request must be refused with a 4xx, or its
// connection closed by the server's timeouts; no request of the mix may
// fail; samspil's memory must stay bounded. Then an export of a large
// landscape is started and its client goes away: the work must stop
// within a second.

const (
	// limitsP99RatioMax is the timing target: the mix's p99 beside the
	// hostile clients at most twice its p99 alone.
	limitsP99RatioMax = 2.0
	// limitsMemoryGrowthMax bounds samspil's resident memory during the
	// attack over what it was before. A body over its limit is refused
	// from its length, or (an upload sent without one) kept on disk while
	// it is read, so samspil holds little for the hostile clients: the
	// 256 KiB of a JSON body, the 64 KiB of a form, the slow readers'
	// answers. 200 MB is room for that, the mix's own work and Go's
	// collector, which lets the heap reach twice its live data; it is
	// what a single 50 MiB upload held in memory with its buffers'
	// growth would exceed (two chunked uploads at once, before they went
	// to disk, took 400 to 500 MB). More means a body, an answer or a
	// slow client is held without bound.
	limitsMemoryGrowthMax = 200e6
	// limitsCancelMax is the promise: the work of a request stops within
	// this of its client going away.
	limitsCancelMax = time.Second

	limitsSlowHeaders = 40 // connections sending their request's head a header a second
	limitsSlowBodies  = 10 // connections sending their body 8 bytes every half second
	limitsSlowReaders = 8  // connections reading a large answer 4 KiB at a time
	limitsBodyWorkers = 2  // clients sending oversized bodies, one after another
	limitsContracts   = 30000

	// limitsSlack is how long past a server's timeout a connection may
	// stay open before it counts as not closed.
	limitsSlack = 3 * time.Second
	// limitsAPIBodyTime is how long the API waits for a request's body
	// (huma's default BodyReadTimeout, which samspil keeps).
	limitsAPIBodyTime = 5 * time.Second
	// limitsAnswerTime bounds the answer to an oversized body sent at full
	// speed.
	limitsAnswerTime = 30 * time.Second
)

// hostileRequest is a request written by hand on a connection of its own,
// as a hostile client would: its head, then a body sent whole with its
// length, chunked without one, or a few bytes at a time.
type hostileRequest struct {
	method, path string
	header       http.Header
	body         func() io.Reader // nil: none
	length       int64            // the body's length; -1: sent chunked
	trickle      bool             // the body 8 bytes every half second
	slowHead     bool             // the head a header a second, never ended
	// limit is how long the server may take to answer or close the
	// connection.
	limit time.Duration
	// mayClose says that the server may close the connection without an
	// answer (a slow client cut off by a timeout).
	mayClose bool
}

func (q hostileRequest) String() string {
	s := q.method + " " + strings.SplitN(q.path, "?", 2)[0]
	switch {
	case q.slowHead:
		s += ", head a header a second"
	case q.trickle:
		s += fmt.Sprintf(", %s body 8 bytes every 0.5 s", q.header.Get("Content-Type"))
	case q.body != nil && q.length < 0:
		s += fmt.Sprintf(", %s body chunked", q.header.Get("Content-Type"))
	case q.body != nil:
		s += fmt.Sprintf(", %s body of %s", q.header.Get("Content-Type"), megabytes(q.length))
	}
	return s
}

func megabytes(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(n)/1e3)
}

// exchange is what came of a hostile request.
type exchange struct {
	status int           // the answer's status; 0: none
	closed bool          // the server closed the connection without an answer
	open   bool          // neither answered nor closed within the limit
	took   time.Duration // until the answer, the close or the limit
	err    error         // the client could not connect
}

// send sends q on a connection of its own and reads the answer as it comes,
// while the body is still being sent.
func (q hostileRequest) send(addr string) exchange {
	start := time.Now()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return exchange{err: err}
	}
	defer conn.Close() // which also ends the writer
	answer := make(chan exchange, 1)
	go func() {
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answer <- exchange{closed: true, took: time.Since(start)}
			return
		}
		answer <- exchange{status: res.StatusCode, took: time.Since(start)}
	}()
	go q.write(conn)
	select {
	case x := <-answer:
		return x
	case <-time.After(q.limit):
		return exchange{open: true, took: time.Since(start)}
	}
}

// write sends the request until it is sent or the connection fails.
func (q hostileRequest) write(conn net.Conn) {
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", q.method, q.path)
	q.header.Write(&head)
	if q.body != nil {
		if q.length >= 0 {
			fmt.Fprintf(&head, "Content-Length: %d\r\n", q.length)
		} else {
			head.WriteString("Transfer-Encoding: chunked\r\n")
		}
	}
	if q.slowHead {
		if _, err := io.WriteString(conn, head.String()); err != nil {
			return
		}
		for i := 0; ; i++ {
			time.Sleep(time.Second)
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: %d\r\n", i, i); err != nil {
				return
			}
		}
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil || q.body == nil {
		return
	}
	body := q.body()
	var w io.Writer = conn
	if q.length < 0 {
		cw := httputil.NewChunkedWriter(conn)
		w = cw
		defer func() {
			if cw.Close() == nil {
				io.WriteString(conn, "\r\n")
			}
		}()
	}
	if !q.trickle {
		io.Copy(w, body)
		return
	}
	buf := make([]byte, 8)
	for {
		n, err := io.ReadFull(body, buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// repeated reads its bytes over and over.
type repeated struct {
	b   []byte
	off int
}

func (r *repeated) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

// bodyOf is a body of prefix, then n bytes of fill over and over, then
// suffix, and its length.
func bodyOf(prefix, fill, suffix string, n int64) (func() io.Reader, int64) {
	return func() io.Reader {
		return io.MultiReader(strings.NewReader(prefix), io.LimitReader(&repeated{b: []byte(fill)}, n), strings.NewReader(suffix))
	}, int64(len(prefix)) + n + int64(len(suffix))
}

// hostileRow counts the hostile requests of one kind.
type hostileRow struct {
	name                             string
	requests, refused, closed, wrong int
	statuses                         map[int]int
	examples                         []string // the first wrong ones
}

func (h *hostileRow) add(q hostileRequest, x exchange) {
	h.requests++
	if h.statuses == nil {
		h.statuses = map[int]int{}
	}
	h.statuses[x.status]++
	why := ""
	switch {
	case x.err != nil:
		why = "could not connect: " + x.err.Error()
	case x.open:
		why = fmt.Sprintf("neither answered nor closed within %s", q.limit)
	case x.closed && q.mayClose:
		h.closed++
	case x.closed:
		why = fmt.Sprintf("the connection closed without an answer after %s", x.took.Round(time.Millisecond))
	case x.status >= 400 && x.status < 500:
		h.refused++
	default:
		why = fmt.Sprintf("answered %d after %s", x.status, x.took.Round(time.Millisecond))
	}
	if why != "" {
		h.wrong++
		if len(h.examples) < 3 {
			h.examples = append(h.examples, q.String()+": "+why)
		}
	}
}

// hostileWorkers run hostile clients until stop is closed; each ends the
// request it is sending (bounded by its limit) before it returns.
type hostileWorkers struct {
	addr string
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	rows map[string]*hostileRow
}

// run has n clients send requests, by turns, until stop.
func (h *hostileWorkers) run(row string, n int, requests []hostileRequest) {
	h.mu.Lock()
	if h.rows[row] == nil {
		h.rows[row] = &hostileRow{name: row}
	}
	r := h.rows[row]
	h.mu.Unlock()
	for c := range n {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for i := c; ; i++ {
				select {
				case <-h.stop:
					return
				default:
				}
				q := requests[i%len(requests)]
				x := q.send(h.addr)
				h.mu.Lock()
				r.add(q, x)
				h.mu.Unlock()
			}
		}()
	}
}

// slowReaders has n clients ask for path and read each answer 4 KiB every
// 100 ms, over and over until stop. Each answer must be a 200.
func (h *hostileWorkers) slowReaders(row string, n int, path string, header http.Header) {
	r := &hostileRow{name: row, statuses: map[int]int{}}
	h.mu.Lock()
	h.rows[row] = r
	h.mu.Unlock()
	note := func(status int, why string) {
		h.mu.Lock()
		defer h.mu.Unlock()
		r.requests++
		r.statuses[status]++
		if why == "" {
			return
		}
		r.wrong++
		if len(r.examples) < 3 {
			r.examples = append(r.examples, "GET "+strings.SplitN(path, "?", 2)[0]+" read slowly: "+why)
		}
	}
	for range n {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for {
				select {
				case <-h.stop:
					return
				default:
				}
				status, why := h.readSlowly(path, header)
				note(status, why)
			}
		}()
	}
}

// readSlowly asks for path and reads the answer slowly, to its end or
// until stop; why says what was wrong.
func (h *hostileWorkers) readSlowly(path string, header http.Header) (int, string) {
	conn, err := net.DialTimeout("tcp", h.addr, 5*time.Second)
	if err != nil {
		return 0, "could not connect: " + err.Error()
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096) // the answer waits at the server, not in this client
	var head strings.Builder
	fmt.Fprintf(&head, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path)
	header.Write(&head)
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		return 0, "could not send: " + err.Error()
	}
	res, err := http.ReadResponse(bufio.NewReaderSize(conn, 4096), nil)
	if err != nil {
		return 0, "no answer: " + err.Error()
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, fmt.Sprintf("answered %d", res.StatusCode)
	}
	buf := make([]byte, 4096)
	for {
		select {
		case <-h.stop:
			return res.StatusCode, ""
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := io.ReadFull(res.Body, buf); err == io.EOF || err == io.ErrUnexpectedEOF {
			return res.StatusCode, ""
		} else if err != nil {
			return res.StatusCode, "the answer broke off: " + err.Error()
		}
	}
}

// cancelFigures are what the cancellation found.
type cancelFigures struct {
	route   string
	whole   time.Duration // the export read to its end
	bytes   int64
	handler time.Duration // from the disconnect until its handler returned
	// queries is, on PostgreSQL, from the disconnect until the last query
	// of samspil's seen active; seen says whether any was seen at all
	// while the export ran.
	queries  time.Duration
	seen     bool
	postgres bool
}

// limitsResult is what the limits check found.
type limitsResult struct {
	alone, beside                loadFiguresAt
	ratio                        float64
	rows                         []*hostileRow
	readerAnswer                 int64 // bytes of the answer the slow readers read
	rssBefore, rssPeak, rssAfter float64
	cancel                       cancelFigures
	contracts                    int
	problems                     []string // broken promises
	misses                       []string // timing targets missed, reported with their ratio
}

// limitsCheck runs the check on the load environment env, whose database is
// dsn: København is given contracts contracts for a large export; the mix
// runs for d alone and d beside the hostile clients.
func limitsCheck(ctx context.Context, env *loadEnvironment, dsn string, d time.Duration, contracts int) (limitsResult, error) {
	var r limitsResult
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return r, err
	}
	big, err := benchMunicipality(ctx, db, "0101", "graenser@koebenhavn.example", contracts)
	db.Close()
	if err != nil {
		return r, fmt.Errorf("København's contracts: %w", err)
	}
	r.contracts = big.contracts
	base := env.proc.base
	u, _ := url.Parse(base)
	person := env.people[0]

	// A client goes away from an export of København's contracts.
	r.cancel, err = cancelOnDisconnect(ctx, base, "/api/v1/exports?organization_id="+big.orgID+"&what=contracts&format=xlsx", big.token, dsn, env.postgres)
	if err != nil {
		return r, fmt.Errorf("cancellation: %w", err)
	}
	if r.cancel.handler > limitsCancelMax {
		r.problems = append(r.problems, fmt.Sprintf("the export's handler ran on for %s after its client went away, more than %s", r.cancel.handler.Round(time.Millisecond), limitsCancelMax))
	}
	if r.cancel.queries > limitsCancelMax {
		r.problems = append(r.problems, fmt.Sprintf("PostgreSQL ran samspil's queries for %s after the export's client went away, more than %s", r.cancel.queries.Round(time.Millisecond), limitsCancelMax))
	}

	// What the hostile clients send to: a unit of Silkeborg's to change,
	// a collaboration for the documents form.
	unit, err := apiJSON(ctx, http.MethodPost, base+"/api/v1/organizations/"+person.org+"/units", person.token, `{"kind":"team","name":"Grænsernes enhed"}`)
	if err != nil {
		return r, err
	}
	collabs, err := apiJSON(ctx, http.MethodGet, base+"/api/v1/collaborations?limit=1", person.token, "")
	if err != nil {
		return r, err
	}
	var collab string
	if items, _ := collabs["items"].([]any); len(items) > 0 {
		collab, _ = items[0].(map[string]any)["id"].(string)
	}
	if collab == "" {
		return r, fmt.Errorf("the demo has no collaboration")
	}
	readerPath := "/api/v1/contracts?organization_id=" + big.orgID + "&limit=500"
	res, err := apiGet(ctx, base+readerPath, big.token)
	if err != nil {
		return r, err
	}
	r.readerAnswer = int64(len(res))
	requests := hostileRequests(person, unit["id"].(string), collab)

	// A first burst, not measured; then the mix alone.
	attackAt(base, env.people, targetLoadRate, 3*time.Second, nil)
	r.alone = attackAt(base, env.people, targetLoadRate, d, nil)
	time.Sleep(time.Second)
	before, err := readProcessFigures(base)
	if err != nil {
		return r, err
	}
	r.rssBefore, r.rssPeak = before.rss, before.rss

	// The mix beside the hostile clients, samspil's memory sampled.
	h := &hostileWorkers{addr: u.Host, stop: make(chan struct{}), rows: map[string]*hostileRow{}}
	sampling := make(chan struct{})
	sampled := make(chan error, 1)
	go func() {
		for {
			f, err := readProcessFigures(base)
			if err != nil {
				sampled <- err
				return
			}
			r.rssPeak = max(r.rssPeak, f.rss)
			select {
			case <-sampling:
				sampled <- nil
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()
	rowNames := []string{
		fmt.Sprintf("slow heads, %d connections", limitsSlowHeaders),
		fmt.Sprintf("slow bodies, %d connections, API and forms", limitsSlowBodies),
		fmt.Sprintf("slow readers of %s, %d connections", megabytes(r.readerAnswer), limitsSlowReaders),
		fmt.Sprintf("oversized bodies, %d clients, API, forms, uploads", limitsBodyWorkers),
		"deep nesting, many fields, 1 client, API and forms",
	}
	h.run(rowNames[0], limitsSlowHeaders, requests.slowHeads)
	h.run(rowNames[1], limitsSlowBodies, requests.slowBodies)
	h.slowReaders(rowNames[2], limitsSlowReaders, readerPath, http.Header{"Authorization": {"Bearer " + big.token}})
	h.run(rowNames[3], limitsBodyWorkers, requests.oversized)
	h.run(rowNames[4], 1, requests.nested)
	r.beside = attackAt(base, env.people, targetLoadRate, d, nil)
	close(h.stop)
	h.wg.Wait()
	close(sampling)
	if err := <-sampled; err != nil {
		return r, err
	}
	after, err := readProcessFigures(base)
	if err != nil {
		return r, err
	}
	r.rssAfter = after.rss
	for _, name := range rowNames {
		r.rows = append(r.rows, h.rows[name])
	}

	// The verdicts.
	for _, f := range []struct {
		what string
		f    loadFiguresAt
	}{{"alone", r.alone}, {"beside the hostile clients", r.beside}} {
		if f.f.errors > 0 {
			r.problems = append(r.problems, fmt.Sprintf("%d of %d requests of the mix failed %s (%s; status %s)", f.f.errors, f.f.requests, f.what, f.f.firstErrors, f.f.statusCounts))
		}
	}
	r.ratio = float64(r.beside.allP99) / float64(r.alone.allP99)
	if r.ratio > limitsP99RatioMax {
		r.misses = append(r.misses, fmt.Sprintf("the mix's p99 beside the hostile clients is %s, %.2f times its %s alone (target at most %.0f times)",
			r.beside.allP99.Round(time.Microsecond), r.ratio, r.alone.allP99.Round(time.Microsecond), limitsP99RatioMax))
	}
	for _, row := range r.rows {
		if row.requests == 0 {
			r.problems = append(r.problems, row.name+": no request was made")
		}
		for _, e := range row.examples {
			r.problems = append(r.problems, row.name+": "+e)
		}
		if row.wrong > len(row.examples) {
			r.problems = append(r.problems, fmt.Sprintf("%s: %d more wrong (statuses %v)", row.name, row.wrong-len(row.examples), row.statuses))
		}
	}
	if grew := r.rssPeak - r.rssBefore; grew > limitsMemoryGrowthMax {
		r.problems = append(r.problems, fmt.Sprintf("resident memory grew by %.0f MB during the attack (%.0f MB to %.0f MB), more than %.0f MB",
			grew/1e6, r.rssBefore/1e6, r.rssPeak/1e6, limitsMemoryGrowthMax/1e6))
	}
	return r, nil
}

// hostileSet is the hostile requests, by kind.
type hostileSet struct {
	slowHeads, slowBodies, oversized, nested []hostileRequest
}

// hostileRequests are the hostile requests, signed in as person (the
// API with the token, the pages with the session), to a unit of theirs
// and a collaboration.
func hostileRequests(person loadPerson, unit, collab string) hostileSet {
	var s hostileSet
	api := func(ct string) http.Header {
		return http.Header{"Authorization": {"Bearer " + person.token}, "Content-Type": {ct}}
	}
	page := func(ct string) http.Header {
		return http.Header{"Cookie": {person.cookie}, "Content-Type": {ct}}
	}
	const boundary = "graense-boundary-0123456789"
	multipart := "multipart/form-data; boundary=" + boundary
	filePart := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n--" + boundary +
		"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stor.csv\"\r\nContent-Type: text/csv\r\n\r\nNavn*\r\n"
	fileEnd := "\r\n--" + boundary + "--\r\n"
	units := "/api/v1/organizations/" + person.org + "/units"
	unitForm := "/organizations/" + person.org + "/units"
	imports := "/api/v1/imports?organization_id=" + person.org + "&file_name=stor.csv"

	s.slowHeads = []hostileRequest{{method: http.MethodGet, path: "/", header: http.Header{}, slowHead: true,
		limit: server.ReadHeaderTimeout + limitsSlack, mayClose: true}}
	slowJSON, n := bodyOf(`{"kind":"team","name":"`, "a", `"}`, 4000)
	slowForm, m := bodyOf("kind=team&name=", "a", "", 4000)
	s.slowBodies = []hostileRequest{
		{method: http.MethodPost, path: units, header: api("application/json"), body: slowJSON, length: n, trickle: true,
			limit: limitsAPIBodyTime + limitsSlack, mayClose: true},
		{method: http.MethodPost, path: unitForm, header: page("application/x-www-form-urlencoded"), body: slowForm, length: m, trickle: true,
			limit: web.FormReadTimeout + limitsSlack, mayClose: true},
	}

	over := func(method, path string, h http.Header, prefix, fill, suffix string, size int64, chunked bool) hostileRequest {
		body, n := bodyOf(prefix, fill, suffix, size)
		if chunked {
			n = -1
		}
		return hostileRequest{method: method, path: path, header: h, body: body, length: n, limit: limitsAnswerTime}
	}
	const mb = 1_000_000
	s.oversized = []hostileRequest{
		over(http.MethodPost, units, api("application/json"), `{"kind":"team","name":"`, "a", `"}`, 30*mb, false),
		over(http.MethodPatch, units+"/"+unit, api("application/json"), `{"name":"`, "a", `"}`, 30*mb, true),
		over(http.MethodPost, unitForm, page("application/x-www-form-urlencoded"), "kind=team&name=", "a", "", 30*mb, false),
		over(http.MethodPost, unitForm, page("application/x-www-form-urlencoded"), "kind=team&name=", "a", "", 30*mb, true),
		over(http.MethodPost, unitForm, page(multipart), filePart, "Stort system\r\n", fileEnd, 20*mb, false),
		over(http.MethodPost, "/collaborations/"+collab+"/documents", page(multipart), filePart, "Stort dokument\r\n", fileEnd, 60*mb, false),
		over(http.MethodPost, "/organizations/"+person.org+"/import", page(multipart), filePart, "Stort system\r\n", fileEnd, 100*mb, false),
		over(http.MethodPost, "/organizations/"+person.org+"/import", page(multipart), filePart, "Stort system\r\n", fileEnd, 60*mb, true),
		over(http.MethodPost, imports, api("application/octet-stream"), "Navn*\r\n", "Stort system\r\n", "", 100*mb, false),
		over(http.MethodPost, imports, api("application/octet-stream"), "Navn*\r\n", "Stort system\r\n", "", 60*mb, true),
	}

	var keys strings.Builder
	keys.WriteString("{")
	for i := range 20000 {
		fmt.Fprintf(&keys, `"k%d":1,`, i)
	}
	keys.WriteString(`"kind":"team"}`)
	var fields strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&fields, "f%d=1&", i)
	}
	fields.WriteString("kind=team")
	s.nested = []hostileRequest{
		over(http.MethodPost, units, api("application/json"), "", "[", "", 1_000_000, false),
		over(http.MethodPost, units, api("application/json"), "", "[", "", 200_000, false),
		over(http.MethodPost, units, api("application/json"), "", `{"a":`, "", 200_000, true),
		over(http.MethodPatch, units+"/"+unit, api("application/json"), keys.String(), " ", "", 0, false),
		over(http.MethodPost, units, api("application/json"), `{"kind":"team","name":"x","parent_id":`, "9", "}", 200_000, false),
		over(http.MethodPost, unitForm, page("application/json"), "", "[", "", 1_000_000, false),
		over(http.MethodPost, unitForm, page("application/x-www-form-urlencoded"), fields.String(), " ", "", 0, false),
	}
	return s
}

// apiJSON sends body (none when empty) with the token and reads the JSON
// object answered.
func apiJSON(ctx context.Context, method, address, token, body string) (map[string]any, error) {
	status, b, err := tokenRequest(ctx, address, token, method, "", body)
	if err != nil {
		return nil, err
	}
	if status >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, address, status, http.StatusText(status))
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// apiGet reads the answer to GET address with the token.
func apiGet(ctx context.Context, address, token string) ([]byte, error) {
	status, b, err := tokenRequest(ctx, address, token, http.MethodGet, "", "")
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", address, status, http.StatusText(status))
	}
	return b, err
}

// cancelOnDisconnect reads the export at path whole, to know how long it
// takes; then starts it again and goes away 200 ms in, and measures how
// long samspil works on: until the route has no request in flight (its
// /metrics) and, on PostgreSQL, until no query of samspil's is active
// (pg_stat_activity).
func cancelOnDisconnect(ctx context.Context, base, path, token, dsn string, postgres bool) (cancelFigures, error) {
	c := cancelFigures{route: "GET " + strings.SplitN(path, "?", 2)[0], postgres: postgres}
	start := time.Now()
	whole, err := apiGet(ctx, base+path, token)
	if err != nil {
		return c, err
	}
	c.whole, c.bytes = time.Since(start), int64(len(whole))
	var pg *sql.DB
	if postgres {
		if pg, err = sql.Open("pgx", dsn); err != nil {
			return c, err
		}
		defer pg.Close()
		pg.SetMaxOpenConns(1)
	}
	active := func() (int, error) {
		if pg == nil {
			return 0, nil
		}
		var n int
		err := pg.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state = 'active'`).Scan(&n)
		return n, err
	}
	if _, err := active(); err != nil { // connected before the measurement
		return c, err
	}

	reqCtx, leave := context.WithCancel(ctx)
	defer leave()
	req, _ := http.NewRequestWithContext(reqCtx, http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	done := make(chan error, 1)
	start = time.Now()
	go func() {
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		done <- err
	}()
	// In flight, then 200 ms in the client goes away.
	for {
		n, err := inFlight(base, c.route)
		if err != nil {
			return c, err
		}
		if n > 0 {
			break
		}
		if time.Since(start) > 5*time.Second {
			return c, fmt.Errorf("the export was never in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for time.Since(start) < 200*time.Millisecond {
		n, err := active()
		if err != nil {
			return c, err
		}
		c.seen = c.seen || n > 0
		time.Sleep(10 * time.Millisecond)
	}
	leave()
	gone := time.Now()
	if err := <-done; err == nil {
		return c, fmt.Errorf("the export was read whole within 200 ms: make it larger")
	}
	// Until the handler has returned and, a moment after, PostgreSQL has
	// no query active (the export's queries come one after another).
	var returned time.Time
	for {
		n, err := inFlight(base, c.route)
		if err != nil {
			return c, err
		}
		q, err := active()
		if err != nil {
			return c, err
		}
		now := time.Now()
		if q > 0 {
			c.seen = true
			c.queries = now.Sub(gone)
		}
		if n == 0 && returned.IsZero() {
			returned = now
			c.handler = now.Sub(gone)
		}
		switch {
		case !returned.IsZero() && now.Sub(returned) > 300*time.Millisecond:
			return c, nil
		case now.Sub(gone) > 10*time.Second:
			if returned.IsZero() {
				c.handler = now.Sub(gone)
			}
			return c, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// inFlight reads from samspil's /metrics how many requests of the route
// are in flight.
func inFlight(base, route string) (float64, error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	want := `samspil_http_requests_in_flight{route="` + route + `"} `
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), want); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, sc.Err()
}

// printLimits prints the check's rows in the table of bench reliability.
func printLimits(w io.Writer, engine string, d time.Duration, r limitsResult) {
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10s\n", "", "p99 alone", "p99 beside", "ratio", "errors")
	fmt.Fprintf(w, "%-58s %10s %10s %10.2f %10d\n", fmt.Sprintf("limits: mix at %d/s for %s, alone and beside hostiles, %s", targetLoadRate, d, engine),
		ms(r.alone.allP99), ms(r.beside.allP99), r.ratio, r.alone.errors+r.beside.errors)
	fmt.Fprintf(w, "%-58s %10s %10s %10.2f %10s\n", "  target", "-", "-", limitsP99RatioMax, "0")
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10s\n", "", "requests", "4xx", "closed", "broken")
	for _, row := range r.rows {
		refused := strconv.Itoa(row.refused)
		if strings.HasPrefix(row.name, "slow readers") {
			refused = "-" // they are answered 200, read slowly
		}
		fmt.Fprintf(w, "%-58s %10d %10s %10d %10d\n", "  "+row.name+", "+engine, row.requests, refused, row.closed, row.wrong)
	}
	grew := r.rssPeak - r.rssBefore
	broken := 0
	if grew > limitsMemoryGrowthMax {
		broken = 1
	}
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10d\n", "  resident memory before, at the peak, after (MB), "+engine,
		fmt.Sprintf("%.0f", r.rssBefore/1e6), fmt.Sprintf("%.0f", r.rssPeak/1e6), fmt.Sprintf("%.0f", r.rssAfter/1e6), broken)
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10s\n", "  target: at most this over before (MB)", "-", fmt.Sprintf("+%.0f", limitsMemoryGrowthMax/1e6), "-", "0")
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10s\n", "", "whole", "handler", "queries", "broken")
	queries := "-"
	switch {
	case r.cancel.postgres && r.cancel.seen:
		queries = ms(r.cancel.queries)
	case r.cancel.postgres:
		queries = "none seen" // no query of the export's caught active, before or after
	}
	broken = 0
	if r.cancel.handler > limitsCancelMax || r.cancel.queries > limitsCancelMax {
		broken = 1
	}
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10d\n", fmt.Sprintf("  export of %d contracts (%s), client gone at 200 ms, %s", r.contracts, megabytes(r.cancel.bytes), engine),
		ms(r.cancel.whole), ms(r.cancel.handler), queries, broken)
	fmt.Fprintf(w, "%-58s %10s %10s %10s %10s\n", "  target: work stopped within", "-", ms(limitsCancelMax), ms(limitsCancelMax), "0")
}
