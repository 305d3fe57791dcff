package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpapi"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/testkit"
)

// rawRequest writes a request with a body of size bytes the way many HTTP
// clients do, the whole body before reading anything, and then reads the
// answer. It fails the test if the body cannot be sent.
func rawRequest(t *testing.T, app *testkit.App, head string, size int) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "%sContent-Length: %d\r\n\r\n", head, size)
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'x'
	}
	for sent := 0; sent < size; {
		n, err := conn.Write(chunk[:min(len(chunk), size-sent)])
		if err != nil {
			t.Fatalf("sending the body failed after %d of %d bytes: %v", sent+n, size, err)
		}
		sent += n
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return res, b
}

// TestOversizedBodyIsAnswered sends bodies over the limit as clients do that
// send everything before reading (Python's urllib): they receive the 413
// problem document, not a reset connection, and a body far beyond what the
// server drains still ends the connection in bounded time.
func TestOversizedBodyIsAnswered(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		_, secret, err := app.DB.CreateToken(context.Background(), testkit.System, w.sAdmin.User.ID, samspil.TokenInput{Name: "raw"})
		if err != nil {
			t.Fatal(err)
		}
		post := "POST /api/v1/organizations/" + w.silkeborg.ID + "/units HTTP/1.1\r\nHost: samspil.test\r\nContent-Type: application/json\r\n"

		// 4 MiB, sixteen times the limit of a JSON body.
		res, body := rawRequest(t, app, post+"Authorization: Bearer "+secret+"\r\n", 4<<20)
		if res.StatusCode != 413 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), `"code":"too_large"`) {
			t.Fatalf("oversized body: %d %s", res.StatusCode, body)
		}
		// Turned away before the body is read at all: the answer arrives too.
		res, body = rawRequest(t, app, post, 4<<20)
		if res.StatusCode != 401 || !strings.Contains(string(body), `"code":"unauthorized"`) {
			t.Fatalf("anonymous oversized body: %d %s", res.StatusCode, body)
		}
		// A form post to the pages, over their limit.
		res, _ = rawRequest(t, app, "POST /login HTTP/1.1\r\nHost: samspil.test\r\nSec-Fetch-Site: same-origin\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\n", 3<<20)
		if res.StatusCode != 413 {
			t.Fatalf("oversized form: %d", res.StatusCode)
		}

		// Far beyond the drain bound: the answer comes first, then the
		// server stops reading and ends the connection.
		conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(time.Minute))
		const huge = 1 << 30
		fmt.Fprintf(conn, "%sAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", post, secret, huge)
		sent := make(chan int64, 1)
		go func() {
			n, _ := io.Copy(conn, io.LimitReader(zeros{}, huge))
			sent <- n
		}()
		br := bufio.NewReader(conn)
		answer, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("reading the answer: %v", err)
		}
		if answer.StatusCode != 413 || !answer.Close || answer.ContentLength <= 0 {
			t.Fatalf("answer %d, close %v, length %d", answer.StatusCode, answer.Close, answer.ContentLength)
		}
		io.Copy(io.Discard, answer.Body)
		n := <-sent
		if n >= huge {
			t.Fatal("the server read the whole gigabyte")
		}
		if n > 4*httpx.DrainBytes {
			t.Errorf("the server took %d MiB", n>>20)
		}
		if _, err := br.ReadByte(); err == nil || isTimeout(err) {
			t.Fatalf("the connection stayed open: %v", err)
		}

		// A client that stops sending mid-body: the server waits at most
		// DrainTime, then ends the connection.
		conn2, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn2.Close()
		conn2.SetDeadline(time.Now().Add(4 * httpx.DrainTime))
		fmt.Fprintf(conn2, "%sAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", post, secret, 100<<20)
		if _, err := io.Copy(conn2, io.LimitReader(zeros{}, 1<<20)); err != nil {
			t.Fatal(err)
		}
		br = bufio.NewReader(conn2)
		answer, err = http.ReadResponse(br, nil)
		if err != nil || answer.StatusCode != 413 || answer.ContentLength <= 0 {
			t.Fatalf("stalled client: %v %v", answer, err)
		}
		io.Copy(io.Discard, answer.Body)
		start := time.Now()
		if _, err := br.ReadByte(); err == nil || isTimeout(err) {
			t.Fatalf("the connection of a stalled client stayed open: %v", err)
		}
		t.Logf("a stalled client's connection ended %v after the answer", time.Since(start).Round(100*time.Millisecond))
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// saidTooLarge posts to path a body said to be size bytes long and sends
// none of it: the answer must come from the head alone.
func saidTooLarge(t *testing.T, app *testkit.App, path string, size int64, headers string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: samspil.test\r\n%sContent-Length: %d\r\n\r\n", path, headers, size)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body was not sent: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// A body said to be over its route's limit is refused with 413 before any
// of it is read (not read up to the limit first, 50 MiB for an import), and
// changes nothing.
func TestBodySaidTooLargeIsRefusedAtOnce(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		_, secret, err := app.DB.CreateToken(ctx, testkit.System, w.sAdmin.User.ID, samspil.TokenInput{Name: "raw"})
		if err != nil {
			t.Fatal(err)
		}
		// The token's first use is recorded: before the fingerprint.
		first, _ := http.NewRequest("GET", app.URL+"/api/v1/organizations/0740", nil)
		first.Header.Set("Authorization", "Bearer "+secret)
		if res, err := http.DefaultClient.Do(first); err != nil || res.StatusCode != 200 {
			t.Fatalf("first use of the token: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path, contentType string
			size              int64
		}{
			{"/api/v1/imports?organization_id=0740&file_name=stor.csv", "application/octet-stream", httpapi.MaxImportBytes + 1},
			{"/api/v1/imports?organization_id=0740&file_name=stor.csv", "application/octet-stream", 100 << 20},
			{"/api/v1/organizations/" + w.silkeborg.ID + "/units", "application/json", httpapi.MaxBodyBytes + 1},
		} {
			res, body := saidTooLarge(t, app, c.path, c.size, "Authorization: Bearer "+secret+"\r\nContent-Type: "+c.contentType+"\r\n")
			if res.StatusCode != 413 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), `"code":"too_large"`) {
				t.Errorf("%s, %d bytes said: %d %s", c.path, c.size, res.StatusCode, body)
			}
		}
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("a refused body changed the database")
		}
	})
}

