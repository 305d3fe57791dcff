package samspil

import (
	"strconv"
	"strings"
)

// The fields KITOS keeps on a contract (kitosfields.go): its type,
// criticality, the contract it belongs under, the payment model and
// milestones, and who signed it when. Per-contract roles are not among
// them.

func init() {
	RegisterEnum(ContractTypes)
	RegisterEnum(Criticalities)
	RegisterEnum(PaymentModels)
}

// ContractType is what kind of contract it is, as KITOS's default
// ItContractType options.
type ContractType string

// Contract types.
const (
	ContractMain                    ContractType = "main"                      // Hovedkontrakt
	ContractSupplementary           ContractType = "supplementary"             // Tillægskontrakt
	ContractInterface               ContractType = "interface"                 // Snitflade
	ContractServiceAgreement        ContractType = "service_agreement"         // Serviceaftale
	ContractDataProcessingAgreement ContractType = "data_processing_agreement" // Databehandleraftale
)

// ContractTypes lists the contract types.
var ContractTypes = []ContractType{ContractMain, ContractSupplementary, ContractInterface, ContractServiceAgreement, ContractDataProcessingAgreement}

// Criticality is how critical a contract is, as KITOS's default
// CriticalityType options ("Kritikalitet 1" and "Kritikalitet 2").
type Criticality string

// Criticality levels.
const (
	Criticality1 Criticality = "level_1"
	Criticality2 Criticality = "level_2"
)

// Criticalities lists the levels.
var Criticalities = []Criticality{Criticality1, Criticality2}

// PaymentModel is how a contract is paid, as KITOS's default
// PaymentModelType options.
type PaymentModel string

// Payment models.
const (
	PaymentLicense            PaymentModel = "license"             // Licens
	PaymentLicenseFlatRate    PaymentModel = "license_flat_rate"   // Licens - flatrate
	PaymentLicenseConsumption PaymentModel = "license_consumption" // Licens - forbrug
	PaymentLicensePopulation  PaymentModel = "license_population"  // Licens - indbyggere
	PaymentLicensePerCase     PaymentModel = "license_per_case"    // Licens - pr. sag
	PaymentFee                PaymentModel = "fee"                 // Gebyr
	PaymentOneOff             PaymentModel = "one_off"             // Engangsydelse
)

// PaymentModels lists the payment models.
var PaymentModels = []PaymentModel{PaymentLicense, PaymentLicenseFlatRate, PaymentLicenseConsumption, PaymentLicensePopulation,
	PaymentLicensePerCase, PaymentFee, PaymentOneOff}

// PaymentMilestone is a payment due on delivery of a part of the contract
// (KITOS: betalingsmilepæl).
type PaymentMilestone struct {
	Title      string `json:"title" maxLength:"200"`
	ExpectedOn *Date  `json:"expected_on,omitempty" format:"date" doc:"When the milestone is expected"`
	ApprovedOn *Date  `json:"approved_on,omitempty" format:"date" doc:"When the milestone was approved"`
}

// MaxPaymentMilestones is how many milestones a contract keeps.
const MaxPaymentMilestones = 50

// ContractKITOSFields are the fields KITOS keeps on a contract.
type ContractKITOSFields struct {
	ContractType         ContractType       `json:"contract_type,omitempty" allowEmpty:"true"`
	Criticality          Criticality        `json:"criticality,omitempty" allowEmpty:"true"`
	ParentID             string             `json:"parent_id,omitempty" doc:"The contract this one belongs under (KITOS: overordnet kontrakt): of the same organisation, never the contract itself or one under it"`
	PaymentModel         PaymentModel       `json:"payment_model,omitempty" allowEmpty:"true"`
	PaymentMilestones    []PaymentMilestone `json:"payment_milestones,omitempty" maxItems:"50"`
	OrganizationSigner   string             `json:"organization_signer,omitempty" maxLength:"200" doc:"Who signed for the organisation"`
	OrganizationSignedOn *Date              `json:"organization_signed_on,omitempty" format:"date"`
	SupplierSigner       string             `json:"supplier_signer,omitempty" maxLength:"200" doc:"Who signed for the supplier"`
	SupplierSignedOn     *Date              `json:"supplier_signed_on,omitempty" format:"date"`
}

