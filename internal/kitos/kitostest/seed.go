package kitostest

// UUIDs of the seeded landscape.
const (
	OrgUUID      = "5b7e3a1c-1f2d-4c3b-9a8e-0740a0000001" // Silkeborg Kommune in KITOS
	OtherOrgUUID = "5b7e3a1c-1f2d-4c3b-9a8e-0791a0000002" // Viborg Kommune in KITOS

	SystemSBSYS = "9d1f8c22-0000-4000-8000-000000000101"
	SystemOPUS  = "9d1f8c22-0000-4000-8000-000000000102"
	SystemAula  = "9d1f8c22-0000-4000-8000-000000000103"

	UsageSBSYS  = "a3c4e5f6-0000-4000-8000-000000000201"
	UsageOPUS   = "a3c4e5f6-0000-4000-8000-000000000202"
	UsageAula   = "a3c4e5f6-0000-4000-8000-000000000203"
	UsageViborg = "a3c4e5f6-0000-4000-8000-000000000299"

	ContractSBSYS = "c0c0c0c0-0000-4000-8000-000000000301"
	ContractOPUS  = "c0c0c0c0-0000-4000-8000-000000000302"
	ContractNoDay = "c0c0c0c0-0000-4000-8000-000000000303"

	RelationSBSYSOPUS = "d0d0d0d0-0000-4000-8000-000000000401"

	DataProcessingOPUS = "e0e0e0e0-0000-4000-8000-000000000501"
)

func orgContext(uuid, name, cvr string) Object { return Object{"uuid": uuid, "name": name, "cvr": cvr} }

// Silkeborg is the organisation context of the seeded usages and contracts.
var Silkeborg = orgContext(OrgUUID, "Silkeborg Kommune", "29189684")

