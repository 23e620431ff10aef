-- +goose Up
-- The caches of app/viewcache and app/auth learn of changes from PostgreSQL's
-- NOTIFY (app/changes) instead of reading a number on every request. A
-- notification is delivered when, and only when, its transaction commits,
-- to every listening replica, in commit order; identical notifications of
-- one transaction are delivered once.
--
-- The calendar's 15 triggers (migration 00015) now notify 'khung_calendar'
-- instead of adding a row to calendar_changes: nothing reads the generation
-- from the database any more, so its two tables go.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION khung_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('khung_calendar', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TABLE calendar_changes;
DROP TABLE calendar_generation;

-- 'khung_identity': what a logged-in request's identity is read from (a
-- session, an API token, its user and the user's unit) changed in a way that
-- may refuse or change it. Not told: a new row (nobody holds it yet), a
-- session's or token's touch (last_seen_at, last_used_at, and expires_at moved
-- later: it only lengthens a session; the cache re-reads a session at least
-- once a minute anyway), a user's last_login_at and updated_at.
-- +goose StatementBegin
CREATE FUNCTION khung_identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('khung_identity', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER sessions_identity_ended AFTER DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER sessions_identity_changed AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (NEW.expires_at < OLD.expires_at
          OR to_jsonb(OLD) - 'last_seen_at' - 'expires_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_seen_at' - 'expires_at')
    EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER api_tokens_identity_ended AFTER DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER api_tokens_identity_changed AFTER UPDATE ON api_tokens FOR EACH ROW
    WHEN (to_jsonb(OLD) - 'last_used_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_used_at')
    EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER users_identity_ended AFTER DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER users_identity_changed AFTER UPDATE ON users FOR EACH ROW
    WHEN (to_jsonb(OLD) - 'last_login_at' - 'updated_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_login_at' - 'updated_at')
    EXECUTE FUNCTION khung_identity_changed();
CREATE TRIGGER units_identity_changed AFTER UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION khung_identity_changed();

-- +goose Down
DROP FUNCTION khung_identity_changed() CASCADE;
CREATE TABLE calendar_generation (
    one boolean PRIMARY KEY DEFAULT TRUE CHECK (one),
    n   bigint NOT NULL DEFAULT 0
);
INSERT INTO calendar_generation DEFAULT VALUES;
CREATE TABLE calendar_changes (
    id bigserial PRIMARY KEY
);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION khung_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('khung.calendar_changed', true), '') <> 'yes' THEN
        INSERT INTO calendar_changes DEFAULT VALUES;
        PERFORM set_config('khung.calendar_changed', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
