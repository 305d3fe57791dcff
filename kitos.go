package samspil

import (
	"context"
	"time"
)

// The KITOS synchronisation reads an organisation's landscape from a KITOS
// instance (its API v2) and keeps samspil's records of it in step. The
// records KITOS owns carry KITOS's UUID: systems and usages in kitos_uuid,
// contracts in ExternalRef. internal/kitos reads and maps; the store applies
// a KitosSnapshot in one transaction.

// KitosSystem is a catalogue entry read from KITOS.
type KitosSystem struct {
	UUID        string   `json:"uuid"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Category    Category `json:"category"`
	Tasks       []string `json:"tasks,omitempty" doc:"KLE codes"`
	VendorCVR   string   `json:"vendor_cvr,omitempty"`
	VendorName  string   `json:"vendor_name,omitempty"`
	Deactivated bool     `json:"deactivated,omitempty"`
}

// KitosUsage is an organisation's usage of a system, read from KITOS.
type KitosUsage struct {
	UUID        string       `json:"uuid"`
	SystemUUID  string       `json:"system_uuid"`
	SystemName  string       `json:"system_name"`
	Lifecycle   Lifecycle    `json:"lifecycle"`
	From        *Date        `json:"from,omitempty"`
	Until       *Date        `json:"until,omitempty"`
	UserBand    UserBand     `json:"user_band,omitempty"`
	Notes       string       `json:"notes,omitempty"`
	TaskChanges []TaskChange `json:"task_changes,omitempty"`
	// Relations are the usage's outgoing system relations, all of them:
	// KITOS keeps them on the usage, so a read of the usage reads them.
	Relations []KitosRelation `json:"relations,omitempty"`
}

// KitosRelation is a relation from a usage to another usage of the
// organisation (KITOS's outgoing SystemRelation).
type KitosRelation struct {
	UUID          string            `json:"uuid"`
	ToUsageUUID   string            `json:"to_usage_uuid"`
	ToName        string            `json:"to_name"`
	Frequency     RelationFrequency `json:"frequency,omitempty"`
	FrequencyName string            `json:"frequency_name,omitempty" doc:"KITOS's name of a frequency samspil does not know"`
	Description   string            `json:"description,omitempty"`
	Reference     string            `json:"reference,omitempty"`
	ContractUUID  string            `json:"contract_uuid,omitempty"`
	InterfaceName string            `json:"interface_name,omitempty"`
}

// KitosContract is a contract read from KITOS. Its systems are the KITOS
// usages it covers (systemUsages); the store turns them into systems.
type KitosContract struct {
	UUID                 string          `json:"uuid"`
	Name                 string          `json:"name"`
	SupplierCVR          string          `json:"supplier_cvr,omitempty"`
	SupplierName         string          `json:"supplier_name,omitempty"`
	UsageUUIDs           []string        `json:"usage_uuids,omitempty"`
	Terms                ContractTerms   `json:"terms"`
	HasStart             bool            `json:"has_start" doc:"KITOS gave a first day (validFrom); samspil needs one"`
	ProcurementForm      ProcurementForm `json:"procurement_form,omitempty"`
	ReprocurementQuarter string          `json:"reprocurement_quarter,omitempty"`
	Notes                string          `json:"notes,omitempty"`
}

// KitosProcessor is a data processor of a registration read from KITOS,
// found in samspil by its CVR number.
type KitosProcessor struct {
	CVR     string `json:"cvr,omitempty"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
}

// KitosDataProcessing is a data processing registration read from KITOS.
// A value KITOS names that samspil does not know is kept in the *Name
// field, for the run's notes.
type KitosDataProcessing struct {
	UUID                string           `json:"uuid"`
	Name                string           `json:"name"`
	DataResponsible     DataResponsible  `json:"data_responsible,omitempty"`
	DataResponsibleName string           `json:"data_responsible_name,omitempty"`
	AgreementConcluded  YesNoIrrelevant  `json:"agreement_concluded,omitempty"`
	AgreementDate       *Date            `json:"agreement_date,omitempty"`
	Processors          []KitosProcessor `json:"processors,omitempty"`
	SubProcessors       []KitosProcessor `json:"sub_processors,omitempty"`
	TransferBasis       TransferBasis    `json:"transfer_basis,omitempty"`
	TransferBasisName   string           `json:"transfer_basis_name,omitempty"`
	ThirdCountries      []string         `json:"third_countries,omitempty"`
	UsageUUIDs          []string         `json:"usage_uuids,omitempty"`
	ContractUUIDs       []string         `json:"contract_uuids,omitempty"`
	Oversight           Oversight        `json:"oversight"`
}