// ContractKITOSPatch changes the KITOS fields of a contract; nil fields
// stay.
type ContractKITOSPatch struct {
	ContractType         *ContractType       `json:"contract_type,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	Criticality          *Criticality        `json:"criticality,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	ParentID             *string             `json:"parent_id,omitempty" doc:"Empty string clears it"`
	PaymentModel         *PaymentModel       `json:"payment_model,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	PaymentMilestones    *[]PaymentMilestone `json:"payment_milestones,omitempty" maxItems:"50" doc:"Replaces the list"`
	OrganizationSigner   *string             `json:"organization_signer,omitempty" maxLength:"200"`
	OrganizationSignedOn *Date               `json:"organization_signed_on,omitempty" format:"date" doc:"Empty string clears it"`
	SupplierSigner       *string             `json:"supplier_signer,omitempty" maxLength:"200"`
	SupplierSignedOn     *Date               `json:"supplier_signed_on,omitempty" format:"date" doc:"Empty string clears it"`
}

// apply applies the patch to f.
func (p ContractKITOSPatch) apply(f *ContractKITOSFields) {
	setIf(&f.ContractType, p.ContractType)
	setIf(&f.Criticality, p.Criticality)
	setIf(&f.ParentID, p.ParentID)
	setIf(&f.PaymentModel, p.PaymentModel)
	setIf(&f.PaymentMilestones, p.PaymentMilestones)
	setIf(&f.OrganizationSigner, p.OrganizationSigner)
	setDate(&f.OrganizationSignedOn, p.OrganizationSignedOn)
	setIf(&f.SupplierSigner, p.SupplierSigner)
	setDate(&f.SupplierSignedOn, p.SupplierSignedOn)
	f.normalize()
}

// normalize trims the texts and makes the milestones a list.
func (f *ContractKITOSFields) normalize() {
	f.ParentID = strings.TrimSpace(f.ParentID)
	f.OrganizationSigner = strings.TrimSpace(f.OrganizationSigner)
	f.SupplierSigner = strings.TrimSpace(f.SupplierSigner)
	ms := make([]PaymentMilestone, len(f.PaymentMilestones))
	for i, m := range f.PaymentMilestones {
		ms[i] = PaymentMilestone{Title: strings.TrimSpace(m.Title), ExpectedOn: m.ExpectedOn, ApprovedOn: m.ApprovedOn}
	}
	f.PaymentMilestones = ms
}

// validate checks the fields' own values; the store checks the parent.
func (f *ContractKITOSFields) validate(v *Validation) {
	if f.ContractType != "" {
		v.OneOf("contract_type", f.ContractType)
	}
	if f.Criticality != "" {
		v.OneOf("criticality", f.Criticality)
	}
	if f.PaymentModel != "" {
		v.OneOf("payment_model", f.PaymentModel)
	}
	v.Check(len(f.PaymentMilestones) <= MaxPaymentMilestones, "payment_milestones", "must have at most %d entries", MaxPaymentMilestones)
	for i, m := range f.PaymentMilestones {
		p := "payment_milestones[" + strconv.Itoa(i) + "].title"
		v.Check(m.Title != "", p, "is required")
		checkLength(v, p, m.Title, 200)
	}
	checkLength(v, "organization_signer", f.OrganizationSigner, 200)
	checkLength(v, "supplier_signer", f.SupplierSigner, 200)
}

// Set reports whether any of the fields is set, so that pages show them
// only then.
func (f ContractKITOSFields) Set() bool {
	return f.ContractType != "" || f.Criticality != "" || f.ParentID != "" || f.PaymentModel != "" || len(f.PaymentMilestones) > 0 ||
		f.OrganizationSigner != "" || f.OrganizationSignedOn != nil || f.SupplierSigner != "" || f.SupplierSignedOn != nil
}
