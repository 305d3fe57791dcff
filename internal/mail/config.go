package mail

import (
	"crypto/tls"
	"net"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// Security says how the connection to the SMTP server is protected.
type Security string

// The kinds of connection security. The zero value picks one from the
// port and host; see [Config.Security].
const (
	// SecurityNone sends everything, including the password, in clear
	// text. Use it only for a relay on localhost or a trusted network.
	SecurityNone Security = "none"
	// SecuritySTARTTLS connects in clear text and upgrades with STARTTLS
	// before anything else is sent (submission, usually port 587). Sending
	// fails when the server does not offer STARTTLS.
	SecuritySTARTTLS Security = "starttls"
	// SecurityTLS speaks TLS from the first byte (implicit TLS, usually
	// port 465).
	SecurityTLS Security = "tls"
)

// Defaults applied by [NewSMTP] to the zero values of [Config].
const (
	DefaultHelloName = "localhost"
	DefaultTimeout   = 30 * time.Second
)

// Config says how to reach the SMTP server.
type Config struct {
	// Host is the SMTP server's host name or IP address, without port.
	Host string
	// Port is the SMTP server's TCP port, usually 587 (STARTTLS) or 465
	// (implicit TLS).
	Port int

	// Username and Password are optional; when set the client logs in with
	// AUTH PLAIN, which it does only over TLS or STARTTLS, or to localhost
	// (localhost, 127.0.0.1 or ::1), so that the password never crosses a
	// network in clear text.
	Username, Password string

	// Security is "none", "starttls" or "tls". When empty it is "tls" for
	// port 465, "starttls" for port 587, "none" for localhost (localhost,
	// 127.0.0.1 or ::1) and "starttls" otherwise, so an unencrypted
	// connection to another machine must be asked for explicitly.
	Security Security

	// From is the sender, as an address with an optional display name,
	// e.g. "samspil <noreply@kommune.dk>". It is both the From header and
	// the envelope sender (MAIL FROM).
	From string

	// HelloName is the name the client gives in EHLO; default "localhost".
	HelloName string

	// Timeout bounds the TCP connect and each following command (greeting,
	// EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA); default 30s. A deadline of
	// the context given to Send applies as well.
	Timeout time.Duration

	// TLSConfig is optional, e.g. for tests that trust a custom root. It
	// is cloned; ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Validate checks the configuration and returns an EINVALID *samspil.Error
// naming the first offending field: host, port, security, username,
// password, from, hello_name or timeout.
func (c Config) Validate() error {
	switch {
	case strings.TrimSpace(c.Host) == "":
		return samspil.ErrorAt(samspil.EINVALID, "host", "is required")
	case net.ParseIP(c.Host) != nil:
	case strings.Contains(c.Host, ":") && !strings.Contains(c.Host, "/"):
		return samspil.ErrorAt(samspil.EINVALID, "host", "must not include the port; set the port separately")
	case !validHostName(c.Host):
		return samspil.ErrorAt(samspil.EINVALID, "host", "must be a host name or IP address such as smtp.example.dk")
	}

	switch {
	case c.Port == 0:
		return samspil.ErrorAt(samspil.EINVALID, "port", "is required")
	case c.Port < 1 || c.Port > 65535:
		return samspil.ErrorAt(samspil.EINVALID, "port", "must be a port number from 1 to 65535")
	}

	switch c.Security {
	case "", SecurityNone, SecuritySTARTTLS, SecurityTLS:
	default:
		return samspil.ErrorAt(samspil.EINVALID, "security", "must be none, starttls or tls")
	}

	if c.Username != "" || c.Password != "" {
		switch {
		case c.Username == "":
			return samspil.ErrorAt(samspil.EINVALID, "username", "is required when a password is set")
		case c.Password == "":
			return samspil.ErrorAt(samspil.EINVALID, "password", "is required when a username is set")
		case c.security() == SecurityNone && !isLocalhost(c.Host):
			return samspil.ErrorAt(samspil.EINVALID, "security", "must be starttls or tls when a username is set, unless the host is localhost")
		}
	}

	if strings.TrimSpace(c.From) == "" {
		return samspil.ErrorAt(samspil.EINVALID, "from", "is required")
	}
	if _, err := parseFrom(c.From); err != nil {
		return samspil.ErrorAt(samspil.EINVALID, "from", "must be an e-mail address such as name@example.dk")
	}

	if c.HelloName != "" && !validHelloName(c.HelloName) {
		return samspil.ErrorAt(samspil.EINVALID, "hello_name", "must be a host name such as mail.kommune.dk")
	}
	if c.Timeout < 0 {
		return samspil.ErrorAt(samspil.EINVALID, "timeout", "must not be negative")
	}
	return nil
}

// security returns the configured security or the default for the port
// and host.
func (c Config) security() Security {
	switch {
	case c.Security != "":
		return c.Security
	case c.Port == 465:
		return SecurityTLS
	case c.Port == 587:
		return SecuritySTARTTLS
	case isLocalhost(c.Host):
		return SecurityNone
	default:
		return SecuritySTARTTLS
	}
}

// withDefaults returns c with the zero values replaced by defaults.
func (c Config) withDefaults() Config {
	c.Security = c.security()
	if c.HelloName == "" {
		c.HelloName = DefaultHelloName
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// parseFrom parses the sender, with or without a display name.
func parseFrom(s string) (Address, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return Address{}, err
	}
	if err := checkAddress(*a); err != nil {
		return Address{}, err
	}
	return *a, nil
}

// isLocalhost mirrors the check of net/smtp's PlainAuth, which sends a
// password over an unencrypted connection only to these names.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// validHelloName reports whether s may follow EHLO: a host name or an
// address literal such as [192.0.2.1].
func validHelloName(s string) bool {
	if lit, ok := strings.CutPrefix(s, "["); ok {
		lit, ok = strings.CutSuffix(lit, "]")
		return ok && net.ParseIP(strings.TrimPrefix(lit, "IPv6:")) != nil
	}
	return validHostName(s)
}

// validHostName reports whether s looks like a DNS name or IPv4 address:
// dot-separated labels of ASCII letters, digits, hyphens and underscores.
func validHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	if net.ParseIP(s) != nil {
		return true
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_':
			default:
				return false
			}
		}
	}
	return true
}
