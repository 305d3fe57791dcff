package samspil

import (
	"math/rand/v2"
	"testing"
)

// TestUrgencyOf: a day within 30 days needs action now (the day itself
// too), within three months it is marked, later or passed it is not; and
// urgency never grows as the day moves away.
func TestUrgencyOf(t *testing.T) {
	today := NewDate(2026, 12, 6)
	cases := []struct {
		by   Date
		want Urgency
	}{
		{today.AddDays(-1), UrgencyNone},
		{today, UrgencyNow},
		{today.AddDays(30), UrgencyNow},
		{today.AddDays(31), UrgencySoon},
		{NewDate(2027, 3, 6), UrgencySoon},
		{NewDate(2027, 3, 7), UrgencyNone},
	}
	for _, c := range cases {
		if got := UrgencyOf(today, &c.by); got != c.want {
			t.Errorf("%s by %s: %q, want %q", today, c.by, got, c.want)
		}
	}
	if got := UrgencyOf(today, nil); got != UrgencyNone {
		t.Errorf("no date: %q", got)
	}
	rank := map[Urgency]int{UrgencyNow: 2, UrgencySoon: 1, UrgencyNone: 0}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		d := NewDate(2000+r.IntN(40), 1, 1).AddDays(r.IntN(366))
		a := d.AddDays(r.IntN(200))
		b := a.AddDays(1 + r.IntN(200))
		if rank[UrgencyOf(d, &a)] < rank[UrgencyOf(d, &b)] {
			t.Fatalf("on %s, %s is less urgent than the later %s", d, a, b)
		}
	}
}
