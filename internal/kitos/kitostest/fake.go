// Package kitostest is an in-process fake of KITOS's API v2 for tests: the
// list endpoints samspil reads, with KITOS's query parameters, paging,
// bearer-token check and payloads shaped as KITOS's response DTOs
// (Presentation.Web/Models/API/V2/Response). Tests change its data between
// runs and make it fail in the ways a real server can.
package kitostest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Object is one KITOS object as its DTO's JSON.
type Object = map[string]any

// Fake is a KITOS API v2.
type Fake struct {
	Server *httptest.Server
	Token  string

	mu        sync.Mutex
	now       time.Time
	orgs      []Object
	systems   []Object
	usages    []Object
	contracts []Object
	dprs      []Object
	deleted   []Object
	requests  []string
	failWith  func(w http.ResponseWriter, r *http.Request, page int) bool
}

// New starts a fake that accepts token; it is closed when the test ends.
func New(t testing.TB, token string) *Fake {
	f := &Fake{Token: token, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Server.Close)
	return f
}

// URL is the base address of the fake.
func (f *Fake) URL() string { return f.Server.URL }

// Tick moves the fake's clock, which stamps lastModified and deletions.
func (f *Fake) Tick(d time.Duration) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return f.now
}

// Now is the fake's clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Requests returns the requests so far ("path?query") and forgets them.
func (f *Fake) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// FailWith makes the fake answer through fn first; fn returns true when it
// has answered. nil stops failing.
func (f *Fake) FailWith(fn func(w http.ResponseWriter, r *http.Request, page int) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWith = fn
}

// Org adds an organisation (OrganizationResponseDTO).
func (f *Fake) Org(uuid, name, cvr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orgs = append(f.orgs, Object{"uuid": uuid, "name": name, "cvr": cvr, "organizationType": "Municipality"})
}

func ref(uuid, name string) Object { return Object{"uuid": uuid, "name": name} }

// Ref is an IdentityNamePairResponseDTO.
func Ref(uuid, name string) Object { return ref(uuid, name) }

// System adds or replaces an it-system (ItSystemResponseDTO) used by the
// organisations in usedBy.
func (f *Fake) System(o Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := Object{"externalUuid": nil, "parentSystem": nil, "formerName": nil, "description": "", "externalReferences": []any{},
		"kle": []any{}, "deactivated": false, "businessType": nil, "rightsHolder": nil, "created": "2019-05-02T10:11:12Z",
		"createdBy": ref("b7a2f0c4-0000-4000-8000-000000000001", "Global Admin"), "recommendedArchiveDuty": Object{"id": "Undecided", "comment": ""},
		"mainContractSuppliers": []any{}, "usingOrganizations": []any{}, "lastModifiedBy": ref("b7a2f0c4-0000-4000-8000-000000000001", "Global Admin"),
		"scope": "Global", "organizationContext": Object{"uuid": "0f0f0f0f-0000-4000-8000-00000000f0f0", "name": "Fælles Kommune", "cvr": "11111111"},
		"legalName": nil, "legalDataProcessorName": nil}
	f.systems = upsert(f.systems, merge(base, o), f.now)
}

// Usage adds or replaces an it-system-usage (ItSystemUsageResponseDTO).
func (f *Fake) Usage(o Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := Object{"createdBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"), "lastModifiedBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"),
		"roles": []any{}, "organizationUsage": Object{"usingOrganizationUnits": []any{}, "responsibleOrganizationUnit": nil},
		"localKLEDeviations": Object{"removedKLE": []any{}, "addedKLE": []any{}}, "externalReferences": []any{},
		"archiving": Object{"archiveDuty": nil, "archiveJournalPeriods": []any{}}, "gdpr": Object{"purpose": nil}, "outgoingSystemRelations": []any{}}
	f.usages = upsert(f.usages, merge(base, o), f.now)
}

// Contract adds or replaces an it-contract (ItContractResponseDTO).
func (f *Fake) Contract(o Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := Object{"createdBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"), "lastModifiedBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"),
		"parentContract": nil, "procurement": Object{"purchaseType": nil, "procurementStrategy": nil, "procurementPlan": nil, "procurementInitiated": nil},
		"supplier":     Object{"organization": nil, "signed": false, "signedBy": nil, "signedAt": nil},
		"responsible":  Object{"organizationUnit": nil, "signed": false, "signedBy": nil, "signedAt": nil},
		"systemUsages": []any{}, "dataProcessingRegistrations": []any{},
		"paymentModel":    Object{"operationsRemunerationStartedAt": nil, "paymentFrequency": nil, "paymentModel": nil, "priceRegulation": nil},
		"agreementPeriod": Object{"durationYears": nil, "durationMonths": nil, "isContinuous": nil, "extensionOptions": nil, "extensionOptionsUsed": 0, "irrevocableUntil": nil},
		"termination":     Object{"terminatedAt": nil, "terms": nil}, "payments": Object{"internal": []any{}, "external": []any{}}, "roles": []any{}, "externalReferences": []any{}}
	f.contracts = upsert(f.contracts, merge(base, o), f.now)
}

