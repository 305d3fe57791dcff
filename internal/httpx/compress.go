package httpx

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressedTypes are the text formats samspil serves; images, fonts,
// spreadsheets (zip) and other compressed formats pass through as they are.
var compressedTypes = []string{"text/html", "application/json", "application/problem+json", "text/css", "text/javascript",
	"application/javascript", "image/svg+xml", "text/calendar", "text/csv", "text/plain", "application/geo+json"}

// Compress compresses responses with zstd or gzip, as the client accepts
// (zstd preferred), through klauspost/compress's gzhttp. Bodies under 1 KiB
// stay as they are.
//
// BREACH: a compressed response that holds a secret together with input an
// attacker chooses leaks the secret through its length. So nothing is
// compressed that answers a request other than GET or HEAD (those create
// and show tokens, feed addresses and invitation links), nor a response
// whose handler called DontCompress because it shows a secret (the account
// page with its feed address, feed pages, the join and password-reset
// pages, a forum with its calendar address). The session cookie travels in
// headers, which are not compressed here, and is SameSite=Lax, so other
// sites cannot make a browser fetch pages with it in the first place.
func Compress() Middleware {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.ContentTypes(compressedTypes))
	if err != nil {
		panic(err) // only for invalid options
	}
	return func(next http.Handler) http.Handler {
		compressed := wrap(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				DontCompress(w)
			}
			compressed.ServeHTTP(w, r)
		})
	}
}

// DontCompress keeps this response uncompressed: call it before writing a
// response that shows a secret (see Compress). Compress removes the marker
// header before the response leaves.
func DontCompress(w http.ResponseWriter) {
	w.Header().Set(gzhttp.HeaderNoCompression, "1")
}
