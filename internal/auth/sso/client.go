package sso

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// MaxResponseBytes caps what samspil reads from an identity provider in one
// answer (a discovery document, a key set, a token answer).
const MaxResponseBytes = 1 << 20

// Client is how samspil reaches identity providers. Administrators choose
// the addresses, so by default it reaches only public addresses: a
// provider's address must not be a way into the network samspil runs in.
// The check is made on the address dialled, after name resolution, so a
// name that resolves to a private address is refused as well.
type Client struct {
	// AllowPrivate lets it reach loopback, private and link-local
	// addresses: for a provider run beside samspil (development, tests) or
	// inside the municipality's own network.
	AllowPrivate bool
	Timeout      time.Duration // per request; 0 is 10 s

	once sync.Once
	http *http.Client
}

func (c *Client) timeout() time.Duration {
	if c == nil || c.Timeout <= 0 {
		return 10 * time.Second
	}
	return c.Timeout
}

// HTTP returns the client's HTTP client; it follows no redirects to
// private addresses either, and cuts answers at MaxResponseBytes.
func (c *Client) HTTP() *http.Client {
	if c == nil {
		c = &Client{}
	}
	c.once.Do(c.build)
	return c.http
}

func (c *Client) build() {
	allow := c.AllowPrivate
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		if allow {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if !PublicAddr(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: c.timeout(), MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute, ForceAttemptHTTP2: true}
	c.http = &http.Client{Timeout: c.timeout(), Transport: limitBody{tr},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		}}
}

// ErrPrivateAddress refuses a provider at a non-public address.
var ErrPrivateAddress = errors.New("identity providers at private, loopback or link-local addresses are not allowed here (start samspil with --sso-allow-private to allow them)")

// PublicAddr reports whether a is an address on the public internet.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(a) && !netip.MustParsePrefix("fc00::/7").Contains(a)
}

// limitBody cuts every answer body at MaxResponseBytes.
type limitBody struct{ next http.RoundTripper }

func (l limitBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.LimitReader(resp.Body, MaxResponseBytes), resp.Body}
	return resp, nil
}
