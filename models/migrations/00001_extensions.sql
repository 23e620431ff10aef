-- +goose Up
-- Extensions the schema relies on; all are "trusted", so the database owner may create them.
CREATE EXTENSION IF NOT EXISTS btree_gist; -- exclusion constraints on (inspector, dates)
CREATE EXTENSION IF NOT EXISTS pg_trgm;    -- fast substring search on unit and person names
CREATE EXTENSION IF NOT EXISTS unaccent;   -- search that ignores Vietnamese diacritics
CREATE EXTENSION IF NOT EXISTS citext;     -- case-insensitive e-mail addresses

-- +goose Down
DROP EXTENSION IF EXISTS citext;
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS btree_gist;
