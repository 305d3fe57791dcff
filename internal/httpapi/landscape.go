package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/tabular"
)

// SystemOutput is one catalogue entry with its ETag.
type SystemOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.System
}

// UsageOutput is one usage with its ETag.
type UsageOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Usage
}

// ContractOutput is one contract with its ETag.
type ContractOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Contract
}

// ItemsOutput is a complete list without paging.
type ItemsOutput[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

func (a *API) registerSystems() {
	tags := []string{"System catalogue"}
	register(a, huma.Operation{OperationID: "list-systems", Method: http.MethodGet, Path: "/systems", Tags: tags,
		Summary: "List the system catalogue", Description: "Catalogue entries the caller may see, by name."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Q        string           `query:"q" maxLength:"200" doc:"Search in names and vendor names"`
			Category samspil.Category `query:"category"`
			VendorID string           `query:"vendor_id" maxLength:"64" doc:"Only systems of this vendor (organisation ID or municipality code); 422 if no organisation you can see has it"`
			Task     string           `query:"task" maxLength:"8" doc:"KLE code; a group or main group matches its topics"`
			OS2      bool             `query:"os2" doc:"Only OS2 products"`
			ListParams
		}) (*PageOutput[samspil.System], error) {
			vendorID, err := a.orgFilter(ctx, "vendor_id", in.VendorID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListSystems(ctx, actor(ctx), samspil.SystemFilter{Query: in.Q, Category: in.Category,
				VendorID: vendorID, Task: in.Task, OS2: in.OS2, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.System]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-system", Method: http.MethodGet, Path: "/systems/{id}", Tags: tags, Summary: "Get a catalogue entry"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*SystemOutput, error) {
			s, err := a.store.FindSystem(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &SystemOutput{ETag: etag(s.Version), Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "who-uses-system", Method: http.MethodGet, Path: "/systems/{id}/who-uses", Tags: tags,
		Summary: "Who uses a system", Description: "The usages of the system the caller may see, by organisation name."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.WhoUses], error) {
			list, err := a.store.WhoUses(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.WhoUses]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-system", Method: http.MethodPost, Path: "/systems", Tags: tags,
		Summary: "Propose a catalogue entry", DefaultStatus: http.StatusCreated},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			Body samspil.SystemInput
		}) (*SystemOutput, error) {
			s, err := a.store.CreateSystem(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &SystemOutput{ETag: etag(s.Version), Location: Prefix + "/systems/" + s.ID, Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "update-system", Method: http.MethodPatch, Path: "/systems/{id}", Tags: tags,
		Summary: "Change a catalogue entry", Description: "Administrators and editors of the organisation that registered the entry may change it."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.SystemPatch
		}) (*SystemOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			s, err := a.store.UpdateSystem(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &SystemOutput{ETag: etag(s.Version), Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "merge-systems", Method: http.MethodPost, Path: "/systems/{id}/merge", Tags: tags,
		Summary: "Merge a duplicate into this entry", Description: "Usages and contract references of the duplicate move to this entry; the duplicate is deleted."},
		samspil.PermPlatformManage, func(ctx context.Context, in *struct {
			IDPath
			Body struct {
				DuplicateID string `json:"duplicate_id" maxLength:"64"`
			}
		}) (*SystemOutput, error) {
			s, err := a.store.MergeSystems(ctx, actor(ctx), in.ID, in.Body.DuplicateID)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &SystemOutput{ETag: etag(s.Version), Body: s}, nil
		})
}

func (a *API) registerUsages() {
	tags := []string{"Usages"}
	register(a, huma.Operation{OperationID: "list-usages", Method: http.MethodGet, Path: "/usages", Tags: tags,
		Summary: "List system usages", Description: "Which organisation uses which system, as far as the caller may see, by organisation and system."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			OrganizationID string            `query:"organization_id" maxLength:"64" doc:"Only this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			SystemID       string            `query:"system_id" maxLength:"64"`
			Lifecycle      samspil.Lifecycle `query:"lifecycle"`
			ListParams
		}) (*PageOutput[samspil.Usage], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListUsages(ctx, actor(ctx), samspil.UsageFilter{OrganizationID: orgID, SystemID: in.SystemID,
				Lifecycle: in.Lifecycle, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Usage]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-usage", Method: http.MethodGet, Path: "/usages/{id}", Tags: tags, Summary: "Get a usage"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*UsageOutput, error) {
			u, err := a.store.FindUsage(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &UsageOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "create-usage", Method: http.MethodPost, Path: "/usages", Tags: tags,
		Summary: "Register a usage", DefaultStatus: http.StatusCreated},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			Body samspil.UsageInput
		}) (*UsageOutput, error) {
			u, err := a.store.CreateUsage(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UsageOutput{ETag: etag(u.Version), Location: Prefix + "/usages/" + u.ID, Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "update-usage", Method: http.MethodPatch, Path: "/usages/{id}", Tags: tags, Summary: "Change a usage"},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.UsagePatch
		}) (*UsageOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			u, err := a.store.UpdateUsage(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UsageOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "delete-usage", Method: http.MethodDelete, Path: "/usages/{id}", Tags: tags,
		Summary: "Delete a usage", DefaultStatus: http.StatusNoContent},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteUsage(ctx, actor(ctx), in.ID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}

func (a *API) registerContracts() {
	tags := []string{"Contracts"}
	register(a, huma.Operation{OperationID: "list-contracts", Method: http.MethodGet, Path: "/contracts", Tags: tags,
		Summary: "List contracts", Description: "Contracts the caller may see, each with its deadlines computed for today, or for the day `on`. " +
			"Sort by urgency for a deadlines list. As of a past day, extensions recorded as used count only as far as they can have been " +
			"taken by then (those begun and the next one)."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			OrganizationID string                 `query:"organization_id" maxLength:"64" doc:"Only this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			SystemID       string                 `query:"system_id" maxLength:"64"`
			SupplierID     string                 `query:"supplier_id" maxLength:"64" doc:"Only contracts with this supplier (organisation ID or municipality code); 422 if no organisation you can see has it"`
			Status         samspil.ContractStatus `query:"status"`
			Urgency        samspil.Urgency        `query:"urgency" doc:"now: the next decision is within 30 days (needs action now); soon: within three months"`
			Sort           samspil.ContractSort   `query:"sort" default:"name"`
			OnQuery
			ListParams
		}) (*PageOutput[samspil.Contract], error) {
			on, err := dayParam(ctx, "on", in.On)
			if err != nil {
				return nil, err
			}
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			supplierID, err := a.orgFilter(ctx, "supplier_id", in.SupplierID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListContracts(ctx, actor(ctx), samspil.ContractFilter{OrganizationID: orgID, SystemID: in.SystemID,
				SupplierID: supplierID, Status: in.Status, Urgency: in.Urgency, Sort: in.Sort, On: on, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Contract]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-contract", Method: http.MethodGet, Path: "/contracts/{id}", Tags: tags, Summary: "Get a contract",
		Description: "The contract with its deadlines computed for today, or for the day `on`. A day before the extensions recorded as used " +
			"can have been taken is refused (422), as the deadlines would not be those of that day."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			OnQuery
		}) (*ContractOutput, error) {
			on, err := dayParam(ctx, "on", in.On)
			if err != nil {
				return nil, err
			}
			c, err := a.store.FindContract(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			if !on.IsZero() {
				if err := c.DeadlinesOn(on); err != nil {
					return nil, fail(ctx, err, "query")
				}
			}
			return &ContractOutput{ETag: etag(c.Version), Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "create-contract", Method: http.MethodPost, Path: "/contracts", Tags: tags,
		Summary: "Register a contract", DefaultStatus: http.StatusCreated},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			Body samspil.ContractInput
		}) (*ContractOutput, error) {
			c, err := a.store.CreateContract(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ContractOutput{ETag: etag(c.Version), Location: Prefix + "/contracts/" + c.ID, Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "update-contract", Method: http.MethodPatch, Path: "/contracts/{id}", Tags: tags, Summary: "Change a contract"},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.ContractPatch
		}) (*ContractOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			c, err := a.store.UpdateContract(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				if in.Body.Terms != nil {
					nestTermFields(err)
				}
				return nil, fail(ctx, err, "body")
			}
			return &ContractOutput{ETag: etag(c.Version), Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "delete-contract", Method: http.MethodDelete, Path: "/contracts/{id}", Tags: tags,
		Summary: "Delete a contract", DefaultStatus: http.StatusNoContent},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteContract(ctx, actor(ctx), in.ID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}

func (a *API) registerKLE() {
	tags := []string{"KLE taxonomy"}
	register(a, huma.Operation{OperationID: "list-kle", Method: http.MethodGet, Path: "/kle", Tags: tags,
		Summary: "List KLE main groups, groups and topics", Description: "In code order. Expired topics only on request."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Q              string `query:"q" maxLength:"200" doc:"A code prefix such as 27.24, or words of the title"`
			Level          int    `query:"level" minimum:"0" maximum:"3" doc:"1 main groups, 2 groups, 3 topics"`
			Parent         string `query:"parent" maxLength:"8"`
			IncludeExpired bool   `query:"include_expired"`
			ListParams
		}) (*PageOutput[samspil.Task], error) {
			page, err := a.store.ListTasks(ctx, samspil.TaskFilter{Query: in.Q, Level: in.Level, ParentCode: in.Parent,
				IncludeExpired: in.IncludeExpired, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Task]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-kle", Method: http.MethodGet, Path: "/kle/{code}", Tags: tags, Summary: "Get a KLE node"},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Code string `path:"code" maxLength:"8"`
		}) (*struct{ Body *samspil.Task }, error) {
			t, err := a.store.FindTask(ctx, in.Code)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.Task }{Body: t}, nil
		})
}

func (a *API) registerDeletions() {
	register(a, huma.Operation{OperationID: "list-deletions", Method: http.MethodGet, Path: "/deletions", Tags: []string{"Sync"},
		Summary: "Deleted ids", Description: "The ids of deleted systems, usages, contracts and data processing registrations the caller could see, oldest first. " +
			"Together with changed_since on the lists this lets a client keep a copy in step."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			ObjectType string `query:"object_type" enum:"system,usage,contract,data_processing_registration"`
			ListParams
		}) (*PageOutput[samspil.Deletion], error) {
			page, err := a.store.ListDeletions(ctx, actor(ctx), samspil.DeletionFilter{ObjectType: in.ObjectType, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Deletion]{Body: page}, nil
		})
}

// termFields are the JSON names of the contract terms: the store names
// invalid terms as a contract has them (embedded), a patch has them under
// "terms".
var termFields = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[samspil.ContractTerms]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// nestTermFields moves the field paths of invalid terms under "terms", where
// a contract patch has them.
func nestTermFields(err error) {
	var e *samspil.Error
	if errors.As(err, &e) {
		for i, f := range e.Fields {
			if termFields[f.Path] {
				e.Fields[i].Path = "terms." + f.Path
			}
		}
	}
}

// clearableDates are the optional dates of patches that "" clears. A date
// schema refuses "", so these take a date or the empty string.
var clearableDates = map[string][]string{"UsagePatch": {"from", "until"}}

func allowEmptyDates(schemas huma.Registry) {
	for name, props := range clearableDates {
		s := schemas.Map()[name]
		if s == nil {
			panic("httpapi: no schema " + name)
		}
		for _, prop := range props {
			p := s.Properties[prop]
			if p == nil || p.Format != "date" {
				panic("httpapi: " + name + "." + prop + " is not a date")
			}
			empty := 0
			p.AnyOf = []*huma.Schema{{Type: huma.TypeString, Format: "date"}, {Type: huma.TypeString, MaxLength: &empty}}
			p.Type, p.Format = "", ""
			for _, sub := range p.AnyOf {
				sub.PrecomputeMessages()
			}
		}
	}
}

// NewFeed is a created calendar feed with its address, shown only once.
type NewFeed struct {
	Feed *samspil.CalendarFeed `json:"feed"`
	URL  string                `json:"url" doc:"Subscribe to it in a calendar client; a deadlines feed's address cannot be shown again"`
}

func (a *API) registerCalendarFeeds() {
	tags := []string{"Calendar feeds"}
	register(a, huma.Operation{OperationID: "list-calendar-feeds", Method: http.MethodGet, Path: "/calendar-feeds", Tags: tags,
		Summary: "List your calendar feeds"},
		samspil.PermSignedIn, func(ctx context.Context, in *struct{}) (*ItemsOutput[samspil.CalendarFeed], error) {
			feeds, err := a.store.ListFeeds(ctx, actor(ctx))
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			out := &ItemsOutput[samspil.CalendarFeed]{}
			out.Body.Items = feeds
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-calendar-feed", Method: http.MethodPost, Path: "/calendar-feeds", Tags: tags,
		Summary: "Create a calendar feed", Description: "An iCalendar feed at a secret address: an organisation's contract deadlines " +
			"(deadlines), one forum's meetings (forum), the meetings of the forums you sit in (person), or those an organisation of yours " +
			"sits in (organization). It shows what you may see when a client fetches it. A meeting feed's address is kept, so a forum's " +
			"calendar_url shows it again; a deadlines feed's address is shown only now.", DefaultStatus: http.StatusCreated},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			Body samspil.FeedInput
		}) (*struct{ Body NewFeed }, error) {
			feed, secret, err := a.store.CreateFeed(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body NewFeed }{Body: NewFeed{Feed: feed, URL: a.feedURL(ctx, secret)}}, nil
		})

	register(a, huma.Operation{OperationID: "revoke-calendar-feed", Method: http.MethodDelete, Path: "/calendar-feeds/{id}", Tags: tags,
		Summary: "Stop a calendar feed", DefaultStatus: http.StatusNoContent},
		samspil.PermSignedIn, func(ctx context.Context, in *IDPath) (*struct{}, error) {
			if err := a.store.RevokeFeed(ctx, actor(ctx), in.ID); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}

// feedURL is the address of a calendar feed.
func (a *API) feedURL(ctx context.Context, secret string) string {
	return a.publicURL(httpx.HostFrom(ctx)) + "/calendar/" + secret + ".ics"
}

// MaxImportBytes caps an import file sent to the API.
const MaxImportBytes = 50 << 20

// ImportOutput is an import with its report.
type ImportOutput struct {
	Location string `header:"Location"`
	Body     *samspil.Import
}

// ImportCommitInput says how to commit an import; all of it may be left out.
type ImportCommitInput struct {
	ValidOnly bool                 `json:"valid_only,omitempty" doc:"Write the rows without errors and leave the others out"`
	Units     []samspil.UnitChoice `json:"units,omitempty" maxItems:"10000" doc:"What each of the report's unknown_units stands for"`
}

func (a *API) registerImports() {
	tags := []string{"Import and export"}
	register(a, huma.Operation{OperationID: "create-import", Method: http.MethodPost, Path: "/imports", Tags: tags,
		Summary: "Upload a file and preview its import", DefaultStatus: http.StatusCreated, MaxBodyBytes: MaxImportBytes,
		Description: "Send the CSV or XLSX file as the request body (our template or a KITOS export). The answer previews every row: " +
			"what would be added or changed, and every error by row and column. Nothing is written until you commit."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			OrganizationID string `query:"organization_id" maxLength:"64" doc:"The organisation (ID or municipality code)"`
			FileName       string `query:"file_name" maxLength:"200" doc:"The file's name; .xlsx or .csv helps tell the format"`
			RawBody        []byte `contentType:"application/octet-stream"`
		}) (*ImportOutput, error) {
			name := in.FileName
			if name == "" {
				name = "upload"
			}
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(in.RawBody)), nil }
			src, err := landscapeio.NewSource(open, name, tabular.Limits{MaxBytes: MaxImportBytes})
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			report, err := a.store.PreviewImport(ctx, actor(ctx), in.OrganizationID, src, nil)
			if err != nil {
				return nil, fail(ctx, err, "body") // problems with the file, which is the body
			}
			im, err := a.store.CreateImport(ctx, actor(ctx), in.OrganizationID, name, in.RawBody, report)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &ImportOutput{Location: Prefix + "/imports/" + im.ID, Body: im}, nil
		})

	register(a, huma.Operation{OperationID: "get-import", Method: http.MethodGet, Path: "/imports/{id}", Tags: tags, Summary: "Get an import"},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *IDPath) (*ImportOutput, error) {
			im, err := a.store.FindImport(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &ImportOutput{Body: im}, nil
		})

	register(a, huma.Operation{OperationID: "commit-import", Method: http.MethodPost, Path: "/imports/{id}/commit", Tags: tags,
		Summary: "Commit an import", Description: "Checks the file again and writes all its rows in one transaction, or none. " +
			"With valid_only it writes the rows without errors, all of them or none, and leaves the others out " +
			"(download them from invalid-rows). units say what each of the report's unknown_units stands for: a new unit at the " +
			"top of the organisation (create), created in the same transaction, or an existing unit (map). " +
			"Importing the same file again changes nothing."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			Body *ImportCommitInput
		}) (*ImportOutput, error) {
			im, err := a.store.FindImport(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			var opt samspil.ImportOptions
			if in.Body != nil {
				opt.ValidOnly, opt.Units = in.Body.ValidOnly, in.Body.Units
			}
			if !im.Committable(opt.ValidOnly) {
				return nil, fail(ctx, samspil.Errorf(samspil.ECONFLICT, "the import cannot be committed; upload the file again"), "path")
			}
			if err := im.Report.CheckChoices("units", opt.Units); err != nil {
				return nil, fail(ctx, err, "body")
			}
			// A unit to map to must be the organisation's; checked before the
			// import is claimed, so that a wrong choice can be made again.
			for i, c := range opt.Units {
				if c.Action != samspil.UnitMap {
					continue
				}
				if _, err := a.store.FindUnit(ctx, actor(ctx), im.OrganizationID, c.UnitID); samspil.ErrorCode(err) == samspil.ENOTFOUND {
					return nil, fail(ctx, samspil.ErrorAt(samspil.EINVALID, "units["+strconv.Itoa(i)+"].unit_id", "is not a unit of this organisation"), "body")
				} else if err != nil {
					return nil, fail(ctx, err, "body")
				}
			}
			content, err := a.store.ImportContent(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }
			src, err := landscapeio.NewSource(open, im.FileName, tabular.Limits{MaxBytes: MaxImportBytes})
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			// Claiming the import first lets only one of two simultaneous commits run.
			if err := a.store.SetImportStatus(ctx, actor(ctx), in.ID, samspil.ImportCommitting, im.Report); err != nil {
				return nil, fail(ctx, err, "path")
			}
			report, err := a.store.CommitImportWith(ctx, actor(ctx), im.OrganizationID, src, opt, nil)
			status := samspil.ImportCommitted
			if err != nil || report.ErrorCount > 0 && !opt.ValidOnly {
				status = samspil.ImportFailed
			}
			if err != nil {
				// The import stays on record as failed; the error answers the request.
				_ = a.store.SetImportStatus(context.WithoutCancel(ctx), actor(ctx), in.ID, status, im.Report)
				return nil, fail(ctx, err, "body")
			}
			if err := a.store.SetImportStatus(ctx, actor(ctx), in.ID, status, report); err != nil {
				return nil, fail(ctx, err, "path")
			}
			im.Status, im.Report = status, report
			return &ImportOutput{Body: im}, nil
		})

	register(a, huma.Operation{OperationID: "get-import-invalid-rows", Method: http.MethodGet, Path: "/imports/{id}/invalid-rows", Tags: tags,
		Summary: "Download an import's rows with errors",
		Description: "The rows of the uploaded file that have errors, checked again now, as the file has them and in its format " +
			"(CSV or XLSX), with a last column Fejl that names each problem's column and says it in Danish. Available until " +
			"the import is committed, and after a commit of the valid rows.",
		Responses: map[string]*huma.Response{"200": {Description: "The rows with errors", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *IDPath) (*struct {
			ContentType        string `header:"Content-Type"`
			ContentDisposition string `header:"Content-Disposition"`
			Body               []byte
		}, error) {
			im, err := a.store.FindImport(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			content, err := a.store.ImportContent(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }
			src, err := landscapeio.NewSource(open, im.FileName, tabular.Limits{MaxBytes: MaxImportBytes})
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			say := a.Danish
			if say == nil {
				say = func(s string) string { return s }
			}
			var buf bytes.Buffer
			if err := landscapeio.WriteInvalidRows(ctx, a.store, actor(ctx), im.OrganizationID, src, say, &buf); err != nil {
				return nil, fail(ctx, err, "path")
			}
			ct := "text/csv; charset=utf-8"
			if src.Format() == tabular.FormatXLSX {
				ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}
			return &struct {
				ContentType        string `header:"Content-Type"`
				ContentDisposition string `header:"Content-Disposition"`
				Body               []byte
			}{ContentType: ct, ContentDisposition: `attachment; filename="` + landscapeio.InvalidRowsName(im.FileName, src.Format()) + `"`, Body: buf.Bytes()}, nil
		})

	register(a, huma.Operation{OperationID: "export", Method: http.MethodGet, Path: "/exports", Tags: tags,
		Summary: "Export an organisation's landscape", Description: "Systems (the catalogue entries the organisation registered), " +
			"usages or contracts as CSV or XLSX in our template, as you may see them. Cells that could start a formula are neutralised."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			OrganizationID string             `query:"organization_id" maxLength:"64" required:"true"`
			What           samspil.ImportKind `query:"what" required:"true"`
			Format         string             `query:"format" enum:"csv,xlsx" default:"xlsx"`
		}) (*struct {
			ContentType        string `header:"Content-Type"`
			ContentDisposition string `header:"Content-Disposition"`
			Body               []byte
		}, error) {
			var buf bytes.Buffer
			if err := landscapeio.Export(ctx, a.store, actor(ctx), in.OrganizationID, in.What, in.Format, &buf); err != nil {
				return nil, fail(ctx, err, "query")
			}
			ct := "text/csv; charset=utf-8"
			if in.Format == "xlsx" {
				ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}
			return &struct {
				ContentType        string `header:"Content-Type"`
				ContentDisposition string `header:"Content-Disposition"`
				Body               []byte
			}{ContentType: ct, ContentDisposition: `attachment; filename="samspil-` + string(in.What) + "." + in.Format + `"`, Body: buf.Bytes()}, nil
		})
}
