package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// hostileReturnTo are return_to values that must not be followed: each
// leaves the site, or does in some browser once it drops or reads a
// character differently, or once something decodes it again.
var hostileReturnTo = []string{
	"",
	"https://evil.example",
	"http:/evil.example",
	"//evil.example",
	"///evil.example",
	"/\\evil.example",
	"\\\\evil.example",
	"/\\/evil.example",
	"/x\\y",
	"\t/evil.example",
	"/\t/evil.example",
	"/\n/evil.example",
	"/\r/evil.example",
	"/\r\n/evil.example",
	"/\x00/evil.example",
	"/\x7f/evil.example",
	"/organizations\x1b",
	"/\u0085/evil.example", // NEL, a C1 control
	"/\u200b/evil.example", // zero-width space
	"/\u202e/elpmaxe.live", // right-to-left override
	"/\ufeff/evil.example", // byte order mark
	"/\u2028/evil.example", // line separator
	"/%09/evil.example",    // a tab once decoded
	"/%0a/evil.example",    // a newline once decoded
	"/%00/evil.example",    // NUL once decoded
	"/%2F/evil.example",    // "//" once decoded
	"/%5Cevil.example",     // "/\" once decoded
	"/%E2%80%AE/evil",      // right-to-left override once decoded
	"/%zz",                 // not decodable
	"/organizations\xff",   // not UTF-8
	"evil.example",
	"javascript:alert(1)",
	" /organizations",
	"./organizations",
	"?next=/",
}

func TestLocalPath(t *testing.T) {
	for _, p := range hostileReturnTo {
		if got := localPath(p, "/fallback"); got != "/fallback" {
			t.Errorf("localPath(%q) = %q, want the fallback", p, got)
		}
	}
	for _, p := range []string{
		"/",
		"/organizations",
		"/organizations?q=silkeborg&kind=municipality",
		"/organizations/0740/audit?cursor=x",
		"/collaborations/abc#chairs",
		"/organizations?q=%C3%A6bler", // percent-encoded text is fine
		"/organizations?q=a%2Fb",
		"/systems/æøå",
	} {
		if got := localPath(p, "/fallback"); got != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, got)
		}
	}
}

// Every hostile value sent as a form or query value, the way a browser
// encodes it, arrives decoded and is refused.
func TestLocalPathFromForms(t *testing.T) {
	for _, p := range hostileReturnTo {
		r := httptest.NewRequest(http.MethodGet, "/login?return_to="+url.QueryEscape(p), nil)
		if got := localPath(r.URL.Query().Get("return_to"), "/fallback"); got != "/fallback" {
			t.Errorf("return_to=%s gives %q", url.QueryEscape(p), got)
		}
	}
}