// An upload sent without a length (chunked) is taken as one with a length;
// over the limit it is refused with 413, having been kept on disk rather
// than in memory, and changes nothing.
func TestUploadWithoutLength(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		_, secret, err := app.DB.CreateToken(ctx, testkit.System, w.sAdmin.User.ID, samspil.TokenInput{Name: "chunked"})
		if err != nil {
			t.Fatal(err)
		}
		post := func(body io.Reader) (*http.Response, []byte) {
			t.Helper()
			req, err := http.NewRequest("POST", app.URL+"/api/v1/imports?organization_id=0740&file_name=systemer.csv", body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = -1 // chunked
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/octet-stream")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, b
		}
		res, body := post(io.MultiReader(strings.NewReader("Navn*\r\n"), strings.NewReader("Uden længde\r\n")))
		var im samspil.Import
		if res.StatusCode != 201 || json.Unmarshal(body, &im) != nil || im.Report == nil || im.Report.Rows != 1 {
			t.Fatalf("a small upload without a length: %d %s", res.StatusCode, body)
		}
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, body = post(io.MultiReader(strings.NewReader("Navn*\r\n"), io.LimitReader(zeros{}, httpapi.MaxImportBytes+1)))
		if res.StatusCode != 413 || !strings.Contains(string(body), `"code":"too_large"`) {
			t.Fatalf("an upload over the limit without a length: %d %s", res.StatusCode, body)
		}
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("a refused upload changed the database")
		}
	})
}
