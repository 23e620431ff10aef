-- +goose Up
-- The planner explains every visit in Vietnamese as well as English: why_vi holds
-- the Vietnamese sentences of why (same length and order), unscheduled_reason_vi the
-- Vietnamese unscheduled_reason. Rows written before this migration keep empty
-- values and the pages fall back to the English text.
ALTER TABLE visits
    ADD COLUMN why_vi jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(why_vi) = 'array'),
    ADD COLUMN unscheduled_reason_vi text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE visits
    DROP COLUMN unscheduled_reason_vi,
    DROP COLUMN why_vi;
