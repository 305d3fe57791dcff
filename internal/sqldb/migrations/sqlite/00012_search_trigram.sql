-- +goose Up
-- Nothing to do on SQLite. On PostgreSQL this version adds trigram indexes
-- for the search's substring match (name_fold LIKE '%text%'). SQLite serves
-- small installations, where reading the visible rows of a kind is fast;
-- its nearest equivalent, an FTS5 trigram table, would be a second copy of
-- every name kept in step by triggers, for no need at that size. The
-- statement only keeps the version numbers of both engines alike.
SELECT 1;

-- +goose Down
SELECT 1;
