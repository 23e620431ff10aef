-- +goose Up
-- Follow-up: decisions, visit events, findings, conclusions, recommendations and
-- remediation reports with their attachments; in-app notifications, the mail outbox
-- and the keys of notifications already sent.

-- Decisions (quyết định), numbered per issuing body and year of signing:
-- "Số: 125/QĐ-SNV". The team of a visit lives in visit_members (one source of truth,
-- guarded against double booking); `team` is the snapshot printed in the signed
-- decision, so the document stays as signed when the team later changes (a change of
-- team is itself a new decision of kind team_change).
CREATE TABLE decisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id        bigint NOT NULL REFERENCES visits (id) ON DELETE RESTRICT,
    kind            text NOT NULL DEFAULT 'inspection' CHECK (kind IN ('inspection', 'extension', 'team_change', 'suspension', 'cancellation')),
    number          integer NOT NULL CHECK (number > 0),
    symbol          text NOT NULL DEFAULT 'QĐ-SNV',
    issuing_body_id bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    signed_on       date NOT NULL,
    signer_name     text NOT NULL CHECK (btrim(signer_name) <> ''),
    signer_title    text NOT NULL DEFAULT '',
    period_from     date,      -- period under review
    period_to       date,
    scope           text NOT NULL DEFAULT '',
    team            jsonb NOT NULL DEFAULT '[]', -- [{"inspector_id":…, "full_name":…, "role":"lead"}]
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT decisions_body_year_number_key UNIQUE (issuing_body_id, year, number),
    CONSTRAINT decisions_year_of_signing CHECK (extract(year FROM signed_on) = year),
    CONSTRAINT decisions_period_order CHECK (period_to >= period_from)
);
CREATE UNIQUE INDEX decisions_one_inspection_decision ON decisions (visit_id) WHERE kind = 'inspection';
CREATE INDEX decisions_visit_idx ON decisions (visit_id);

-- The history of a visit: status changes, extensions, suspensions, cancellations.
CREATE TABLE visit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id     bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('status_change', 'extended', 'suspended', 'resumed', 'cancelled')),
    from_status  text CHECK (from_status IN ('planned', 'decision_signed', 'announced', 'on_site', 'on_site_ended',
                     'conclusion_issued', 'follow_up', 'closed', 'cancelled', 'suspended')),
    to_status    text CHECK (to_status IN ('planned', 'decision_signed', 'announced', 'on_site', 'on_site_ended',
                     'conclusion_issued', 'follow_up', 'closed', 'cancelled', 'suspended')),
    on_date      date NOT NULL,   -- the civil date the event takes effect
    new_end_date date,            -- for extended: the new last day on site
    reason       text NOT NULL DEFAULT '',
    decision_id  bigint REFERENCES decisions (id) ON DELETE SET NULL,
    user_id      bigint REFERENCES users (id) ON DELETE SET NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visit_events_status_change_has_target CHECK (kind <> 'status_change' OR to_status IS NOT NULL),
    CONSTRAINT visit_events_extension_has_end CHECK (kind <> 'extended' OR new_end_date IS NOT NULL),
    CONSTRAINT visit_events_reason_required CHECK (kind IN ('status_change', 'resumed') OR btrim(reason) <> '')
);
CREATE INDEX visit_events_visit_idx ON visit_events (visit_id, at);

-- Findings: shortcomings and violations found on site.
CREATE TABLE findings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id    bigint NOT NULL REFERENCES visits (id) ON DELETE RESTRICT,
    topic_code  text REFERENCES topics (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    kind        text NOT NULL DEFAULT 'shortcoming' CHECK (kind IN ('shortcoming', 'violation')),
    description text NOT NULL CHECK (btrim(description) <> ''),
    severity    text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX findings_visit_idx ON findings (visit_id);

-- The conclusion of a visit (kết luận), numbered per issuing body and year: "Số: 12/KL-SNV".
CREATE TABLE conclusions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id            bigint NOT NULL UNIQUE REFERENCES visits (id) ON DELETE RESTRICT,
    number              integer NOT NULL CHECK (number > 0),
    symbol              text NOT NULL DEFAULT 'KL-SNV',
    issuing_body_id     bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    draft_received_on   date,   -- the 15-day signing deadline runs from here
    signed_on           date NOT NULL,
    signer_name         text NOT NULL CHECK (btrim(signer_name) <> ''),
    signer_title        text NOT NULL DEFAULT '',
    summary             text NOT NULL DEFAULT '',
    directive_issued_on date,   -- the directive to implement it
    created_by          bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conclusions_body_year_number_key UNIQUE (issuing_body_id, year, number),
    CONSTRAINT conclusions_year_of_signing CHECK (extract(year FROM signed_on) = year),
    CONSTRAINT conclusions_signed_after_draft CHECK (signed_on >= draft_received_on),
    CONSTRAINT conclusions_directive_after_signing CHECK (directive_issued_on >= signed_on)
);