// DataProcessing adds or replaces a data processing registration
// (DataProcessingRegistrationResponseDTO).
func (f *Fake) DataProcessing(o Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := Object{"createdBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"), "lastModifiedBy": ref("c1c1c1c1-0000-4000-8000-000000000002", "Kitos Bruger"),
		"general": Object{"dataResponsible": nil, "dataResponsibleRemark": nil, "isAgreementConcluded": nil, "isAgreementConcludedRemark": nil,
			"agreementConcludedAt": nil, "basisForTransfer": nil, "transferToInsecureThirdCountries": nil, "insecureCountriesSubjectToDataTransfer": []any{},
			"dataProcessors": []any{}, "hasSubDataProcessors": nil, "subDataProcessors": []any{}, "valid": false, "mainContract": nil,
			"associatedContracts": []any{}, "responsibleOrganizationUnit": nil},
		"systemUsages": []any{}, "oversight": Object{"oversightOptions": []any{}, "oversightOptionsRemark": nil, "oversightInterval": nil,
			"oversightIntervalRemark": nil, "isOversightCompleted": nil, "oversightCompletedRemark": nil, "oversightScheduledInspectionDate": nil,
			"oversightDates": []any{}},
		"roles": []any{}, "externalReferences": []any{}}
	f.dprs = upsert(f.dprs, merge(base, o), f.now)
}

// Delete removes an object and records it in the deletion feed with the
// entity type (TrackedEntityTypeChoice: ItSystem, ItSystemUsage, ItContract,
// DataProcessingRegistration).
func (f *Fake) Delete(entityType, uuid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	drop := func(list []Object) []Object {
		return slices.DeleteFunc(list, func(o Object) bool { return o["uuid"] == uuid })
	}
	f.systems, f.usages, f.contracts, f.dprs = drop(f.systems), drop(f.usages), drop(f.contracts), drop(f.dprs)
	f.deleted = append(f.deleted, Object{"occurredAtUtc": f.now.Format(time.RFC3339), "entityUuid": uuid, "entityType": entityType})
}

func merge(base, o Object) Object {
	out := Object{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range o {
		out[k] = v
	}
	return out
}

func upsert(list []Object, o Object, now time.Time) []Object {
	o["lastModified"] = now.Format(time.RFC3339)
	for i, x := range list {
		if x["uuid"] == o["uuid"] {
			list[i] = o
			return list
		}
	}
	return append(list, o)
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	failWith := f.failWith
	f.mu.Unlock()
	q := r.URL.Query()
	page, size := 0, 250
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 250 {
			http.Error(w, `{"message":"The request is invalid.","modelState":{"paginationQuery.PageSize":["The field PageSize must be between 1 and 250."]}}`, http.StatusBadRequest)
			return
		}
		size = n
	}
	if r.Header.Get("Authorization") != "Bearer "+f.Token {
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, `{"message":"Authorization has been denied for this request."}`, http.StatusUnauthorized)
		return
	}
	if failWith != nil && failWith(w, r, page) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []Object
	switch r.URL.Path {
	case "/api/v2/organizations":
		list = filter(f.orgs, func(o Object) bool {
			return (q.Get("cvrContent") == "" || strings.Contains(o["cvr"].(string), q.Get("cvrContent"))) &&
				(q.Get("nameContent") == "" || strings.Contains(strings.ToLower(o["name"].(string)), strings.ToLower(q.Get("nameContent"))))
		})
	case "/api/v2/it-systems":
		used := f.usedSystems(q.Get("usedInOrganizationUuid"))
		list = filter(f.systems, func(o Object) bool {
			return (q.Get("usedInOrganizationUuid") == "" || used[o["uuid"].(string)]) && changedSince(o, q.Get("changedSinceGtEq")) &&
				(q.Get("includeDeactivated") == "true" || o["deactivated"] != true)
		})
	case "/api/v2/it-system-usages":
		list = filter(f.usages, func(o Object) bool {
			return inOrg(o, q.Get("organizationUuid")) && changedSince(o, q.Get("changedSinceGtEq"))
		})
	case "/api/v2/it-contracts":
		list = filter(f.contracts, func(o Object) bool {
			return inOrg(o, q.Get("organizationUuid")) && changedSince(o, q.Get("changedSinceGtEq"))
		})
	case "/api/v2/data-processing-registrations":
		list = filter(f.dprs, func(o Object) bool {
			return inOrg(o, q.Get("organizationUuid")) && changedSince(o, q.Get("changedSinceGtEq"))
		})
	case "/api/v2/delta-feed/deleted-entities":
		list = filter(f.deleted, func(o Object) bool {
			return (q.Get("entityType") == "" || o["entityType"] == q.Get("entityType")) && atOrAfter(o["occurredAtUtc"].(string), q.Get("deletedSinceUTC"))
		})
	default:
		http.Error(w, `{"message":"No HTTP resource was found that matches the request URI."}`, http.StatusNotFound)
		return
	}
	from := min(page*size, len(list))
	out := list[from:min(from+size, len(list))]
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Date", f.now.Format(http.TimeFormat))
	json.NewEncoder(w).Encode(out)
}

func (f *Fake) usedSystems(org string) map[string]bool {
	used := map[string]bool{}
	for _, u := range f.usages {
		if inOrg(u, org) {
			used[u["systemContext"].(Object)["uuid"].(string)] = true
		}
	}
	return used
}

func filter(list []Object, keep func(Object) bool) []Object {
	out := []Object{}
	for _, o := range list {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

func inOrg(o Object, org string) bool {
	if org == "" {
		return true
	}
	c, _ := o["organizationContext"].(Object)
	return c != nil && c["uuid"] == org
}

func changedSince(o Object, since string) bool {
	return atOrAfter(o["lastModified"].(string), since)
}

func atOrAfter(stamp, since string) bool {
	if since == "" {
		return true
	}
	s, err := time.Parse(time.RFC3339, since)
	if err != nil {
		panic(fmt.Sprintf("kitostest: bad time %q", since))
	}
	t, _ := time.Parse(time.RFC3339, stamp)
	return !t.Before(s)
}
