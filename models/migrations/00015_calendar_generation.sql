-- +goose Up
-- The calendar's cache (app/visits) keeps encoded answers per visibility class
-- and checks, on every request, one number that moves whenever a committed
-- transaction changed a table a visit shows or the visibility rule reads.
--
-- The number is calendar_generation.n plus the rows of calendar_changes. A
-- transaction that writes one of the tables below adds ONE row to
-- calendar_changes (its first such statement does; a transaction-local
-- setting marks it, and a rolled-back savepoint takes both back). Inserts do
-- not lock each other, so two unrelated writers never wait for one another
-- (a single counter row would serialise every writer of these tables and
-- could deadlock them); a row becomes visible exactly when its transaction
-- commits, so the number moves at commit and never before it. The reader
-- folds the rows into calendar_generation.n from time to time, in one
-- statement, which leaves the sum unchanged.
CREATE TABLE calendar_generation (
    one boolean PRIMARY KEY DEFAULT TRUE CHECK (one),
    n   bigint NOT NULL DEFAULT 0
);
INSERT INTO calendar_generation DEFAULT VALUES;

CREATE TABLE calendar_changes (
    id bigserial PRIMARY KEY
);

-- +goose StatementBegin
CREATE FUNCTION khung_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('khung.calendar_changed', true), '') <> 'yes' THEN
        INSERT INTO calendar_changes DEFAULT VALUES;
        PERFORM set_config('khung.calendar_changed', 'yes', true); -- until the end of the transaction
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- What a visit shows (dates, unit and its ancestors, bodies, kinds, topics,
-- team, plan version) and what the visibility rule of app/authz reads
-- (plan versions' status, units' paths, teams, conclusions and their
-- recommendations' owners, the successions that carry a unit's history) and
-- the holidays a month page paints.
-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['visits', 'visit_members', 'visit_proposals', 'proposals', 'plan_versions', 'plans',
                             'units', 'bodies', 'inspectors', 'inspection_kinds', 'topics', 'conclusions',
                             'recommendations', 'unit_successions', 'holidays'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION khung_calendar_changed()', t || '_calendar_changed', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- CASCADE drops the 15 triggers that call the function.
DROP FUNCTION khung_calendar_changed() CASCADE;
DROP TABLE calendar_changes;
DROP TABLE calendar_generation;
