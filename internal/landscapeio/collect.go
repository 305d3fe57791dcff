package landscapeio

import (
	"context"
	"io"

	"github.com/samspil/samspil"
)

// Store is what Export reads.
type Store interface {
	samspil.OrganizationService
	samspil.OrgUnitService
	samspil.SystemService
	samspil.UsageService
	samspil.ContractService
}

// Export writes an organisation's systems (the catalogue entries it
// registered), usages or contracts as the actor sees them, in our template.
// It reads page by page, so memory stays small.
func Export(ctx context.Context, store Store, actor *samspil.Actor, orgID string, kind samspil.ImportKind, format string, w io.Writer) error {
	org, err := store.FindOrganization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	e, err := NewExporter(w, format, kind)
	if err != nil {
		return err
	}
	orgs := map[string]*samspil.Organization{}
	lookup := func(id string) *samspil.Organization {
		if id == "" {
			return nil
		}
		if o, ok := orgs[id]; ok {
			return o
		}
		o, _ := store.FindOrganization(ctx, actor, id) // an invisible vendor is left out
		orgs[id] = o
		return o
	}
	cvr := func(id string) string {
		if o := lookup(id); o != nil {
			return o.CVR
		}
		return ""
	}
	opts := func(cursor string) samspil.ListOptions {
		return samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}
	}
	switch kind {
	case samspil.ImportSystems:
		err = eachPage(func(cursor string) (*samspil.Page[samspil.System], error) {
			return store.ListSystems(ctx, actor, samspil.SystemFilter{OwnerID: org.ID, ListOptions: opts(cursor)})
		}, func(s *samspil.System) error { return e.WriteSystem(s, cvr(s.VendorID)) })
	case samspil.ImportUsages:
		units := map[string]string{}
		err = eachPage(func(cursor string) (*samspil.Page[samspil.OrgUnit], error) {
			return store.ListUnits(ctx, actor, org.ID, opts(cursor))
		}, func(u *samspil.OrgUnit) error { units[u.ID] = u.Name; return nil })
		if err == nil {
			systems := map[string]*samspil.System{}
			err = eachPage(func(cursor string) (*samspil.Page[samspil.Usage], error) {
				return store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: org.ID, ListOptions: opts(cursor)})
			}, func(u *samspil.Usage) error {
				s, ok := systems[u.SystemID]
				if !ok {
					s, _ = store.FindSystem(ctx, actor, u.SystemID)
					systems[u.SystemID] = s
				}
				vendorName, vendorCVR := "", ""
				if s != nil {
					if v := lookup(s.VendorID); v != nil {
						vendorName, vendorCVR = v.Name, v.CVR
					}
				}
				return e.WriteUsage(u, units[u.ResponsibleUnitID], vendorName, vendorCVR)
			})
		}
	case samspil.ImportContracts:
		err = eachPage(func(cursor string) (*samspil.Page[samspil.Contract], error) {
			return store.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, ListOptions: opts(cursor)})
		}, func(c *samspil.Contract) error { return e.WriteContract(c, cvr(c.SupplierID)) })
	}
	if err != nil {
		return err
	}
	return e.Close()
}

// eachPage calls fn for every item of every page.
func eachPage[T any](fetch func(cursor string) (*samspil.Page[T], error), fn func(*T) error) error {
	cursor := ""
	for {
		page, err := fetch(cursor)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return nil
		}
	}
}
