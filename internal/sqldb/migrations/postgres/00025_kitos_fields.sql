-- +goose Up
-- The fields municipalities keep in KITOS, so that moving a landscape from
-- KITOS to samspil loses none of them. Lists are JSON text like the
-- initiatives' criteria.
--
-- Usages: the local name and ID, the version in use, how sensitive the
-- data is, the contract that decides whether the usage is active (cleared
-- when that contract is deleted), the archive duty and period, AI
-- technology, web accessibility and references.
ALTER TABLE usages ADD COLUMN local_call_name TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN local_system_id TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN system_version TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN data_classification TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN main_contract_id TEXT REFERENCES contracts (id) ON DELETE SET NULL;
ALTER TABLE usages ADD COLUMN archive_duty TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN archive_period_years INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usages ADD COLUMN ai_use TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN web_accessibility TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN web_accessibility_checked DATE;
ALTER TABLE usages ADD COLUMN web_accessibility_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN references_json TEXT NOT NULL DEFAULT '[]';
CREATE INDEX usages_main_contract ON usages (main_contract_id);

-- Catalogue systems: the entry a system is part of (cleared when that entry
-- is deleted), former names, whether it is deactivated and the national
-- archive's recommendation.
ALTER TABLE systems ADD COLUMN parent_id TEXT REFERENCES systems (id) ON DELETE SET NULL;
ALTER TABLE systems ADD COLUMN former_names_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE systems ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE systems ADD COLUMN archive_recommendation TEXT NOT NULL DEFAULT '';
CREATE INDEX systems_parent ON systems (parent_id);

-- Contracts: the type, criticality, the contract it belongs under (cleared
-- when that one is deleted), the payment model and milestones, and who
-- signed it when for each side.
ALTER TABLE contracts ADD COLUMN contract_type TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN criticality TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN parent_id TEXT REFERENCES contracts (id) ON DELETE SET NULL;
ALTER TABLE contracts ADD COLUMN payment_model TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN payment_milestones_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE contracts ADD COLUMN organization_signer TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN organization_signed_on DATE;
ALTER TABLE contracts ADD COLUMN supplier_signer TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN supplier_signed_on DATE;
CREATE INDEX contracts_parent ON contracts (parent_id);

-- +goose Down
DROP INDEX contracts_parent;
ALTER TABLE contracts DROP COLUMN supplier_signed_on;
ALTER TABLE contracts DROP COLUMN supplier_signer;
ALTER TABLE contracts DROP COLUMN organization_signed_on;
ALTER TABLE contracts DROP COLUMN organization_signer;
ALTER TABLE contracts DROP COLUMN payment_milestones_json;
ALTER TABLE contracts DROP COLUMN payment_model;
ALTER TABLE contracts DROP COLUMN parent_id;
ALTER TABLE contracts DROP COLUMN criticality;
ALTER TABLE contracts DROP COLUMN contract_type;
DROP INDEX systems_parent;
ALTER TABLE systems DROP COLUMN archive_recommendation;
ALTER TABLE systems DROP COLUMN deactivated;
ALTER TABLE systems DROP COLUMN former_names_json;
ALTER TABLE systems DROP COLUMN parent_id;
DROP INDEX usages_main_contract;
ALTER TABLE usages DROP COLUMN references_json;
ALTER TABLE usages DROP COLUMN web_accessibility_notes;
ALTER TABLE usages DROP COLUMN web_accessibility_checked;
ALTER TABLE usages DROP COLUMN web_accessibility;
ALTER TABLE usages DROP COLUMN ai_use;
ALTER TABLE usages DROP COLUMN archive_period_years;
ALTER TABLE usages DROP COLUMN archive_duty;
ALTER TABLE usages DROP COLUMN main_contract_id;
ALTER TABLE usages DROP COLUMN data_classification;
ALTER TABLE usages DROP COLUMN system_version;
ALTER TABLE usages DROP COLUMN local_system_id;
ALTER TABLE usages DROP COLUMN local_call_name;
