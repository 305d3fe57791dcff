// Package kitos reads an organisation's IT landscape from a KITOS instance
// (os2kitos) through its API v2 and maps it to samspil's records.
//
// The types below are the parts of KITOS's response DTOs samspil reads
// (Presentation.Web/Models/API/V2/Response in KITOS's source), with KITOS's
// JSON names: camelCase properties and enums as their C# names (KITOS's V2
// formatter adds a StringEnumConverter).
package kitos

import "time"

// IdentityNamePair is KITOS's IdentityNamePairResponseDTO: a reference to
// another object or an option value. For KLE the name is the task key
// ("27.24.00").
type IdentityNamePair struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// ShallowOrganization is KITOS's ShallowOrganizationResponseDTO.
type ShallowOrganization struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
	CVR  string `json:"cvr"`
}

// Organization is KITOS's OrganizationResponseDTO.
type Organization struct {
	ShallowOrganization
	OrganizationType string `json:"organizationType"` // Municipality, CommunityOfInterest, Company, OtherPublicAuthority
}

// ItSystem is KITOS's ItSystemResponseDTO (GET /api/v2/it-systems).
type ItSystem struct {
	UUID         string               `json:"uuid"`
	Name         string               `json:"name"`
	Description  string               `json:"description"`
	KLE          []IdentityNamePair   `json:"kle"`
	Deactivated  bool                 `json:"deactivated"`
	BusinessType *IdentityNamePair    `json:"businessType"`
	RightsHolder *ShallowOrganization `json:"rightsHolder"`
	LastModified time.Time            `json:"lastModified"`
}

// ItSystemUsage is KITOS's ItSystemUsageResponseDTO (GET
// /api/v2/it-system-usages).
type ItSystemUsage struct {
	UUID                string              `json:"uuid"`
	LastModified        time.Time           `json:"lastModified"`
	SystemContext       IdentityNamePair    `json:"systemContext"`
	OrganizationContext ShallowOrganization `json:"organizationContext"`
	General             UsageGeneral        `json:"general"`
	Roles               []RoleAssignment    `json:"roles"`
	LocalKLEDeviations  struct {
		RemovedKLE []IdentityNamePair `json:"removedKLE"`
		AddedKLE   []IdentityNamePair `json:"addedKLE"`
	} `json:"localKLEDeviations"`
	OutgoingSystemRelations []SystemRelation `json:"outgoingSystemRelations"`
}

// UsageGeneral is KITOS's GeneralDataResponseDTO of a usage.
type UsageGeneral struct {
	LocalCallName         string `json:"localCallName"`
	Notes                 string `json:"notes"`
	NumberOfExpectedUsers *struct {
		LowerBound int  `json:"lowerBound"`
		UpperBound *int `json:"upperBound"`
	} `json:"numberOfExpectedUsers"`
	Validity struct {
		Valid           bool       `json:"valid"`
		LifeCycleStatus *string    `json:"lifeCycleStatus"` // LifeCycleStatusChoice
		ValidFrom       *time.Time `json:"validFrom"`
		ValidTo         *time.Time `json:"validTo"`
	} `json:"validity"`
	MainContract *IdentityNamePair `json:"mainContract"`
}

// RoleAssignment is KITOS's RoleAssignmentResponseDTO.
type RoleAssignment struct {
	User IdentityNamePair `json:"user"`
	Role IdentityNamePair `json:"role"`
}

// SystemRelation is KITOS's OutgoingSystemRelationResponseDTO.
type SystemRelation struct {
	UUID               string            `json:"uuid"`
	ToSystemUsage      IdentityNamePair  `json:"toSystemUsage"`
	RelationInterface  *IdentityNamePair `json:"relationInterface"`
	AssociatedContract *IdentityNamePair `json:"associatedContract"`
	RelationFrequency  *IdentityNamePair `json:"relationFrequency"`
	Description        string            `json:"description"`
	URLReference       string            `json:"urlReference"`
}

