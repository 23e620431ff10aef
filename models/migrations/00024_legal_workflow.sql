-- +goose Up
-- The legal workflow the documents imply (issue 13, item 5).

-- The draft conclusion (or the team's report of results) as its signer
-- received it: the conclusion is signed within 15 days of it (Luật Thanh tra
-- số 84/2025/QH15, Điều 36; the rule followup.conclusion_days). received_by is
-- the signer who received it (reminded before the deadline, escalated after).
CREATE TABLE conclusion_drafts (
    visit_id    bigint PRIMARY KEY REFERENCES visits (id) ON DELETE CASCADE,
    received_on date NOT NULL,
    received_by bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    recorded_by bigint REFERENCES users (id) ON DELETE SET NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conclusion_drafts_received_by_idx ON conclusion_drafts (received_by);

-- A check on the implementation of a conclusion (kiểm tra việc thực hiện kết
-- luận) is a visit of its own kind. It is announced to the unit like a planned
-- visit, but made outside the framework plan, from overdue recommendations,
-- which it names.
INSERT INTO inspection_kinds (code, name_vi, name_en, legal_basis, valid_from)
VALUES ('implementation_check', 'Kiểm tra việc thực hiện kết luận', 'Check on the implementation of a conclusion',
        'Luật Thanh tra số 84/2025/QH15 (hiệu lực từ 01/7/2025): theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận; thời gian kiểm tra không quá 10 ngày làm việc',
        '2025-07-01')
ON CONFLICT (code) DO NOTHING;
ALTER TABLE visits DROP CONSTRAINT visits_planned_in_a_version;
ALTER TABLE visits ADD CONSTRAINT visits_planned_in_a_version
    CHECK (plan_version_id IS NOT NULL OR form <> 'planned' OR kind IS NOT DISTINCT FROM 'implementation_check');
CREATE TABLE visit_checked_recommendations (
    visit_id          bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    recommendation_id bigint NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    CONSTRAINT visit_checked_recommendations_pkey PRIMARY KEY (visit_id, recommendation_id)
);
CREATE INDEX visit_checked_recommendations_rec_idx ON visit_checked_recommendations (recommendation_id);

-- Recommendations of responsibility (kiểm điểm, xử lý trách nhiệm, kỷ luật)
-- beside remedial ones: whom they concern (a collective, individuals or
-- both), and what was done about them: the measure (kinds.toml's
-- [[discipline]]), whom it concerns, the decision's date and number.
ALTER TABLE recommendations
    ADD COLUMN kind text NOT NULL DEFAULT 'remedial' CHECK (kind IN ('remedial', 'responsibility')),
    ADD COLUMN liable text CHECK (liable IN ('collective', 'individual', 'both')),
    ADD CONSTRAINT recommendations_liable_of_responsibility CHECK ((kind = 'responsibility') = (liable IS NOT NULL));
CREATE TABLE responsibility_outcomes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recommendation_id bigint NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    measure           text NOT NULL CHECK (btrim(measure) <> ''),
    subject           text NOT NULL CHECK (btrim(subject) <> ''),
    decided_on        date NOT NULL,
    document_number   text NOT NULL CHECK (btrim(document_number) <> ''),
    note              text NOT NULL DEFAULT '',
    recorded_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX responsibility_outcomes_rec_idx ON responsibility_outcomes (recommendation_id);

-- The notice to the unit and the acceptance are numbered in the agency's
-- register of notices (TB-SNV) like decisions and conclusions.
ALTER TABLE decisions
    ADD COLUMN notice_number integer CHECK (notice_number > 0),
    ADD COLUMN notice_symbol text,
    ADD COLUMN notice_on date,
    ADD CONSTRAINT decisions_notice_whole CHECK ((notice_number IS NULL) = (notice_symbol IS NULL)
        AND (notice_number IS NULL) = (notice_on IS NULL));
ALTER TABLE remediation_reports
    ADD COLUMN acceptance_number integer CHECK (acceptance_number > 0),
    ADD COLUMN acceptance_symbol text,
    ADD CONSTRAINT remediation_reports_acceptance_whole CHECK ((acceptance_number IS NULL) = (acceptance_symbol IS NULL));

-- +goose Down
ALTER TABLE remediation_reports DROP COLUMN acceptance_symbol, DROP COLUMN acceptance_number;
ALTER TABLE decisions DROP COLUMN notice_on, DROP COLUMN notice_symbol, DROP COLUMN notice_number;
DROP TABLE responsibility_outcomes;
ALTER TABLE recommendations DROP COLUMN liable, DROP COLUMN kind;
DROP TABLE visit_checked_recommendations;
ALTER TABLE visits DROP CONSTRAINT visits_planned_in_a_version;
DELETE FROM visits WHERE plan_version_id IS NULL AND form = 'planned';
ALTER TABLE visits ADD CONSTRAINT visits_planned_in_a_version CHECK (plan_version_id IS NOT NULL OR form <> 'planned');
DROP TABLE conclusion_drafts;
