package kitos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client reads KITOS's API v2. It authenticates with a bearer token: the JWT
// that KITOS's POST /api/authorize/GetToken returns for a user with API
// access (KITOS's "API-bruger"); samspil never sees the password.
type Client struct {
	BaseURL string // e.g. https://kitos.dk
	Token   string
	HTTP    *http.Client

	PageSize   int           // items per page; KITOS allows 1 to 250 (BoundedPaginationConstraints)
	MaxPages   int           // pages of one list at most, so that a server that pages forever stops
	MaxBody    int64         // bytes of one response at most
	Timeout    time.Duration // per request
	Retries    int           // further attempts after a 5xx answer or a timeout: 0 means DefaultRetries, negative none
	Backoff    time.Duration // wait before the first retry; doubled for each further one
	UserAgent  string
	onRequest  func()    // counts requests (for the snapshot)
	lastDate   time.Time // the Date header of the last answer
	sleepForUs func(ctx context.Context, d time.Duration) error
}

// Defaults of a Client's bounds.
const (
	DefaultPageSize = 100
	MaxPageSize     = 250
	DefaultMaxPages = 2000
	DefaultMaxBody  = 32 << 20
	DefaultTimeout  = 60 * time.Second
	DefaultRetries  = 3
	DefaultBackoff  = 500 * time.Millisecond
)

func (c *Client) pageSize() int {
	if c.PageSize <= 0 {
		return DefaultPageSize
	}
	return min(c.PageSize, MaxPageSize)
}

func orDefault[T int | int64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// RequestError is a request that failed: it names the path and, for lists,
// the page.
type RequestError struct {
	Path   string
	Page   int // -1 for a request that is not a list page
	Status int // HTTP status, 0 when there was no answer
	Err    error
}

func (e *RequestError) Error() string {
	where := "GET " + e.Path
	if e.Page >= 0 {
		where += " page " + strconv.Itoa(e.Page)
	}
	return "KITOS " + where + ": " + e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// ErrUnauthorized is the error of a request KITOS refused for the token.
var ErrUnauthorized = errors.New("KITOS refused the token (401): it is missing, wrong or expired; get a new one with POST /api/authorize/GetToken")

// errRetry marks a failure worth another attempt.
type errRetry struct{ error }

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// get fetches path with query q and decodes the JSON answer into out,
// retrying 5xx answers and timeouts.
func (c *Client) get(ctx context.Context, path string, q url.Values, page int, out any) error {
	wait := orDefault(c.Backoff, DefaultBackoff)
	retries := c.Retries
	if retries < 0 {
		retries = 0
	} else if retries == 0 {
		retries = DefaultRetries
	}
	var err error
	for attempt := 0; ; attempt++ {
		var status int
		status, err = c.getOnce(ctx, path, q, out)
		var r errRetry
		if err == nil || !errors.As(err, &r) || attempt >= retries || ctx.Err() != nil {
			if err != nil {
				if errors.As(err, &r) {
					err = r.error
					if attempt > 0 {
						err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
					}
				}
				return &RequestError{Path: path, Page: page, Status: status, Err: err}
			}
			return nil
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return &RequestError{Path: path, Page: page, Err: serr}
		}
		wait *= 2
	}
}

func (c *Client) getOnce(ctx context.Context, path string, q url.Values, out any) (int, error) {
	if c.onRequest != nil {
		c.onRequest()
	}
	rctx, cancel := context.WithTimeout(ctx, orDefault(c.Timeout, DefaultTimeout))
	defer cancel()
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ne net.Error
		if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()) {
			return 0, errRetry{fmt.Errorf("no answer within %s", orDefault(c.Timeout, DefaultTimeout))}
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, errRetry{err}
	}
	defer resp.Body.Close()
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		c.lastDate = d
	}
	limit := orDefault(c.MaxBody, DefaultMaxBody)
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() == nil && rctx.Err() != nil {
			return resp.StatusCode, errRetry{fmt.Errorf("no answer within %s", orDefault(c.Timeout, DefaultTimeout))}
		}
		return resp.StatusCode, errRetry{fmt.Errorf("reading the answer: %w", err)}
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return resp.StatusCode, ErrUnauthorized
	case resp.StatusCode == http.StatusForbidden:
		return resp.StatusCode, errors.New("KITOS refused access (403): the token's user may not read this organisation's data")
	case resp.StatusCode >= 500:
		return resp.StatusCode, errRetry{fmt.Errorf("server error %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return resp.StatusCode, fmt.Errorf("unexpected status %d: %s", resp.StatusCode, snippet(body))
	}
	if int64(len(body)) > limit {
		return resp.StatusCode, fmt.Errorf("the answer is larger than %d bytes", limit)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp.StatusCode, fmt.Errorf("invalid JSON: %v", err)
	}
	return resp.StatusCode, nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// List reads the pages of a list from page first on and calls fn with each
// page's items, until a page is shorter than the page size. It stops with
// an error after MaxPages pages.
func (c *Client) List(ctx context.Context, path string, q url.Values, first int, fn func(page int, items []json.RawMessage) error) error {
	size := c.pageSize()
	maxPages := orDefault(c.MaxPages, DefaultMaxPages)
	for page := first; ; page++ {
		if page >= maxPages {
			return &RequestError{Path: path, Page: page, Err: fmt.Errorf("more than %d pages; stopping (does the server page forever?)", maxPages)}
		}
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("page", strconv.Itoa(page))
		pq.Set("pageSize", strconv.Itoa(size))
		var items []json.RawMessage
		if err := c.get(ctx, path, pq, page, &items); err != nil {
			return err
		}
		if len(items) > size {
			return &RequestError{Path: path, Page: page, Err: fmt.Errorf("%d items on a page of %d", len(items), size)}
		}
		if err := fn(page, items); err != nil {
			return err
		}
		if len(items) < size {
			return nil
		}
	}
}

// FindOrganization finds the KITOS organisation with the CVR number, or
// without one the name, among those the token's user is a member of.
func (c *Client) FindOrganization(ctx context.Context, cvr, name string) (*Organization, error) {
	q := url.Values{"onlyWhereUserHasMembership": {"true"}}
	what := "CVR " + cvr
	if cvr != "" {
		q.Set("cvrContent", cvr)
	} else {
		q.Set("nameContent", strings.TrimSpace(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), " kommune")))
		what = "the name " + name
	}
	var found []Organization
	err := c.List(ctx, "/api/v2/organizations", q, 0, func(page int, items []json.RawMessage) error {
		for _, raw := range items {
			var o Organization
			if err := json.Unmarshal(raw, &o); err != nil {
				return &RequestError{Path: "/api/v2/organizations", Page: page, Err: fmt.Errorf("invalid organisation: %v", err)}
			}
			if cvr != "" && o.CVR == cvr || cvr == "" && sameOrgName(o.Name, name) {
				found = append(found, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("KITOS: the token's user is a member of %d organisations with %s; want exactly one (give --kitos-org with its UUID)", len(found), what)
	}
	return &found[0], nil
}

// sameOrgName compares organisation names without case and without a
// trailing "Kommune": samspil may call it "Silkeborg", KITOS "Silkeborg
// Kommune".
func sameOrgName(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(s), " "))
		return strings.TrimSuffix(s, " kommune")
	}
	return norm(a) == norm(b)
}
