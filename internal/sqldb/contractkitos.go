package sqldb

import (
	"github.com/samspil/samspil"
)

// contractKITOSColumns are the columns of the fields KITOS keeps on a
// contract, read after the others by scanContract.
func contractKITOSColumns(e Engine) string {
	return `c.contract_type, c.criticality, c.parent_id, c.payment_model, c.payment_milestones_json, c.organization_signer, ` +
		dateColumn(e, "c.organization_signed_on") + `, c.supplier_signer, ` + dateColumn(e, "c.supplier_signed_on")
}

// contractKITOSScan holds what a row has of contractKITOSColumns.
type contractKITOSScan struct {
	f                        samspil.ContractKITOSFields
	parent                   *string
	milestones               string
	orgSignedOn, supSignedOn nullDate
	dests                    []any
}

// targets returns the Scan destinations, in the order of
// contractKITOSColumns.
func (k *contractKITOSScan) targets() []any {
	return []any{&k.f.ContractType, &k.f.Criticality, &k.parent, &k.f.PaymentModel, &k.milestones, &k.f.OrganizationSigner,
		&k.orgSignedOn, &k.f.SupplierSigner, &k.supSignedOn}
}

// finish puts the scanned fields on c.
func (k *contractKITOSScan) finish(c *samspil.Contract) error {
	k.f.ParentID, k.f.OrganizationSignedOn, k.f.SupplierSignedOn = deref(k.parent), k.orgSignedOn.Ptr(), k.supSignedOn.Ptr()
	if err := readJSONList(k.milestones, &k.f.PaymentMilestones, "payment milestones of contract "+c.ID); err != nil {
		return err
	}
	c.ContractKITOSFields = k.f
	return nil
}

// writeContractKITOSFields stores the KITOS fields of a written contract.
// They are written on their own, not with contractArgs, so that a contract
// import, which knows none of them, keeps them when it updates a contract.
func (tx *Tx) writeContractKITOSFields(c *samspil.Contract) error {
	f := c.ContractKITOSFields
	ms, err := jsonList(f.PaymentMilestones)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE contracts SET contract_type = $1, criticality = $2, parent_id = $3, payment_model = $4,
		payment_milestones_json = $5, organization_signer = $6, organization_signed_on = $7, supplier_signer = $8, supplier_signed_on = $9
		WHERE id = $10`, string(f.ContractType), string(f.Criticality), nullString(f.ParentID), string(f.PaymentModel), ms,
		f.OrganizationSigner, dateValue(f.OrganizationSignedOn), f.SupplierSigner, dateValue(f.SupplierSignedOn), c.ID)
	return err
}

// checkContractParent checks that the parent of the contract c is a
// contract of the same organisation and not c itself or one under it.
func (tx *Tx) checkContractParent(c *samspil.Contract) error {
	if c.ParentID == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM contracts WHERE id = $1 AND organization_id = $2`,
		c.ParentID, c.OrganizationID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return samspil.ErrorAt(samspil.EINVALID, "parent_id", "is not a contract of the organisation")
	}
	// Walk up from the parent; the chain is acyclic before the change.
	for at := c.ParentID; at != ""; {
		if at == c.ID {
			return samspil.ErrorAt(samspil.EINVALID, "parent_id", "cannot be the contract itself or one under it")
		}
		var next *string
		if err := tx.QueryRowContext(tx.ctx, `SELECT parent_id FROM contracts WHERE id = $1`, at).Scan(&next); err != nil {
			return err
		}
		at = deref(next)
	}
	return nil
}
