-- +goose Up
-- An index for the organisation search, which matches names by substring
-- (name_fold LIKE '%text%') and codes exactly: without it a search that
-- finds little reads every organisation, and one that finds many late in
-- name order ("gemeinde") most of them (see searchOrganizations in
-- organizations.go, and 00015 on PostgreSQL).
--
-- organization_search_fts is an FTS5 table with the trigram tokenizer over
-- each organisation's folded name. A search for three or more characters
-- asks it for the names holding some of the text's trigrams, one for one
-- or two characters for the names holding a trigram that begins with the
-- text (the terms come from organization_search_terms): two characters
-- \x01 end every indexed name, so that each character begins a trigram.
-- The indexed text is lower(name_fold): name_fold is folded already, and
-- lower() folds ASCII as LIKE compares it, so that the names found include
-- every name LIKE matches. The tokenizer is case-sensitive (it folds
-- nothing itself) and the table keeps neither positions nor sizes
-- (detail=none, columnsize=0): it only narrows the names down, and the
-- store checks each with LIKE.
--
-- The FTS table is contentless; the names live in organization_search,
-- whose integer search_id is the FTS rowid. Positive keys follow name
-- order: of two names with positive keys, the one first in name order has
-- the smaller key. So the index gives the names it finds in name order,
-- and a search reads only as many as it shows. A new or renamed name
-- takes a key between its neighbours' (the triggers below); when they
-- leave no room it takes a negative key, and the search sorts those few
-- itself. (The rowid of organizations, which has a text key, could not
-- serve: it does not follow name order, and a VACUUM may change it.)
-- organizations_code finds a municipality code in any country (the unique
-- index of 00001 begins with the country).
CREATE INDEX organizations_code ON organizations (municipality_code);

CREATE TABLE organization_search (
    search_id INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    name_fold TEXT NOT NULL
);
CREATE INDEX organization_search_name ON organization_search (name_fold, id);
CREATE VIRTUAL TABLE organization_search_fts USING fts5 (text, content = '', detail = 'none', columnsize = 0,
    tokenize = 'trigram case_sensitive 1');
CREATE VIRTUAL TABLE organization_search_terms USING fts5vocab (organization_search_fts, 'row');

INSERT INTO organization_search (search_id, id, name_fold)
    SELECT row_number() OVER (ORDER BY name_fold, id) * 4294967296, id, name_fold FROM organizations;
INSERT INTO organization_search_fts (rowid, text) SELECT search_id, lower(name_fold) || char(1, 1) FROM organization_search;

-- +goose StatementBegin
CREATE TRIGGER organization_search_insert AFTER INSERT ON organizations BEGIN
    INSERT INTO organization_search (id, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organization_search_update AFTER UPDATE OF id, name_fold ON organizations
WHEN old.id IS NOT new.id OR old.name_fold IS NOT new.name_fold BEGIN
    DELETE FROM organization_search WHERE id = old.id;
    INSERT INTO organization_search (id, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organization_search_delete AFTER DELETE ON organizations BEGIN
    DELETE FROM organization_search WHERE id = old.id;
END;
-- +goose StatementEnd

-- A new name takes a key between those of its neighbours in name order
-- (2^62 stands for "none after"), or a negative one when they leave no
-- room. Its trigrams are indexed under that key.
-- +goose StatementBegin
CREATE TRIGGER organization_search_placed AFTER INSERT ON organization_search BEGIN
    UPDATE organization_search SET search_id = (
        SELECT CASE
            WHEN n - p < 2 THEN min(-1, (SELECT min(search_id) FROM organization_search) - 1)
            WHEN p = 0 AND n = 4611686018427387904 THEN 2305843009213693952
            WHEN n = 4611686018427387904 THEN p + max(1, (n - p) / 1048576)
            WHEN p = 0 THEN n - max(1, n / 1048576)
            ELSE p + (n - p) / 2
        END
        FROM (SELECT
            coalesce((SELECT search_id FROM organization_search
                WHERE search_id > 0 AND id <> new.id AND (name_fold, id) < (new.name_fold, new.id)
                ORDER BY name_fold DESC, id DESC LIMIT 1), 0) AS p,
            coalesce((SELECT search_id FROM organization_search
                WHERE search_id > 0 AND id <> new.id AND (name_fold, id) > (new.name_fold, new.id)
                ORDER BY name_fold, id LIMIT 1), 4611686018427387904) AS n))
    WHERE id = new.id;
    INSERT INTO organization_search_fts (rowid, text)
        SELECT search_id, lower(name_fold) || char(1, 1) FROM organization_search WHERE id = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organization_search_removed AFTER DELETE ON organization_search BEGIN
    INSERT INTO organization_search_fts (organization_search_fts, rowid, text)
        VALUES ('delete', old.search_id, lower(old.name_fold) || char(1, 1));
END;
-- +goose StatementEnd

-- After 4,096 names without room (the 4,096th negative key), every name
-- is numbered anew in name order, and the index made again. The new name,
-- whose key this is, is indexed after this trigger by the one above.
-- +goose StatementBegin
CREATE TRIGGER organization_search_renumbered AFTER UPDATE OF search_id ON organization_search
WHEN new.search_id BETWEEN -4611686018427387903 AND -4096 BEGIN
    UPDATE organization_search SET search_id = -search_id - 4611686018427387904 WHERE search_id > 0;
    UPDATE organization_search SET search_id = r.n * 4294967296
        FROM (SELECT id, row_number() OVER (ORDER BY name_fold, id) AS n FROM organization_search) AS r
        WHERE r.id = organization_search.id;
    INSERT INTO organization_search_fts (organization_search_fts) VALUES ('delete-all');
    INSERT INTO organization_search_fts (rowid, text)
        SELECT search_id, lower(name_fold) || char(1, 1) FROM organization_search WHERE id <> new.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER organization_search_renumbered;
DROP TRIGGER organization_search_removed;
DROP TRIGGER organization_search_placed;
DROP TRIGGER organization_search_delete;
DROP TRIGGER organization_search_update;
DROP TRIGGER organization_search_insert;
DROP TABLE organization_search_terms;
DROP TABLE organization_search_fts;
DROP TABLE organization_search;
DROP INDEX organizations_code;