// Seed fills the fake with a small landscape of Silkeborg Kommune as KITOS
// would answer it: three systems, three usages (SBSYS relates to OPUS),
// three contracts (one without a first day), a data processing
// registration, and a usage of Viborg's that must not be read.
func (f *Fake) Seed() {
	f.Org(OrgUUID, "Silkeborg Kommune", "29189684")
	f.Org(OtherOrgUUID, "Viborg Kommune", "29189773")
	f.System(Object{"uuid": SystemSBSYS, "name": "SBSYS", "description": "Elektronisk sags- og dokumenthåndtering",
		"kle": []any{Ref("e1000000-0000-4000-8000-000000000001", "00.01.00")}, "businessType": Ref("bt000000-0000-4000-8000-000000000001", "ESDH"),
		"rightsHolder": Object{"uuid": "r0000000-0000-4000-8000-000000000001", "name": "Fujitsu A/S", "cvr": "10203040"}})
	f.System(Object{"uuid": SystemOPUS, "name": "OPUS Løn", "businessType": Ref("bt000000-0000-4000-8000-000000000002", "Løn og personale"),
		"rightsHolder": Object{"uuid": "r0000000-0000-4000-8000-000000000002", "name": "KMD A/S", "cvr": "26911745"}})
	f.System(Object{"uuid": SystemAula, "name": "Aula", "businessType": Ref("bt000000-0000-4000-8000-000000000003", "Kommunikation")})
	f.Usage(Object{"uuid": UsageSBSYS, "systemContext": Ref(SystemSBSYS, "SBSYS"), "organizationContext": Silkeborg,
		"general": Object{"localSystemId": nil, "localCallName": "ESDH", "dataClassification": nil, "notes": "Kernesystem", "systemVersion": "6.2",
			"numberOfExpectedUsers": Object{"lowerBound": 100, "upperBound": nil},
			"validity": Object{"valid": true, "validAccordingToValidityPeriod": true, "validAccordingToLifeCycle": true, "validAccordingToMainContract": true,
				"lifeCycleStatus": "Operational", "validFrom": "2015-01-01T00:00:00Z", "validTo": nil},
			"mainContract": Ref(ContractSBSYS, "SBSYS driftsaftale")},
		"roles": []any{Object{"user": Ref("u0000000-0000-4000-8000-000000000001", "Systemejer Test"), "role": Ref("ro000000-0000-4000-8000-000000000001", "Systemejer")}},
		"outgoingSystemRelations": []any{Object{"uuid": RelationSBSYSOPUS, "toSystemUsage": Ref(UsageOPUS, "OPUS Løn"),
			"relationInterface": Ref("if000000-0000-4000-8000-000000000001", "Løndata"), "associatedContract": Ref(ContractOPUS, "OPUS Løn licens"),
			"relationFrequency": Ref("rf000000-0000-4000-8000-000000000001", "Dagligt"), "description": "Lønsedler journaliseres", "urlReference": "intranet/loen"}}})
	f.Usage(Object{"uuid": UsageOPUS, "systemContext": Ref(SystemOPUS, "OPUS Løn"), "organizationContext": Silkeborg,
		"general": Object{"notes": "", "numberOfExpectedUsers": Object{"lowerBound": 10, "upperBound": 49},
			"validity": Object{"valid": true, "lifeCycleStatus": "PhasingOut", "validFrom": "2012-03-31T22:00:00Z", "validTo": "2027-12-31T23:00:00Z"}}})
	f.Usage(Object{"uuid": UsageAula, "systemContext": Ref(SystemAula, "Aula"), "organizationContext": Silkeborg,
		"general": Object{"notes": "", "numberOfExpectedUsers": nil, "validity": Object{"valid": false, "lifeCycleStatus": "Undecided"}}})
	f.Usage(Object{"uuid": UsageViborg, "systemContext": Ref(SystemSBSYS, "SBSYS"), "organizationContext": orgContext(OtherOrgUUID, "Viborg Kommune", "29189773"),
		"general": Object{"validity": Object{"valid": true, "lifeCycleStatus": "Operational"}}})
	f.Contract(Object{"uuid": ContractSBSYS, "name": "SBSYS driftsaftale", "organizationContext": Silkeborg,
		"general": Object{"contractId": "K-2019-17", "contractType": Ref("ct000000-0000-4000-8000-000000000001", "Hovedkontrakt"), "contractTemplate": nil,
			"agreementElements": []any{}, "notes": "Fællesudbud", "criticality": nil,
			"validity": Object{"valid": true, "enforcedValid": false, "validFrom": "2019-01-01T00:00:00Z", "validTo": "2026-12-31T00:00:00Z", "requireValidParent": false, "validationErrors": []any{}}},
		"procurement": Object{"purchaseType": Ref("pt000000-0000-4000-8000-000000000001", "EU udbud"), "procurementStrategy": Ref("ps000000-0000-4000-8000-000000000001", "EU udbud"),
			"procurementPlan": Object{"quarterOfYear": 3, "year": 2026}, "procurementInitiated": "No"},
		"supplier":     Object{"organization": Object{"uuid": "r0000000-0000-4000-8000-000000000001", "name": "Fujitsu A/S", "cvr": "10203040"}, "signed": true, "signedBy": "Leverandør", "signedAt": "2018-12-01T00:00:00Z"},
		"systemUsages": []any{Ref(UsageSBSYS, "SBSYS")},
		"agreementPeriod": Object{"durationYears": nil, "durationMonths": nil, "isContinuous": false,
			"extensionOptions": Ref("eo000000-0000-4000-8000-000000000001", "2 x 1 år"), "extensionOptionsUsed": 0, "irrevocableUntil": "2021-12-31T00:00:00Z"},
		"termination": Object{"terminatedAt": nil, "terms": Object{"noticePeriodMonths": Ref("np000000-0000-4000-8000-000000000006", "6"),
			"noticePeriodExtendsCurrent": "EndOfQuarter", "noticeByEndOf": "EndOfQuarter"}}})
	f.Contract(Object{"uuid": ContractOPUS, "name": "OPUS Løn licens", "organizationContext": Silkeborg,
		"general": Object{"contractId": "", "contractType": nil, "notes": "", "agreementElements": []any{},
			"validity": Object{"valid": true, "enforcedValid": false, "validFrom": "2012-04-01T00:00:00Z", "validTo": nil, "requireValidParent": false, "validationErrors": []any{}}},
		"procurement":     Object{"purchaseType": nil, "procurementStrategy": Ref("ps000000-0000-4000-8000-000000000006", "SKI - direkte tildeling"), "procurementPlan": nil, "procurementInitiated": nil},
		"supplier":        Object{"organization": Object{"uuid": "r0000000-0000-4000-8000-000000000002", "name": "KMD A/S", "cvr": "26911745"}, "signed": false},
		"systemUsages":    []any{Ref(UsageOPUS, "OPUS Løn")},
		"agreementPeriod": Object{"durationYears": nil, "durationMonths": nil, "isContinuous": true, "extensionOptions": nil, "extensionOptionsUsed": 0, "irrevocableUntil": nil},
		"termination": Object{"terminatedAt": nil, "terms": Object{"noticePeriodMonths": Ref("np000000-0000-4000-8000-000000000003", "3"),
			"noticePeriodExtendsCurrent": "EndOfMonth", "noticeByEndOf": nil}}})
	f.Contract(Object{"uuid": ContractNoDay, "name": "Aula-aftale uden dato", "organizationContext": Silkeborg,
		"general": Object{"contractId": "", "notes": "", "agreementElements": []any{},
			"validity": Object{"valid": false, "enforcedValid": false, "validFrom": nil, "validTo": nil, "requireValidParent": false, "validationErrors": []any{"StartDateNotPassed"}}},
		"systemUsages": []any{Ref(UsageAula, "Aula")}})
	f.DataProcessing(Object{"uuid": DataProcessingOPUS, "name": "Løndata hos KMD", "organizationContext": Silkeborg,
		"general": Object{"dataResponsible": Ref("dr000000-0000-4000-8000-000000000001", "Leverandøren er databehandler"), "isAgreementConcluded": "Yes",
			"agreementConcludedAt": "2019-05-31T22:00:00Z", "basisForTransfer": Ref("bf000000-0000-4000-8000-000000000001", "EU og EØS"),
			"transferToInsecureThirdCountries": "No", "insecureCountriesSubjectToDataTransfer": []any{Ref("cc000000-0000-4000-8000-000000000001", "UA")},
			"dataProcessors":       []any{Object{"uuid": "r0000000-0000-4000-8000-000000000002", "name": "KMD A/S", "cvr": "26911745"}},
			"hasSubDataProcessors": "Yes", "subDataProcessors": []any{Object{"dataProcessorOrganization": Object{"uuid": "r0000000-0000-4000-8000-000000000009",
				"name": "Ukendt Hosting ApS", "cvr": "12345674"}, "basisForTransfer": nil, "transferToInsecureThirdCountry": "No",
				"insecureThirdCountrySubjectToDataProcessing": nil}},
			"valid": true, "mainContract": Ref(ContractOPUS, "OPUS Løn licens"), "associatedContracts": []any{Ref(ContractOPUS, "OPUS Løn licens")}},
		"systemUsages": []any{Ref(UsageOPUS, "OPUS Løn")},
		"oversight": Object{"oversightOptions": []any{Ref("oo000000-0000-4000-8000-000000000001", "Egen kontrol")}, "oversightInterval": "Yearly",
			"isOversightCompleted": "Yes", "oversightScheduledInspectionDate": nil,
			"oversightDates": []any{Object{"uuid": "od000000-0000-4000-8000-000000000001", "completedAt": "2024-03-01T00:00:00Z", "remark": "Ingen bemærkninger"},
				Object{"uuid": "od000000-0000-4000-8000-000000000002", "completedAt": "2025-03-03T00:00:00Z", "remark": "Revisionserklæring modtaget"}}}})
}
