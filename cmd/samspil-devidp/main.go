// Command samspil-devidp runs a small OpenID Connect identity provider with
// four fictional users of Silkeborg Kommune, to try single sign-on with the
// demo. It asks for no password, so it is for development and tests only.
//
//	go run ./cmd/samspil-devidp
//	go run ./cmd/samspil-devidp -addr 127.0.0.1:9998 -client-id samspil-demo \
//		-client-secret demo-secret -redirect http://localhost:8080/login/sso/callback
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/samspil/samspil/internal/devidp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx is done and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("samspil-devidp", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", devidp.DemoAddr, "address to listen on; a loopback address unless -allow-remote is given")
	issuer := flags.String("issuer", "", `issuer URL, as clients reach it (default "http://" + addr)`)
	clientID := flags.String("client-id", devidp.DemoClientID, "the client's id")
	clientSecret := flags.String("client-secret", devidp.DemoClientSecret, "the client's secret")
	redirect := flags.String("redirect", devidp.DemoRedirectURI+" "+strings.Replace(devidp.DemoRedirectURI, "localhost", "127.0.0.1", 1),
		"the client's redirect URIs, separated by spaces; empty allows any http(s) URI")
	allowRemote := flags.Bool("allow-remote", false, "allow listening on an address other machines can reach")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "samspil-devidp: unexpected arguments: %s\n", strings.Join(flags.Args(), " "))
		return 2
	}
	if !*allowRemote && !isLoopback(*addr) {
		fmt.Fprintf(stderr, "samspil-devidp: refusing to listen on %s: it is not a loopback address (127.0.0.1, ::1 or localhost).\n"+
			"The development IdP signs anyone in as any of its users without a password, so it listens only where\n"+
			"nobody else can reach it. Give -allow-remote to listen on %s anyway.\n", *addr, *addr)
		return 2
	}
	if *issuer == "" {
		*issuer = "http://" + *addr
	}
	redirects := strings.Fields(*redirect)

	p, err := devidp.New(devidp.Config{
		Issuer:       *issuer,
		ClientID:     *clientID,
		ClientSecret: *clientSecret,
		RedirectURIs: redirects,
		Users:        devidp.DemoUsers(),
	})
	if err != nil {
		fmt.Fprintf(stderr, "samspil-devidp: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "samspil-devidp: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           p.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}

	printInfo(stdout, p, *clientID, *clientSecret, redirects)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "samspil-devidp: %v\n", err)
		return 1
	case <-ctx.Done():
	}

	fmt.Fprintln(stdout, "stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "samspil-devidp: shutdown: %v\n", err)
		return 1
	}
	return 0
}

func printInfo(w io.Writer, p *devidp.Provider, clientID, clientSecret string, redirects []string) {
	fmt.Fprintln(w, "samspil-devidp: an OpenID Connect provider for development and tests only, never for production")
	fmt.Fprintf(w, "  issuer:        %s\n", p.Issuer())
	fmt.Fprintf(w, "  discovery:     %s/.well-known/openid-configuration\n", p.Issuer())
	fmt.Fprintf(w, "  client id:     %s\n", clientID)
	fmt.Fprintf(w, "  client secret: %s\n", clientSecret)
	if len(redirects) == 0 {
		fmt.Fprintln(w, "  redirect URI:  any http or https URI")
	} else {
		fmt.Fprintf(w, "  redirect URI:  %s\n", strings.Join(redirects, ", "))
	}
	fmt.Fprintln(w, "  users:")
	for _, u := range devidp.DemoUsers() {
		groups := "no groups"
		if len(u.Groups) > 0 {
			groups = "groups " + strings.Join(u.Groups, ", ")
		}
		fmt.Fprintf(w, "    %-16s %-14s %-27s %s\n", u.Subject, u.Name, u.Email, groups)
	}
	fmt.Fprintln(w, "Stop with Ctrl+C.")
}

// isLoopback reports whether addr (host:port) names a loopback host. An
// empty host means all interfaces, which is not.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
