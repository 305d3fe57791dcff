package kitos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/samspil/samspil"
)

// Checkpoint is how far a read got. It is saved after every page, so that a
// run that stops (an error, an interrupt) continues at the next page with
// the pages read so far, instead of starting over.
type Checkpoint struct {
	OrganizationUUID string           `json:"organization_uuid"`
	Since            *time.Time       `json:"since,omitempty"`
	ReadStartedAt    time.Time        `json:"read_started_at"`
	Steps            map[string]*Step `json:"steps"`
}

// Step is the progress of one list.
type Step struct {
	NextPage int               `json:"next_page"`
	Done     bool              `json:"done"`
	Items    []json.RawMessage `json:"items"`
}

// step is one list a run reads.
type step struct {
	name  string
	path  string
	query func(orgUUID string, since *time.Time) url.Values
}

func sinceQuery(q url.Values, since *time.Time, name string) url.Values {
	if since != nil {
		q.Set(name, since.UTC().Format(time.RFC3339))
	}
	return q
}

// steps are the lists a run reads, in order. Systems are read in full every
// time (the ones the organisation uses, deactivated too): a usage changed
// since the last run may refer to a system that has not changed. Usages and
// contracts are read from changedSinceGtEq on, ordered by creation so that
// pages stay put while they are read; deletions come from KITOS's delta
// feed.
var steps = []step{
	{"systems", "/api/v2/it-systems", func(org string, _ *time.Time) url.Values {
		return url.Values{"usedInOrganizationUuid": {org}, "includeDeactivated": {"true"}, "orderByProperty": {"CreationOrder"}}
	}},
	{"usages", "/api/v2/it-system-usages", func(org string, since *time.Time) url.Values {
		return sinceQuery(url.Values{"organizationUuid": {org}, "orderByProperty": {"CreationOrder"}}, since, "changedSinceGtEq")
	}},
	{"contracts", "/api/v2/it-contracts", func(org string, since *time.Time) url.Values {
		return sinceQuery(url.Values{"organizationUuid": {org}, "orderByProperty": {"CreationOrder"}}, since, "changedSinceGtEq")
	}},
	{"data-processing", "/api/v2/data-processing-registrations", func(org string, since *time.Time) url.Values {
		return sinceQuery(url.Values{"organizationUuid": {org}, "orderByProperty": {"CreationOrder"}}, since, "changedSinceGtEq")
	}},
	{"deleted-systems", "/api/v2/delta-feed/deleted-entities", deletedQuery("ItSystem")},
	{"deleted-usages", "/api/v2/delta-feed/deleted-entities", deletedQuery("ItSystemUsage")},
	{"deleted-contracts", "/api/v2/delta-feed/deleted-entities", deletedQuery("ItContract")},
	{"deleted-data-processing", "/api/v2/delta-feed/deleted-entities", deletedQuery("DataProcessingRegistration")},
}

func deletedQuery(entityType string) func(string, *time.Time) url.Values {
	return func(_ string, since *time.Time) url.Values {
		return sinceQuery(url.Values{"entityType": {entityType}}, since, "deletedSinceUTC")
	}
}