-- Recommendations of a conclusion, each with the unit that must act and a deadline.
-- deadline is always stored; deadline_working_days records "N working days from the
-- conclusion" when the deadline was computed that way.
CREATE TABLE recommendations (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conclusion_id         bigint NOT NULL REFERENCES conclusions (id) ON DELETE RESTRICT,
    owner_unit_id         bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    action                text NOT NULL CHECK (btrim(action) <> ''),
    deadline              date NOT NULL,
    deadline_working_days integer CHECK (deadline_working_days > 0),
    severity              text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reported', 'returned', 'done', 'cancelled')),
    closed_at             timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT recommendations_closed_when_final CHECK ((status IN ('done', 'cancelled')) = (closed_at IS NOT NULL))
);
CREATE INDEX recommendations_conclusion_idx ON recommendations (conclusion_id);
CREATE INDEX recommendations_owner_idx ON recommendations (owner_unit_id, status);
CREATE INDEX recommendations_due_idx ON recommendations (deadline) WHERE status IN ('open', 'reported', 'returned');

-- A unit's report on remediation; an inspector accepts or returns it (with a reason).
-- At most one report of a recommendation waits for a decision.
CREATE TABLE remediation_reports (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recommendation_id bigint NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    submitted_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    body              text NOT NULL CHECK (btrim(body) <> ''),
    submitted_at      timestamptz NOT NULL DEFAULT now(),
    outcome           text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'accepted', 'returned')),
    decided_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at        timestamptz,
    decision_reason   text NOT NULL DEFAULT '',
    CONSTRAINT remediation_reports_decided_when_final CHECK ((outcome = 'pending') = (decided_at IS NULL)),
    CONSTRAINT remediation_reports_decided_after_submission CHECK (decided_at >= submitted_at),
    CONSTRAINT remediation_reports_return_needs_reason CHECK (outcome <> 'returned' OR btrim(decision_reason) <> '')
);
CREATE UNIQUE INDEX remediation_reports_one_pending ON remediation_reports (recommendation_id) WHERE outcome = 'pending';

-- Files (evidence, minutes, signed documents), each owned by exactly one row.
-- Select it without `data` when listing.
CREATE TABLE attachments (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id              bigint REFERENCES visits (id) ON DELETE CASCADE, -- minutes (biên bản) and other visit papers
    finding_id            bigint REFERENCES findings (id) ON DELETE CASCADE,
    remediation_report_id bigint REFERENCES remediation_reports (id) ON DELETE CASCADE,
    decision_id           bigint REFERENCES decisions (id) ON DELETE CASCADE,
    conclusion_id         bigint REFERENCES conclusions (id) ON DELETE CASCADE,
    filename              text NOT NULL CHECK (btrim(filename) <> ''),
    content_type          text NOT NULL,     -- sniffed from the bytes, not trusted from the client
    size_bytes            bigint NOT NULL CHECK (size_bytes >= 0),
    sha256                text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data                  bytea NOT NULL,
    uploaded_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attachments_one_owner CHECK (num_nonnulls(visit_id, finding_id, remediation_report_id, decision_id, conclusion_id) = 1),
    CONSTRAINT attachments_size_matches CHECK (size_bytes = octet_length(data))
);
CREATE INDEX attachments_visit_idx ON attachments (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX attachments_finding_idx ON attachments (finding_id) WHERE finding_id IS NOT NULL;
CREATE INDEX attachments_report_idx ON attachments (remediation_report_id) WHERE remediation_report_id IS NOT NULL;
CREATE INDEX attachments_decision_idx ON attachments (decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX attachments_conclusion_idx ON attachments (conclusion_id) WHERE conclusion_id IS NOT NULL;

-- In-app notifications. dedupe_key makes jobs re-runnable: INSERT … ON CONFLICT
-- (dedupe_key) DO NOTHING. The key must name the recipient (e.g. 'reminder:rec:42:d7:user:5').
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (btrim(kind) <> ''),
    dedupe_key text NOT NULL UNIQUE,
    subject    text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Durable mail outbox. A sender claims due rows with
--   SELECT … WHERE status = 'pending' AND next_attempt_at <= now ORDER BY next_attempt_at
--   FOR UPDATE SKIP LOCKED
-- (or reclaims 'sending' rows whose claimed_at is old), then marks them sent or failed.
CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key      text NOT NULL UNIQUE,
    to_email        citext NOT NULL CHECK (to_email::text LIKE '%_@_%'),
    to_name         text NOT NULL DEFAULT '',
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mail_outbox_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT mail_outbox_sending_is_claimed CHECK (status <> 'sending' OR claimed_at IS NOT NULL)
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- Keys of notifications already decided and sent (one row per reminder, escalation
-- or digest and recipient), whatever the channel: a job inserts the key with
-- ON CONFLICT DO NOTHING and sends only when the insert happened.
CREATE TABLE sent_notification_keys (
    key     text PRIMARY KEY CHECK (btrim(key) <> ''),
    sent_at timestamptz NOT NULL DEFAULT now()
);

-- The notification policy is data in `rules`, with a legal basis and dates like every
-- other rule (keys in models/rule.go): notify.reminder_offsets_days, notify.escalation,
-- notify.digest_weekday. The seed inserts the defaults.

-- +goose Down
DROP TABLE sent_notification_keys;
DROP TABLE mail_outbox;
DROP TABLE notifications;
DROP TABLE attachments;
DROP TABLE remediation_reports;
DROP TABLE recommendations;
DROP TABLE conclusions;
DROP TABLE findings;
DROP TABLE visit_events;
DROP TABLE decisions;
