package web

import (
	"testing"

	"github.com/samspil/samspil"
)

// TestParseKroner reads amounts as Danes type them: dots group thousands
// ("5.000" is five thousand), a comma starts the øre; a lone dot with one
// or two digits after it is a decimal point; anything else is refused.
func TestParseKroner(t *testing.T) {
	for in, want := range map[string]samspil.DKK{
		"": 0, "5.000": 5000_00, "-1.250.000": -1250000_00, "125.000,50": 125000_50, "125000,5": 125000_50,
		"125000.50": 125000_50, "125 000": 125000_00, "12,5": 12_50, "1.5": 1_50, "0,01": 1,
	} {
		if got, ok := parseKroner(in); !ok || got != want {
			t.Errorf("parseKroner(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"1.25.0", "5.0000", "fem", "1,2,3", "12,345"} {
		if got, ok := parseKroner(in); ok {
			t.Errorf("parseKroner(%q) = %v; want refused", in, got)
		}
	}
}
