-- +goose Up
-- The inspected units' voice (issue 12, item 4): after the work on site ends,
-- the head of the inspected unit answers a short survey about the team's
-- conduct. The questions are data (admin-editable). A response records the
-- visit and the unit (one response per visit and unit) but never who answered;
-- the team never reads responses, and leadership reads them only as averages
-- by team leader and period once at least 3 responses exist (app/surveys).
CREATE TABLE survey_questions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position    integer NOT NULL,
    text_vi     text NOT NULL CHECK (btrim(text_vi) <> ''),
    text_en     text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO survey_questions (position, text_vi, text_en) VALUES
 (1, 'Đoàn làm việc đúng thời gian, nội dung và phạm vi đã thông báo.', 'The team kept to the announced dates, content and scope.'),
 (2, 'Thành viên đoàn có thái độ đúng mực, tôn trọng cán bộ, công chức của đơn vị.', 'The team''s members were courteous and respectful to the unit''s staff.'),
 (3, 'Đoàn không yêu cầu đơn vị chuẩn bị, chi phí ngoài quy định.', 'The team asked for nothing, and no expense, beyond what the rules require.'),
 (4, 'Đoàn giải thích rõ các tồn tại, hạn chế và hướng dẫn cách khắc phục.', 'The team explained the shortcomings clearly and how to remedy them.'),
 (5, 'Nhìn chung, đơn vị hài lòng với cách làm việc của đoàn.', 'Overall, the unit is satisfied with how the team worked.');

CREATE TABLE survey_responses (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id      bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    unit_id       bigint NOT NULL REFERENCES units (id),
    submitted_on  date NOT NULL,           -- a day, not an instant: less to link the answer to a person
    CONSTRAINT survey_responses_once UNIQUE (visit_id, unit_id)
);

CREATE TABLE survey_answers (
    response_id  bigint NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id  bigint NOT NULL REFERENCES survey_questions (id),
    score        smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, question_id)
);

-- A unit's report of misconduct during an inspection, to the department's
-- leadership (approvers) only: never routed to the team concerned. It is
-- tracked until leadership answers it.
CREATE TABLE misconduct_reports (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    visit_id      bigint REFERENCES visits (id) ON DELETE SET NULL,
    body          text NOT NULL CHECK (btrim(body) <> '' AND length(body) <= 5000),
    submitted_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'answered')),
    answer        text NOT NULL DEFAULT '',
    answered_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    answered_at   timestamptz,
    CONSTRAINT misconduct_reports_answered CHECK ((status = 'answered') = (answered_at IS NOT NULL)),
    CONSTRAINT misconduct_reports_answer_text CHECK (status <> 'answered' OR btrim(answer) <> '')
);
CREATE INDEX misconduct_reports_unit_idx ON misconduct_reports (unit_id, submitted_at DESC);
CREATE INDEX misconduct_reports_open_idx ON misconduct_reports (submitted_at) WHERE status = 'received';

-- +goose Down
DROP TABLE misconduct_reports;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_questions;
