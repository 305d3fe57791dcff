package httpx

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func TestCompress(t *testing.T) {
	page := strings.Repeat("<p>Silkeborg og Viborg samarbejder om it.</p>\n", 200)
	h := Compress()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/secret":
			DontCompress(w)
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 1000))
			return
		case "/small":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<p>kort</p>"))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	get := func(method, path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		name, method, path, accept, want string
	}{
		{"gzip", "GET", "/", "gzip", "gzip"},
		{"zstd preferred", "GET", "/", "gzip, zstd", "zstd"},
		{"no encoding accepted", "GET", "/", "", ""},
		{"a post shows secrets", "POST", "/", "gzip, zstd", ""},
		{"a page with a secret", "GET", "/secret", "gzip, zstd", ""},
		{"already compressed formats", "GET", "/png", "gzip", ""},
		{"small bodies", "GET", "/small", "gzip", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := get(c.method, c.path, c.accept)
			if got := rec.Header().Get("Content-Encoding"); got != c.want {
				t.Fatalf("Content-Encoding %q, want %q", got, c.want)
			}
			if rec.Header().Get("No-Gzip-Compression") != "" {
				t.Fatal("the marker header left the server")
			}
			var body []byte
			var err error
			switch c.want {
			case "gzip":
				var zr *gzip.Reader
				if zr, err = gzip.NewReader(rec.Body); err == nil {
					body, err = io.ReadAll(zr)
				}
			case "zstd":
				var zr *zstd.Decoder
				if zr, err = zstd.NewReader(rec.Body); err == nil {
					body, err = io.ReadAll(zr)
					zr.Close()
				}
			default:
				body = rec.Body.Bytes()
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.path == "/" || c.path == "/secret" {
				if string(body) != page {
					t.Fatalf("body differs after decoding (%d bytes)", len(body))
				}
				if c.want != "" && rec.Body.Len()*4 > len(page) {
					t.Fatalf("compressed %d bytes to %d", len(page), rec.Body.Len())
				}
			}
		})
	}
}
