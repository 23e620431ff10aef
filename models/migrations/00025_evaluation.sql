-- +goose Up
-- Published evaluation criteria (issue 12, item 4): what the department
-- scores units and teams on, with the legal or administrative basis of each
-- criterion and the period it is in force. A criterion scores one measure
-- (app/evaluation: the figures of the periodic report) with a weight; a score
-- is the weighted share of the points of the criteria that apply. The
-- administrator edits them; a period is scored by the criteria in force on
-- its last day.
CREATE TABLE evaluation_criteria (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject     text NOT NULL CHECK (subject IN ('unit', 'team')),
    measure     text NOT NULL CHECK (measure IN ('violation_free', 'remediation_rate', 'remediation_on_time',
                                                 'conclusions_on_time', 'survey')),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> '' AND length(name_vi) <= 300),
    name_en     text NOT NULL DEFAULT '' CHECK (length(name_en) <= 300),
    basis       text NOT NULL CHECK (btrim(basis) <> '' AND length(basis) <= 1000),
    weight      integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
    valid_from  date NOT NULL,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evaluation_criteria_period CHECK (valid_to IS NULL OR valid_to >= valid_from),
    -- The measure says whom it scores: findings and remediation the units,
    -- conclusions and the survey the teams.
    CONSTRAINT evaluation_criteria_subject CHECK (
        (subject = 'unit' AND measure IN ('violation_free', 'remediation_rate', 'remediation_on_time')) OR
        (subject = 'team' AND measure IN ('conclusions_on_time', 'survey')))
);
CREATE INDEX evaluation_criteria_in_force_idx ON evaluation_criteria (subject, valid_from);

INSERT INTO evaluation_criteria (subject, measure, name_vi, name_en, basis, weight, valid_from) VALUES
 ('unit', 'violation_free',
  'Chấp hành kỷ luật, kỷ cương hành chính: tỷ lệ cuộc kiểm tra không phát hiện vi phạm',
  'Administrative discipline: share of inspections that found no violation',
  'Kế hoạch kiểm tra công vụ hằng năm của UBND Thành phố; tiêu chí đánh giá của Sở Nội vụ (giá trị mặc định, quản trị viên điều chỉnh)',
  30, '2025-07-01'),
 ('unit', 'remediation_rate',
  'Thực hiện kết luận kiểm tra: tỷ lệ kiến nghị đã hoàn thành',
  'Implementing conclusions: share of recommendations carried out',
  'Luật Thanh tra số 84/2025/QH15, Điều 53 (tổ chức thực hiện kết luận); Quy chế theo dõi, đôn đốc việc thực hiện kết luận của Sở Nội vụ',
  30, '2025-07-01'),
 ('unit', 'remediation_on_time',
  'Khắc phục đúng hạn: tỷ lệ kiến nghị không bị quá hạn',
  'Remediation on time: share of recommendations not overdue',
  'Luật Thanh tra số 84/2025/QH15, Điều 53; Quy chế theo dõi, đôn đốc việc thực hiện kết luận của Sở Nội vụ (hạn tính theo ngày làm việc)',
  40, '2025-07-01'),
 ('team', 'conclusions_on_time',
  'Ban hành kết luận đúng thời hạn: tỷ lệ kết luận ký trong hạn sau khi nhận dự thảo',
  'Conclusions on time: share of conclusions signed in time after the draft was received',
  'Luật Thanh tra số 84/2025/QH15, Điều 36 (ký kết luận trong 15 ngày kể từ ngày nhận dự thảo)',
  60, '2025-07-01'),
 ('team', 'survey',
  'Ý kiến của đơn vị được kiểm tra về tác phong, thái độ làm việc của Đoàn (phiếu khảo sát)',
  'The inspected units'' view of the team''s conduct (survey)',
  'Quy định về đạo đức, văn hóa công vụ; khảo sát mức độ hài lòng của đơn vị được kiểm tra do Sở Nội vụ tổ chức (kết quả ẩn danh, chỉ tính khi có từ 3 phiếu)',
  40, '2025-07-01');

-- +goose Down
DROP TABLE evaluation_criteria;
