-- +goose Up
-- Indexes for the organisation search, which matches names by substring
-- (name_fold LIKE '%text%') and codes exactly (see searchOrganizations in
-- organizations.go). The trigram index of 00012 serves texts of three or
-- more characters; organizations_name_grams serves shorter ones: it holds
-- every one- and two-character substring of each folded name, so that a
-- name contains such a text exactly when its grams contain it.
-- organizations_code finds a municipality code in any country (the unique
-- index of 00001 begins with the country).
CREATE INDEX organizations_code ON organizations (municipality_code);

-- +goose StatementBegin
CREATE FUNCTION organization_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ARRAY(SELECT DISTINCT substr(name, i, w) FROM generate_series(1, length(name)) AS i, (VALUES (1), (2)) AS v (w))
$$;
-- +goose StatementEnd

CREATE INDEX organizations_name_grams ON organizations USING gin (organization_name_grams(name_fold));

-- +goose Down
DROP INDEX organizations_name_grams;
DROP FUNCTION organization_name_grams(text);
DROP INDEX organizations_code;
