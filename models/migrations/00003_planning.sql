-- +goose Up
-- Planning: proposals from the bodies, the yearly framework plan and its versions,
-- the visits of a version with their proposals and teams.

-- A body's wish to inspect one unit in a year.
CREATE TABLE proposals (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    body_id       bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    unit_id       bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    kind          text NOT NULL REFERENCES inspection_kinds (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    form          text NOT NULL CHECK (form IN ('planned', 'unannounced', 'verification')),
    topics        text[] NOT NULL DEFAULT '{}', -- topic codes (catalog), checked by the application
    skills        text[] NOT NULL DEFAULT '{}', -- skill codes (catalog), checked by the application
    period_from   date,                         -- period under review (thời kỳ kiểm tra)
    period_to     date,
    window_from   date,                         -- preferred window for the visit
    window_to     date,
    days          integer NOT NULL CHECK (days > 0),      -- working days on site
    team_size     integer NOT NULL CHECK (team_size > 0),
    priority      integer NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 3),
    legal_basis   text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'accepted', 'rejected', 'withdrawn')),
    status_reason text NOT NULL DEFAULT '',     -- why it was rejected or withdrawn
    note          text NOT NULL DEFAULT '',
    external_ref  text,                         -- the row's key in an imported file: re-imports update, never duplicate
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT proposals_year_external_ref_key UNIQUE (year, external_ref), -- NULLs never collide
    CONSTRAINT proposals_period_order CHECK (period_to IS NULL OR period_from IS NULL OR period_to >= period_from),
    CONSTRAINT proposals_window_both CHECK ((window_from IS NULL) = (window_to IS NULL)),
    CONSTRAINT proposals_window_order CHECK (window_to >= window_from),
    CONSTRAINT proposals_rejection_reason CHECK (status NOT IN ('rejected', 'withdrawn') OR btrim(status_reason) <> '')
);
CREATE INDEX proposals_year_status_idx ON proposals (year, status);
CREATE INDEX proposals_unit_idx ON proposals (unit_id, year);
CREATE INDEX proposals_body_idx ON proposals (body_id, year);

-- The framework plan of a year (kế hoạch khung), e.g. "Số: 01/KH-SNV".
CREATE TABLE plans (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year            integer NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    title           text NOT NULL CHECK (btrim(title) <> ''),
    issuing_body_id bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    symbol          text NOT NULL DEFAULT 'KH-SNV',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Versions of a plan. Version 1 is the first; any later one needs a reason. At most
-- one version of a plan is published at a time; publishing a new one supersedes it.
-- lock_version is for optimistic locking: UPDATE … SET lock_version = lock_version + 1
-- WHERE id = ? AND lock_version = ? and treat 0 rows as a conflict.
CREATE TABLE plan_versions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id           bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number            integer NOT NULL CHECK (number > 0),
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'published', 'superseded')),
    reason            text NOT NULL DEFAULT '',
    parent_version_id bigint REFERENCES plan_versions (id) ON DELETE SET NULL,
    penalty           numeric,            -- planner score (lower is better); NULL until solved
    metrics           jsonb,              -- planner metrics (planner-spec §3)
    instance          jsonb,              -- the planner input the version was built from
    lock_version      integer NOT NULL DEFAULT 0 CHECK (lock_version >= 0),
    created_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    submitted_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    submitted_at      timestamptz,
    approved_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    approved_at       timestamptz,
    published_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    published_at      timestamptz,
    document_number   text NOT NULL DEFAULT '', -- the number in "Số: 01/KH-SNV"
    CONSTRAINT plan_versions_plan_number_key UNIQUE (plan_id, number),
    CONSTRAINT plan_versions_reason_after_first CHECK (number = 1 OR btrim(reason) <> ''),
    CONSTRAINT plan_versions_not_own_parent CHECK (parent_version_id IS NULL OR parent_version_id <> id),
    CONSTRAINT plan_versions_submitted_has_time CHECK (status <> 'submitted' OR submitted_at IS NOT NULL),
    CONSTRAINT plan_versions_approved_has_time CHECK (status NOT IN ('approved', 'published') OR approved_at IS NOT NULL),
    CONSTRAINT plan_versions_published_has_time CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE UNIQUE INDEX plan_versions_one_published ON plan_versions (plan_id) WHERE status = 'published';