// Read reads the organisation's landscape, continuing from cp when it is a
// checkpoint of the same organisation and starting point (else from the
// start), and calls save with the checkpoint after every page (save may be
// nil). The deletion feed is read only when since is set: a first, full
// read has nothing to delete. It returns the snapshot only when every list
// was read completely.
func Read(ctx context.Context, c *Client, orgUUID string, since *time.Time, cp *Checkpoint,
	save func(*Checkpoint) error) (*samspil.KitosSnapshot, error) {
	if cp == nil || cp.OrganizationUUID != orgUUID || !sameTime(cp.Since, since) {
		cp = &Checkpoint{OrganizationUUID: orgUUID, Since: since, Steps: map[string]*Step{}}
	}
	requests := 0
	prev := c.onRequest
	c.onRequest = func() { requests++ }
	defer func() { c.onRequest = prev }()
	for _, s := range steps {
		if since == nil && s.path == "/api/v2/delta-feed/deleted-entities" {
			continue
		}
		st := cp.Steps[s.name]
		if st == nil {
			st = &Step{}
			cp.Steps[s.name] = st
		}
		if st.Done {
			continue
		}
		err := c.List(ctx, s.path, s.query(orgUUID, since), st.NextPage, func(page int, items []json.RawMessage) error {
			if cp.ReadStartedAt.IsZero() {
				cp.ReadStartedAt = startOfRead(c.lastDate)
			}
			st.Items = append(st.Items, items...)
			st.NextPage = page + 1
			st.Done = len(items) < c.pageSize()
			if save != nil {
				return save(cp)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	snap, err := Map(cp)
	if err != nil {
		return nil, err
	}
	snap.Requests = requests
	return snap, nil
}

// ReadMargin is how long before KITOS's clock at its first answer the next
// run reads changes from: a change committed while the first page was
// being computed is read again rather than missed.
const ReadMargin = 5 * time.Minute

// startOfRead is the time the next run reads changes from: KITOS's own
// clock (the Date of its first answer), so that samspil's clock does not
// matter, less ReadMargin.
func startOfRead(serverDate time.Time) time.Time {
	if serverDate.IsZero() {
		serverDate = time.Now()
	}
	return serverDate.UTC().Add(-ReadMargin).Truncate(time.Second)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// Map decodes the items of a complete read and maps them to samspil's
// records.
func Map(cp *Checkpoint) (*samspil.KitosSnapshot, error) {
	snap := &samspil.KitosSnapshot{OrganizationUUID: cp.OrganizationUUID, Full: cp.Since == nil, Since: cp.Since, ReadStartedAt: cp.ReadStartedAt,
		Systems: []samspil.KitosSystem{}, Usages: []samspil.KitosUsage{}, Contracts: []samspil.KitosContract{}, DataProcessing: []samspil.KitosDataProcessing{}}
	items := func(name string) []json.RawMessage {
		if st := cp.Steps[name]; st != nil {
			return st.Items
		}
		return nil
	}
	for i, raw := range items("systems") {
		var s ItSystem
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("KITOS it-system %d: %v", i, err)
		}
		snap.Systems = append(snap.Systems, MapSystem(s))
	}
	for i, raw := range items("usages") {
		var u ItSystemUsage
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, fmt.Errorf("KITOS it-system-usage %d: %v", i, err)
		}
		if u.OrganizationContext.UUID != "" && u.OrganizationContext.UUID != cp.OrganizationUUID {
			continue
		}
		snap.Usages = append(snap.Usages, MapUsage(u))
	}
	for i, raw := range items("contracts") {
		var k ItContract
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, fmt.Errorf("KITOS it-contract %d: %v", i, err)
		}
		if k.OrganizationContext.UUID != "" && k.OrganizationContext.UUID != cp.OrganizationUUID {
			continue
		}
		snap.Contracts = append(snap.Contracts, MapContract(k))
	}
	for i, raw := range items("data-processing") {
		var d DataProcessingRegistration
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("KITOS data-processing-registration %d: %v", i, err)
		}
		if d.OrganizationContext.UUID != "" && d.OrganizationContext.UUID != cp.OrganizationUUID {
			continue
		}
		snap.DataProcessing = append(snap.DataProcessing, MapDataProcessing(d))
	}
	for _, d := range []struct {
		step string
		dst  *[]string
	}{{"deleted-systems", &snap.DeletedSystems}, {"deleted-usages", &snap.DeletedUsages}, {"deleted-contracts", &snap.DeletedContracts},
		{"deleted-data-processing", &snap.DeletedDataProcessing}} {
		for i, raw := range items(d.step) {
			var ev TrackingEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				return nil, fmt.Errorf("KITOS deleted entity %d: %v", i, err)
			}
			*d.dst = append(*d.dst, ev.EntityUUID)
		}
	}
	return snap, nil
}
