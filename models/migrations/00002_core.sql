-- +goose Up
-- Core reference data: the unit tree, inspecting bodies, users and their sessions,
-- inspectors (with what makes them conflicted), the working calendar, catalogs,
-- dated rules and the audit log.
--
-- Conventions used throughout the schema:
--   * every valid_to / to_date / end_date is INCLUSIVE (the last day something holds);
--   * dates are `date`, instants are `timestamptz`;
--   * enumerations are text with a CHECK listing the allowed values.

-- khung_unaccent removes diacritics (Vietnamese included: đ/Đ become d/D). unaccent()
-- itself is only STABLE because it looks its dictionary up through search_path; naming
-- the dictionary explicitly makes the result fixed, so it may feed generated columns
-- and indexes.
-- +goose StatementBegin
CREATE FUNCTION khung_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
-- +goose StatementEnd

-- Units: the city, its districts, communes and wards, departments and public-service
-- units, as a tree of any depth. `path` is materialised by the application as the
-- parent's path followed by this unit's code and a slash ('/01/001/00001/'), so
-- "this unit and everything below it" is `path LIKE '/01/001/%'`.
CREATE TABLE units (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9.-]+$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    short_name  text NOT NULL DEFAULT '',
    kind        text NOT NULL CHECK (kind IN ('city', 'district', 'commune', 'department', 'public_service_unit', 'other')),
    type_label  text NOT NULL DEFAULT '',
    parent_id   bigint REFERENCES units (id) ON DELETE RESTRICT,
    area_code   text NOT NULL DEFAULT '',
    path        text NOT NULL UNIQUE,
    valid_from  date,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search_text text GENERATED ALWAYS AS (lower(khung_unaccent(name || ' ' || short_name || ' ' || code))) STORED,
    CONSTRAINT units_path_ends_with_code CHECK (right(path, length(code) + 2) = '/' || code || '/' AND left(path, 1) = '/'),
    CONSTRAINT units_root_path CHECK (parent_id IS NOT NULL OR path = '/' || code || '/'),
    CONSTRAINT units_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT units_valid_order CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);
CREATE INDEX units_kind_idx ON units (kind);
CREATE INDEX units_search_idx ON units USING gin (search_text gin_trgm_ops);

-- Periods when a unit cannot receive a team (its own audits, elections, reorganisation).
CREATE TABLE unit_blackouts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    from_date  date NOT NULL,
    to_date    date NOT NULL,
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT unit_blackouts_order CHECK (to_date >= from_date)
);
CREATE INDEX unit_blackouts_unit_idx ON unit_blackouts (unit_id);

-- Inspecting bodies: the city team, the inspectorate, the department's divisions,
-- districts' and units' own internal inspection. A lower precedence leads joint visits.
CREATE TABLE bodies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name       text NOT NULL CHECK (btrim(name) <> ''),
    short_name text NOT NULL DEFAULT '',
    kind       text NOT NULL CHECK (kind IN ('city_team', 'inspectorate', 'division', 'district_internal', 'unit_internal')),
    precedence integer NOT NULL DEFAULT 100 CHECK (precedence >= 0),
    unit_id    bigint REFERENCES units (id) ON DELETE RESTRICT,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bodies_unit_idx ON bodies (unit_id);

