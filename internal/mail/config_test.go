package mail_test

import (
	"errors"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/mail"
)

func TestConfigValidate(t *testing.T) {
	valid := mail.Config{
		Host:     "smtp.kommune.dk",
		Port:     587,
		Username: "samspil",
		Password: "hemmeligt",
		From:     "samspil <noreply@kommune.dk>",
	}
	tests := []struct {
		name  string
		edit  func(c *mail.Config)
		field string // "" when valid
		msg   string
	}{
		{"valid", func(c *mail.Config) {}, "", ""},
		{"valid without auth", func(c *mail.Config) { c.Username, c.Password = "", "" }, "", ""},
		{"valid implicit TLS", func(c *mail.Config) { c.Port, c.Security = 465, mail.SecurityTLS }, "", ""},
		{"valid plain relay on localhost", func(c *mail.Config) { c.Host, c.Port, c.Security = "localhost", 25, mail.SecurityNone }, "", ""},
		{"valid auth to 127.0.0.1 unencrypted", func(c *mail.Config) { c.Host, c.Security = "127.0.0.1", mail.SecurityNone }, "", ""},
		{"valid IPv6", func(c *mail.Config) { c.Host = "2001:db8::25" }, "", ""},
		{"valid bare sender", func(c *mail.Config) { c.From = "noreply@kommune.dk" }, "", ""},
		{"valid Danish sender name", func(c *mail.Config) { c.From = "Samspil – Ærø Kommune <noreply@aeroe.dk>" }, "", ""},
		{"valid hello name", func(c *mail.Config) { c.HelloName = "samspil.kommune.dk" }, "", ""},
		{"valid hello literal", func(c *mail.Config) { c.HelloName = "[192.0.2.1]" }, "", ""},
		{"valid timeout", func(c *mail.Config) { c.Timeout = 10 * time.Second }, "", ""},

		{"no host", func(c *mail.Config) { c.Host = " " }, "host", "is required"},
		{"host with port", func(c *mail.Config) { c.Host = "smtp.kommune.dk:587" }, "host", "must not include the port; set the port separately"},
		{"host is a URL", func(c *mail.Config) { c.Host = "smtp://smtp.kommune.dk" }, "host", "must be a host name or IP address such as smtp.example.dk"},
		{"host with space", func(c *mail.Config) { c.Host = "smtp kommune.dk" }, "host", "must be a host name or IP address such as smtp.example.dk"},
		{"no port", func(c *mail.Config) { c.Port = 0 }, "port", "is required"},
		{"port too large", func(c *mail.Config) { c.Port = 70000 }, "port", "must be a port number from 1 to 65535"},
		{"negative port", func(c *mail.Config) { c.Port = -1 }, "port", "must be a port number from 1 to 65535"},
		{"unknown security", func(c *mail.Config) { c.Security = "ssl" }, "security", "must be none, starttls or tls"},
		{"password in clear text", func(c *mail.Config) { c.Security = mail.SecurityNone }, "security", "must be starttls or tls when a username is set, unless the host is localhost"},
		{"password in clear text by default", func(c *mail.Config) { c.Host, c.Port = "localhost.kommune.dk", 25 }, "", ""},
		{"no password", func(c *mail.Config) { c.Password = "" }, "password", "is required when a username is set"},
		{"no username", func(c *mail.Config) { c.Username = "" }, "username", "is required when a password is set"},
		{"no sender", func(c *mail.Config) { c.From = "" }, "from", "is required"},
		{"bad sender", func(c *mail.Config) { c.From = "samspil" }, "from", "must be an e-mail address such as name@example.dk"},
		{"sender without domain dot", func(c *mail.Config) { c.From = "noreply@localhost" }, "from", "must be an e-mail address such as name@example.dk"},
		{"sender with line break", func(c *mail.Config) { c.From = "samspil\r\n <noreply@kommune.dk>" }, "from", "must be an e-mail address such as name@example.dk"},
		{"bad hello name", func(c *mail.Config) { c.HelloName = "samspil\r\nMAIL FROM:<x@y.dk>" }, "hello_name", "must be a host name such as mail.kommune.dk"},
		{"negative timeout", func(c *mail.Config) { c.Timeout = -time.Second }, "timeout", "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var e *samspil.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v; want a *samspil.Error", err)
			}
			if e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != tt.field || e.Message != tt.msg {
				t.Errorf("Validate() = %v; want %s: %s", err, tt.field, tt.msg)
			}
			if _, err := mail.NewSMTP(c); err == nil {
				t.Errorf("NewSMTP accepted the config")
			}
		})
	}
}