// ItContract is KITOS's ItContractResponseDTO (GET /api/v2/it-contracts).
type ItContract struct {
	UUID                string              `json:"uuid"`
	Name                string              `json:"name"`
	LastModified        time.Time           `json:"lastModified"`
	OrganizationContext ShallowOrganization `json:"organizationContext"`
	General             struct {
		ContractID   string            `json:"contractId"`
		ContractType *IdentityNamePair `json:"contractType"`
		Notes        string            `json:"notes"`
		Validity     struct {
			Valid     bool       `json:"valid"`
			ValidFrom *time.Time `json:"validFrom"`
			ValidTo   *time.Time `json:"validTo"`
		} `json:"validity"`
	} `json:"general"`
	Procurement struct {
		PurchaseType        *IdentityNamePair `json:"purchaseType"`
		ProcurementStrategy *IdentityNamePair `json:"procurementStrategy"`
		ProcurementPlan     *struct {
			QuarterOfYear int `json:"quarterOfYear"`
			Year          int `json:"year"`
		} `json:"procurementPlan"`
	} `json:"procurement"`
	Supplier struct {
		Organization *ShallowOrganization `json:"organization"`
	} `json:"supplier"`
	SystemUsages                []IdentityNamePair `json:"systemUsages"`
	DataProcessingRegistrations []IdentityNamePair `json:"dataProcessingRegistrations"`
	AgreementPeriod             struct {
		DurationYears        *int              `json:"durationYears"`
		DurationMonths       *int              `json:"durationMonths"`
		IsContinuous         *bool             `json:"isContinuous"`
		ExtensionOptions     *IdentityNamePair `json:"extensionOptions"`
		ExtensionOptionsUsed int               `json:"extensionOptionsUsed"`
		IrrevocableUntil     *time.Time        `json:"irrevocableUntil"`
	} `json:"agreementPeriod"`
	Termination struct {
		TerminatedAt *time.Time `json:"terminatedAt"`
		Terms        *struct {
			NoticePeriodMonths         *IdentityNamePair `json:"noticePeriodMonths"`
			NoticePeriodExtendsCurrent *string           `json:"noticePeriodExtendsCurrent"` // YearSegmentChoice
			NoticeByEndOf              *string           `json:"noticeByEndOf"`              // YearSegmentChoice
		} `json:"terms"`
	} `json:"termination"`
	Roles []RoleAssignment `json:"roles"`
}

// DataProcessingRegistration is KITOS's
// DataProcessingRegistrationResponseDTO (GET
// /api/v2/data-processing-registrations).
type DataProcessingRegistration struct {
	UUID                string              `json:"uuid"`
	Name                string              `json:"name"`
	LastModified        time.Time           `json:"lastModified"`
	OrganizationContext ShallowOrganization `json:"organizationContext"`
	General             struct {
		DataResponsible                        *IdentityNamePair     `json:"dataResponsible"`
		IsAgreementConcluded                   *string               `json:"isAgreementConcluded"` // YesNoIrrelevantChoice
		AgreementConcludedAt                   *time.Time            `json:"agreementConcludedAt"`
		BasisForTransfer                       *IdentityNamePair     `json:"basisForTransfer"`
		TransferToInsecureThirdCountries       *string               `json:"transferToInsecureThirdCountries"` // YesNoUndecidedChoice
		InsecureCountriesSubjectToDataTransfer []IdentityNamePair    `json:"insecureCountriesSubjectToDataTransfer"`
		DataProcessors                         []ShallowOrganization `json:"dataProcessors"`
		SubDataProcessors                      []struct {
			DataProcessorOrganization                   ShallowOrganization `json:"dataProcessorOrganization"`
			InsecureThirdCountrySubjectToDataProcessing *IdentityNamePair   `json:"insecureThirdCountrySubjectToDataProcessing"`
		} `json:"subDataProcessors"`
		MainContract        *IdentityNamePair  `json:"mainContract"`
		AssociatedContracts []IdentityNamePair `json:"associatedContracts"`
	} `json:"general"`
	SystemUsages []IdentityNamePair `json:"systemUsages"`
	Oversight    struct {
		OversightInterval                *string    `json:"oversightInterval"` // OversightIntervalChoice
		OversightScheduledInspectionDate *time.Time `json:"oversightScheduledInspectionDate"`
		OversightDates                   []struct {
			CompletedAt time.Time `json:"completedAt"`
			Remark      string    `json:"remark"`
		} `json:"oversightDates"`
	} `json:"oversight"`
}

// TrackingEvent is KITOS's TrackingEventResponseDTO (GET
// /api/v2/delta-feed/deleted-entities).
type TrackingEvent struct {
	OccurredAtUtc time.Time `json:"occurredAtUtc"`
	EntityUUID    string    `json:"entityUuid"`
	EntityType    string    `json:"entityType"` // TrackedEntityTypeChoice: ItSystem, ItSystemUsage, ItInterface, ItContract, DataProcessingRegistration, OrganizationUnit
}