-- Catalogs. Codes are the stable keys other tables refer to (ON UPDATE CASCADE).
CREATE TABLE inspection_kinds (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en     text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    valid_from  date NOT NULL,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inspection_kinds_valid_order CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE skills (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en     text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    valid_from  date NOT NULL,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT skills_valid_order CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- A topic may belong to one kind of inspection and call for one skill on the team.
CREATE TABLE topics (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en     text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    kind_code   text REFERENCES inspection_kinds (code) ON UPDATE CASCADE ON DELETE SET NULL,
    skill_code  text REFERENCES skills (code) ON UPDATE CASCADE ON DELETE SET NULL,
    valid_from  date NOT NULL,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT topics_valid_order CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- Inspectors: people who can sit on teams.
CREATE TABLE inspectors (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    full_name         text NOT NULL CHECK (btrim(full_name) <> ''),
    email             citext,
    title             text NOT NULL DEFAULT '',
    body_id           bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    home_unit_id      bigint REFERENCES units (id) ON DELETE RESTRICT,
    can_lead          boolean NOT NULL DEFAULT false,
    max_days_per_year integer NOT NULL DEFAULT 0 CHECK (max_days_per_year >= 0), -- 0 = no limit
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    search_text       text GENERATED ALWAYS AS (lower(khung_unaccent(full_name || ' ' || code || ' ' || coalesce(email::text, '')))) STORED
);
CREATE INDEX inspectors_body_idx ON inspectors (body_id);
CREATE INDEX inspectors_home_unit_idx ON inspectors (home_unit_id);
CREATE INDEX inspectors_search_idx ON inspectors USING gin (search_text gin_trgm_ops);

-- Units where an inspector worked before (conflict of interest).
CREATE TABLE inspector_former_units (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspector_id bigint NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
    unit_id      bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    from_date    date,
    to_date      date,
    CONSTRAINT inspector_former_units_order CHECK (to_date IS NULL OR from_date IS NULL OR to_date >= from_date)
);
CREATE INDEX inspector_former_units_inspector_idx ON inspector_former_units (inspector_id);
CREATE INDEX inspector_former_units_unit_idx ON inspector_former_units (unit_id);

-- Relatives holding a key post in a unit (conflict of interest; parent_in_law counts for leaders only).
CREATE TABLE inspector_relatives (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspector_id bigint NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
    unit_id      bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    relation     text NOT NULL CHECK (relation IN ('spouse', 'parent', 'child', 'sibling', 'parent_in_law')),
    post         text NOT NULL CHECK (post IN ('head', 'deputy', 'personnel', 'accounting')),
    note         text NOT NULL DEFAULT ''
);
CREATE INDEX inspector_relatives_inspector_idx ON inspector_relatives (inspector_id);
CREATE INDEX inspector_relatives_unit_idx ON inspector_relatives (unit_id);

CREATE TABLE inspector_skills (
    inspector_id bigint NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
    skill_code   text NOT NULL REFERENCES skills (code) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (inspector_id, skill_code)
);

CREATE TABLE inspector_leaves (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspector_id bigint NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
    from_date    date NOT NULL,
    to_date      date NOT NULL,
    reason       text NOT NULL DEFAULT '',
    CONSTRAINT inspector_leaves_order CHECK (to_date >= from_date)
);
CREATE INDEX inspector_leaves_inspector_idx ON inspector_leaves (inspector_id, from_date);

-- Users of the platform.
CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               citext NOT NULL UNIQUE CHECK (email::text LIKE '%_@_%'),
    full_name           text NOT NULL CHECK (btrim(full_name) <> ''),
    password_hash       text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('admin', 'planner', 'approver', 'inspector', 'unit', 'viewer')),
    unit_id             bigint REFERENCES units (id) ON DELETE RESTRICT,
    inspector_id        bigint UNIQUE REFERENCES inspectors (id) ON DELETE SET NULL,
    -- who in the unit this is, for escalation: the office, its head, the leadership
    unit_position       text NOT NULL DEFAULT 'office' CHECK (unit_position IN ('office', 'head', 'leadership')),
    locale              text NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
    active              boolean NOT NULL DEFAULT true,
    password_changed_at timestamptz,
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search_text         text GENERATED ALWAYS AS (lower(khung_unaccent(full_name || ' ' || email::text))) STORED,
    CONSTRAINT users_unit_role_needs_unit CHECK (role <> 'unit' OR unit_id IS NOT NULL)
);
CREATE INDEX users_unit_idx ON users (unit_id);
CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_search_idx ON users USING gin (search_text gin_trgm_ops);

-- Browser sessions; id is the SHA-256 (hex) of the cookie token, never the token itself.
CREATE TABLE sessions (
    id           text PRIMARY KEY CHECK (length(id) >= 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL CHECK (csrf_token <> ''),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    CONSTRAINT sessions_expiry_order CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- API tokens for scripts; only the hash is stored.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (btrim(name) <> ''),
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_expiry_order CHECK (expires_at IS NULL OR expires_at > created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Login attempts, for throttling ("failures for this e-mail in the last 15 minutes").
CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email     citext NOT NULL,
    ip        text NOT NULL DEFAULT '',
    at        timestamptz NOT NULL DEFAULT now(),
    succeeded boolean NOT NULL
);
CREATE INDEX login_attempts_failures_idx ON login_attempts (email, at) WHERE NOT succeeded;
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
CREATE INDEX login_attempts_at_idx ON login_attempts (at);

-- Secret links to a personal iCalendar feed; only the hash is stored.
CREATE TABLE calendar_feed_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX calendar_feed_tokens_user_idx ON calendar_feed_tokens (user_id);

-- Exceptions to the Monday-Friday week: public holidays and compensatory working Saturdays.
CREATE TABLE holidays (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    date        date NOT NULL UNIQUE,
    kind        text NOT NULL CHECK (kind IN ('holiday', 'working_saturday')),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en     text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT holidays_working_day_is_saturday CHECK (kind <> 'working_saturday' OR extract(isodow FROM date) = 6)
);

-- Rules: configurable values, each with its legal basis and the period it applies to.
-- The versions of one key never overlap.
CREATE TABLE rules (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key            text NOT NULL CHECK (key ~ '^[a-z0-9_.]+$'),
    value          jsonb NOT NULL,
    description_vi text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    legal_basis    text NOT NULL DEFAULT '',
    valid_from     date NOT NULL,
    valid_to       date,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rules_key_valid_from_key UNIQUE (key, valid_from),
    CONSTRAINT rules_valid_order CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT rules_no_overlap EXCLUDE USING gist (key WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
);

-- Audit log: who changed what, before and after.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    action     text NOT NULL CHECK (btrim(action) <> ''),
    entity     text NOT NULL CHECK (btrim(entity) <> ''),
    entity_id  bigint,
    before     jsonb,
    after      jsonb,
    request_id text NOT NULL DEFAULT '',
    ip         text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE rules;
DROP TABLE holidays;
DROP TABLE calendar_feed_tokens;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE inspector_leaves;
DROP TABLE inspector_skills;
DROP TABLE inspector_relatives;
DROP TABLE inspector_former_units;
DROP TABLE inspectors;
DROP TABLE topics;
DROP TABLE skills;
DROP TABLE inspection_kinds;
DROP TABLE bodies;
DROP TABLE unit_blackouts;
DROP TABLE units;
DROP FUNCTION khung_unaccent(text);
