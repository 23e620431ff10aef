-- +goose Up
-- An open recommendation of a unit that ended (units.valid_to) is re-assigned
-- by a planner to the successor that takes it over (unit_successions), with
-- the reason kept: the recommendation names the earlier owner, the reason,
-- who and when; the audit log keeps every re-assignment. After it the
-- successor owns the recommendation fully (owner_unit_id).
ALTER TABLE recommendations
    ADD COLUMN reassigned_from_unit_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    ADD COLUMN reassigned_reason       text NOT NULL DEFAULT '',
    ADD COLUMN reassigned_at           timestamptz,
    ADD COLUMN reassigned_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD CONSTRAINT recommendations_reassigned_with_reason CHECK (
        (reassigned_from_unit_id IS NULL) = (reassigned_at IS NULL)
        AND (reassigned_from_unit_id IS NULL OR btrim(reassigned_reason) <> '')
        AND (reassigned_from_unit_id IS NULL OR reassigned_from_unit_id <> owner_unit_id));

-- +goose Down
ALTER TABLE recommendations
    DROP CONSTRAINT recommendations_reassigned_with_reason,
    DROP COLUMN reassigned_by,
    DROP COLUMN reassigned_at,
    DROP COLUMN reassigned_reason,
    DROP COLUMN reassigned_from_unit_id;
