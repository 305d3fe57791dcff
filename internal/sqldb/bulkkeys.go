package sqldb

import "hash/maphash"

// keySet remembers keys and the line each was first seen on, exactly, in
// blocks without pointers: an import of a million rows keeps a million
// keys, which as a map of strings would be a million objects for the
// garbage collector to scan again and again. Blocks are never copied as
// the set grows; only the slot table is rebuilt.
type keySet struct {
	seed    maphash.Seed
	slots   []int32 // open addressing: entry number + 1, 0 when empty; a power of two long, at most half full
	entries [][]keyEntry
	n       int      // entries
	text    [][]byte // the keys, one after the other, in blocks
}

type keyEntry struct {
	hash      uint64
	blk, off  uint32 // where the key is in text
	size      uint32
	firstLine int32
}

const (
	keyEntryBlock = 1 << 14
	keyTextBlock  = 1 << 20
)

// first records that the key prefix+key (the prefix keeps kinds of keys
// apart) is on line, unless it was seen before: then it returns the line
// it was first seen on and true.
func (s *keySet) first(prefix, key string, line int) (int, bool) {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots = make([]int32, 1024)
	}
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(prefix)
	h.WriteString(key)
	sum := h.Sum64()
	size := len(prefix) + len(key)
	mask := len(s.slots) - 1
	i := int(sum) & mask
	for ; s.slots[i] != 0; i = (i + 1) & mask {
		e := s.entry(int(s.slots[i]) - 1)
		if e.hash == sum && int(e.size) == size {
			t := s.text[e.blk][e.off : int(e.off)+size]
			if string(t[:len(prefix)]) == prefix && string(t[len(prefix):]) == key {
				return int(e.firstLine), true
			}
		}
	}
	// A new key: store its text and entry.
	if len(s.text) == 0 || len(s.text[len(s.text)-1])+size > cap(s.text[len(s.text)-1]) {
		s.text = append(s.text, make([]byte, 0, max(keyTextBlock, size)))
	}
	blk := len(s.text) - 1
	off := len(s.text[blk])
	s.text[blk] = append(append(s.text[blk], prefix...), key...)
	if s.n%keyEntryBlock == 0 {
		s.entries = append(s.entries, make([]keyEntry, 0, keyEntryBlock))
	}
	last := len(s.entries) - 1
	s.entries[last] = append(s.entries[last], keyEntry{hash: sum, blk: uint32(blk), off: uint32(off), size: uint32(size), firstLine: int32(line)})
	s.n++
	s.slots[i] = int32(s.n)
	if 2*s.n > len(s.slots) {
		s.grow()
	}
	return line, false
}

func (s *keySet) entry(k int) *keyEntry {
	return &s.entries[k/keyEntryBlock][k%keyEntryBlock]
}

// grow doubles the slot table.
func (s *keySet) grow() {
	s.slots = make([]int32, 2*len(s.slots))
	mask := len(s.slots) - 1
	for k := 0; k < s.n; k++ {
		i := int(s.entry(k).hash) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = int32(k + 1)
	}
}
