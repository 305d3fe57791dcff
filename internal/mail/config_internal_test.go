package mail

import (
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		host     string
		port     int
		security Security
		want     Security
	}{
		{"smtp.kommune.dk", 587, "", SecuritySTARTTLS},
		{"smtp.kommune.dk", 465, "", SecurityTLS},
		{"smtp.kommune.dk", 25, "", SecuritySTARTTLS},
		{"localhost", 25, "", SecurityNone},
		{"127.0.0.1", 2525, "", SecurityNone},
		{"localhost", 465, "", SecurityTLS},
		{"localhost", 587, "", SecuritySTARTTLS},
		{"smtp.kommune.dk", 25, SecurityNone, SecurityNone},
		{"smtp.kommune.dk", 587, SecurityTLS, SecurityTLS},
	}
	for _, tt := range tests {
		c := Config{Host: tt.host, Port: tt.port, Security: tt.security}.withDefaults()
		if c.Security != tt.want {
			t.Errorf("%s:%d with %q: Security = %q, want %q", tt.host, tt.port, tt.security, c.Security, tt.want)
		}
		if c.HelloName != "localhost" || c.Timeout != 30*time.Second {
			t.Errorf("HelloName = %q, Timeout = %s", c.HelloName, c.Timeout)
		}
	}
	c := Config{HelloName: "samspil.dk", Timeout: time.Second}.withDefaults()
	if c.HelloName != "samspil.dk" || c.Timeout != time.Second {
		t.Errorf("defaults overrode HelloName = %q, Timeout = %s", c.HelloName, c.Timeout)
	}
}
