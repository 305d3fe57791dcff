package sqldb

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/samspil/samspil"
)

// callerTTL bounds how long an instance keeps acting on a caller it has
// identified: a change made on another instance (a revoked token, a
// disabled account, a new role or membership, a partnership ended, a
// session signed out) takes effect here within this time, well within the
// second that instances sharing a database promise. A change committed on
// this instance takes effect at once, because every commit empties the
// cache. Even this short a time spares a busy caller all but two lookups
// a second.
const callerTTL = 500 * time.Millisecond

// callerCacheMax bounds the memory of the cache; when full it starts over.
const callerCacheMax = 10000

// callerCache remembers the actors of recent sessions and API tokens, so
// that a request usually identifies its caller without a query.
type callerCache struct {
	mu      sync.Mutex
	gen     uint64 // counts the times the cache was emptied
	entries map[string]callerEntry
}

type callerEntry struct {
	actor *samspil.Actor
	until time.Time // the earliest of: cached + callerTTL, the credential's expiry, the session's idle end
}

// get returns a copy of the cached actor for key, or nil.
func (c *callerCache) get(key string, now time.Time) *samspil.Actor {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil
	}
	if !now.Before(e.until) {
		delete(c.entries, key)
		return nil
	}
	return cloneActor(e.actor)
}

// generation is read before the caller is loaded from the database; put
// keeps the result only if nothing was committed in between.
func (c *callerCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put remembers an actor until the earliest of the given ends and now +
// callerTTL; a zero end is no end.
func (c *callerCache) put(gen uint64, key string, a *samspil.Actor, now time.Time, ends ...time.Time) {
	until := now.Add(callerTTL)
	for _, end := range ends {
		if !end.IsZero() && end.Before(until) {
			until = end
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // a change was committed while the caller was loaded
	}
	if c.entries == nil || len(c.entries) >= callerCacheMax {
		c.entries = map[string]callerEntry{}
	}
	c.entries[key] = callerEntry{actor: cloneActor(a), until: until}
}

// forget empties the cache; every commit calls it.
func (c *callerCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

func cloneActor(a *samspil.Actor) *samspil.Actor {
	c := *a
	c.Roles = maps.Clone(a.Roles)
	c.Partners = slices.Clone(a.Partners)
	return &c
}