// KitosSnapshot is everything one run read from KITOS. Full is true on the
// first run, which read everything; later runs read what changed since the
// last applied run and the deletion feed since then.
type KitosSnapshot struct {
	BaseURL               string                `json:"base_url"`
	OrganizationUUID      string                `json:"organization_uuid"`
	Full                  bool                  `json:"full"`
	Since                 *time.Time            `json:"since,omitempty"`
	ReadStartedAt         time.Time             `json:"read_started_at"`
	Systems               []KitosSystem         `json:"systems"`
	Usages                []KitosUsage          `json:"usages"`
	Contracts             []KitosContract       `json:"contracts"`
	DataProcessing        []KitosDataProcessing `json:"data_processing"`
	DeletedSystems        []string              `json:"deleted_systems,omitempty"`
	DeletedUsages         []string              `json:"deleted_usages,omitempty"`
	DeletedContracts      []string              `json:"deleted_contracts,omitempty"`
	DeletedDataProcessing []string              `json:"deleted_data_processing,omitempty"`
	Requests              int                   `json:"requests" doc:"HTTP requests the read made, this run"`
}

// KitosChangeOp is what a run does or did with one record.
type KitosChangeOp string

// What a run does with a record. Kept is a record deleted in KITOS that
// samspil keeps because it holds data KITOS does not own; skipped a KITOS
// record samspil cannot take (the note says why).
const (
	KitosCreate  KitosChangeOp = "create"
	KitosUpdate  KitosChangeOp = "update"
	KitosDelete  KitosChangeOp = "delete"
	KitosKept    KitosChangeOp = "kept"
	KitosSkipped KitosChangeOp = "skipped"
)

// KitosChange is one change of a run.
type KitosChange struct {
	Kind string        `json:"kind" enum:"system,usage,contract,relation,data_processing"`
	Op   KitosChangeOp `json:"op"`
	UUID string        `json:"uuid"`
	Name string        `json:"name"`
	// Notes say what is worth knowing about the change: why a record was
	// kept or skipped, what KITOS had that samspil could not take.
	Notes []Phrase `json:"notes,omitempty"`
}

// KitosCounts counts a run's changes of one kind.
type KitosCounts struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
	Kept    int `json:"kept"`
	Skipped int `json:"skipped"`
}

// KitosSyncRun is one run: what it read and what it changed.
type KitosSyncRun struct {
	ID             string                 `json:"id"`
	OrganizationID string                 `json:"organization_id"`
	BaseURL        string                 `json:"base_url"`
	DryRun         bool                   `json:"dry_run"`
	Full           bool                   `json:"full"`
	Since          *time.Time             `json:"since,omitempty"`
	ReadStartedAt  time.Time              `json:"read_started_at"`
	FinishedAt     time.Time              `json:"finished_at"`
	Counts         map[string]KitosCounts `json:"counts" doc:"Per kind: system, usage, contract, relation, data_processing"`
	Changes        []KitosChange          `json:"changes"`
}

// Count adds c to the run's counts.
func (r *KitosSyncRun) Count(c KitosChange) {
	if r.Counts == nil {
		r.Counts = map[string]KitosCounts{}
	}
	n := r.Counts[c.Kind]
	switch c.Op {
	case KitosCreate:
		n.Created++
	case KitosUpdate:
		n.Updated++
	case KitosDelete:
		n.Deleted++
	case KitosKept:
		n.Kept++
	case KitosSkipped:
		n.Skipped++
	}
	r.Counts[c.Kind] = n
}

// KitosState is where an organisation's synchronisation with one KITOS
// instance stands: the time to read changes from (nil before the first
// applied run) and the checkpoint of a read that stopped half-way.
type KitosState struct {
	Since      *time.Time
	Checkpoint []byte
}

// KitosSyncService applies what was read from KITOS.
type KitosSyncService interface {
	// KitosState tells where the organisation's synchronisation with the
	// KITOS instance at baseURL stands.
	KitosState(ctx context.Context, actor *Actor, orgID, baseURL string) (*KitosState, error)
	// SaveKitosCheckpoint keeps how far a read got, so that a run that
	// stops continues from there; nil clears it.
	SaveKitosCheckpoint(ctx context.Context, actor *Actor, orgID, baseURL string, checkpoint []byte) error
	// SyncKitos compares the snapshot with the organisation's records and,
	// unless dryRun, applies the changes in one transaction with one audit
	// event (kitos.sync) and records the run.
	SyncKitos(ctx context.Context, actor *Actor, orgID string, snap *KitosSnapshot, dryRun bool) (*KitosSyncRun, error)
	// ListKitosSyncRuns lists the organisation's last runs, newest first.
	ListKitosSyncRuns(ctx context.Context, actor *Actor, orgID string, limit int) ([]KitosSyncRun, error)
}
