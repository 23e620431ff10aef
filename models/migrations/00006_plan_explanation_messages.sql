-- +goose Up
-- The planner's explanations are stored as data: why_msgs holds the engine's
-- messages (catalog ids with parameters, views/locales/*/planning.toml) and
-- unscheduled_msg the reason of an unscheduled visit; the pages render them in
-- the reader's language. why, why_vi, unscheduled_reason and
-- unscheduled_reason_vi keep the sentences as written (a copy rendered at write
-- time, for readers that do not render). Rows written before this migration
-- have no messages and are shown as they were written.
ALTER TABLE visits
    ADD COLUMN why_msgs jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(why_msgs) = 'array'),
    ADD COLUMN unscheduled_msg jsonb CHECK (unscheduled_msg IS NULL OR jsonb_typeof(unscheduled_msg) = 'object');

-- +goose Down
ALTER TABLE visits
    DROP COLUMN unscheduled_msg,
    DROP COLUMN why_msgs;