-- A visit to a unit: one per planned unit and version, or one per unannounced or
-- verification proposal. An unplanned (unannounced, verification) visit may exist
-- without a plan version. Unscheduled visits have no dates and say why.
CREATE TABLE visits (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_version_id    bigint REFERENCES plan_versions (id) ON DELETE CASCADE,
    code               text NOT NULL CHECK (btrim(code) <> ''), -- 'v-…' as the planner names it
    year               integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    unit_id            bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    form               text NOT NULL CHECK (form IN ('planned', 'unannounced', 'verification')),
    lead_body_id       bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    start_date         date,
    end_date           date,              -- inclusive
    days               integer NOT NULL CHECK (days > 0),
    team_size          integer NOT NULL CHECK (team_size > 0),
    priority           integer NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 3),
    unscheduled_reason text NOT NULL DEFAULT '',
    why                jsonb NOT NULL DEFAULT '[]', -- the planner's explanations (array of strings)
    status             text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'decision_signed', 'announced', 'on_site',
                           'on_site_ended', 'conclusion_issued', 'follow_up', 'closed', 'cancelled', 'suspended')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- codes are unique within a version, and among visits without a version
    CONSTRAINT visits_version_code_key UNIQUE NULLS NOT DISTINCT (plan_version_id, code),
    CONSTRAINT visits_dates_both CHECK ((start_date IS NULL) = (end_date IS NULL)),
    CONSTRAINT visits_date_order CHECK (end_date >= start_date),
    CONSTRAINT visits_planned_in_a_version CHECK (plan_version_id IS NOT NULL OR form <> 'planned')
);
CREATE INDEX visits_plan_version_idx ON visits (plan_version_id);
CREATE INDEX visits_unit_idx ON visits (unit_id, year);
CREATE INDEX visits_dates_idx ON visits (start_date, end_date);
CREATE INDEX visits_status_idx ON visits (status);

CREATE TABLE visit_proposals (
    visit_id    bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE RESTRICT,
    PRIMARY KEY (visit_id, proposal_id)
);
CREATE INDEX visit_proposals_proposal_idx ON visit_proposals (proposal_id);

-- The team of a visit. plan_version_id, start_date, end_date and visit_cancelled are
-- copies of the visit's values, kept in step by triggers (never written by the
-- application), so that an exclusion constraint can forbid double booking: an
-- inspector is never on two overlapping scheduled visits of the same plan version.
-- It is DEFERRABLE so that a transaction swapping two visits' dates can
-- `SET CONSTRAINTS visit_members_no_double_booking DEFERRED`.
CREATE TABLE visit_members (
    visit_id        bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    inspector_id    bigint NOT NULL REFERENCES inspectors (id) ON DELETE RESTRICT,
    role            text NOT NULL CHECK (role IN ('lead', 'member')),
    plan_version_id bigint,
    start_date      date,
    end_date        date,
    visit_cancelled boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (visit_id, inspector_id),
    CONSTRAINT visit_members_no_double_booking EXCLUDE USING gist (
        plan_version_id WITH =,
        inspector_id WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    ) WHERE (start_date IS NOT NULL AND NOT visit_cancelled) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE UNIQUE INDEX visit_members_one_lead ON visit_members (visit_id) WHERE role = 'lead';
CREATE INDEX visit_members_inspector_idx ON visit_members (inspector_id, start_date);

-- +goose StatementBegin
CREATE FUNCTION visit_members_copy_visit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT v.plan_version_id, v.start_date, v.end_date, v.status = 'cancelled'
      INTO NEW.plan_version_id, NEW.start_date, NEW.end_date, NEW.visit_cancelled
      FROM visits v
     WHERE v.id = NEW.visit_id;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER visit_members_copy_visit
    BEFORE INSERT OR UPDATE ON visit_members
    FOR EACH ROW EXECUTE FUNCTION visit_members_copy_visit();

-- +goose StatementBegin
CREATE FUNCTION visits_sync_members() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The BEFORE trigger on visit_members copies the new values from this visit.
    UPDATE visit_members SET plan_version_id = NEW.plan_version_id WHERE visit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER visits_sync_members
    AFTER UPDATE OF plan_version_id, start_date, end_date, status ON visits
    FOR EACH ROW
    WHEN (OLD.plan_version_id IS DISTINCT FROM NEW.plan_version_id
       OR OLD.start_date IS DISTINCT FROM NEW.start_date
       OR OLD.end_date IS DISTINCT FROM NEW.end_date
       OR (OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled'))
    EXECUTE FUNCTION visits_sync_members();

-- +goose Down
DROP TABLE visit_members;
DROP TABLE visit_proposals;
DROP TABLE visits;
DROP FUNCTION visits_sync_members();
DROP FUNCTION visit_members_copy_visit();
DROP TABLE plan_versions;
DROP TABLE plans;
DROP TABLE proposals;
