-- Inspecting bodies have life spans and a legal basis, as units do: on 1 July
-- 2025 the Law on Inspection 84/2025/QH15 ended the departmental inspectorates
-- (thanh tra sở; their last day 30 June 2025); the departments merged on
-- 1 March 2025 ended the day before; the communes' People's Committees of the
-- two-level government began on 1 July 2025. valid_to is inclusive (the last
-- day the body works); NULL: since always / still in force. Pickers offer the
-- bodies in force on the day in question.
-- Two kinds join: a department's specialised checks (kiểm tra chuyên ngành)
-- and a commune's People's Committee checking its own offices and units.

-- +goose Up
ALTER TABLE bodies
    ADD COLUMN valid_from  date,
    ADD COLUMN valid_to    date,
    ADD COLUMN legal_basis text NOT NULL DEFAULT '',
    ADD CONSTRAINT bodies_valid_order CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from);
ALTER TABLE bodies DROP CONSTRAINT bodies_kind_check;
ALTER TABLE bodies ADD CONSTRAINT bodies_kind_check
    CHECK (kind IN ('city_team', 'inspectorate', 'division', 'department', 'district_internal', 'commune', 'unit_internal'));
CREATE INDEX bodies_valid_idx ON bodies (valid_to, valid_from);

-- +goose Down
DROP INDEX bodies_valid_idx;
DELETE FROM bodies WHERE kind IN ('department', 'commune');
ALTER TABLE bodies DROP CONSTRAINT bodies_kind_check;
ALTER TABLE bodies ADD CONSTRAINT bodies_kind_check
    CHECK (kind IN ('city_team', 'inspectorate', 'division', 'district_internal', 'unit_internal'));
ALTER TABLE bodies
    DROP CONSTRAINT bodies_valid_order,
    DROP COLUMN legal_basis,
    DROP COLUMN valid_to,
    DROP COLUMN valid_from;
