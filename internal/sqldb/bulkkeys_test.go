package sqldb

import (
	"strconv"
	"testing"
)

func TestKeySet(t *testing.T) {
	var s keySet
	const n = 200_000 // many slot-table growths and text blocks
	for i := 0; i < n; i++ {
		if first, dup := s.first("usage:", "system "+strconv.Itoa(i), i+2); dup || first != i+2 {
			t.Fatalf("key %d: first %d, dup %v", i, first, dup)
		}
	}
	for i := 0; i < n; i += 997 {
		if first, dup := s.first("usage:", "system "+strconv.Itoa(i), n+10); !dup || first != i+2 {
			t.Fatalf("key %d again: first %d, dup %v; want line %d", i, first, dup, i+2)
		}
	}
	// The prefix keeps kinds apart; the key is the text of both.
	for _, c := range []struct{ prefix, key string }{{"system:", "system 5"}, {"usage:", ""}, {"usage:", "system 5 "}, {"usage:", "system 5x"}} {
		if _, dup := s.first(c.prefix, c.key, 1); dup {
			t.Fatalf("%q %q taken for a key seen before", c.prefix, c.key)
		}
	}
	if first, dup := s.first("usage:", "", 7); !dup || first != 1 {
		t.Fatalf("the empty key again: first %d, dup %v", first, dup)
	}
	if first, dup := s.first("usage:s", "ystem 5", 7); !dup || first != 7 {
		t.Fatalf("the same text split otherwise: first %d, dup %v", first, dup)
	}
	long := string(make([]byte, 3<<20)) // longer than a text block
	s.first("x:", long, 3)
	if first, dup := s.first("x:", long, 4); !dup || first != 3 {
		t.Fatalf("a long key again: first %d, dup %v", first, dup)
	}
}
