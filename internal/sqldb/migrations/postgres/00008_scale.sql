-- +goose Up
-- Indexes for the filtered lists that had none: the catalogue by category
-- (in the order of the list) and contracts by supplier.
CREATE INDEX systems_category ON systems (category, name_fold, id);
CREATE INDEX contracts_supplier ON contracts (supplier_id);

-- +goose Down
DROP INDEX contracts_supplier;
DROP INDEX systems_category;
