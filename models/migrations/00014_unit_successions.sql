-- +goose Up
-- Units have life spans (units.valid_from / valid_to); when units are merged,
-- split or renamed, a unit_successions row links each unit that ended to each
-- unit that took it over, whole or in part, as the official conversion table
-- says (the reform of 1 July 2025: 526 communes and wards of Hanoi became 126).
-- The old rows stay, so that a visit of 2024 keeps its unit, and "formerly" /
-- "became" are read from here.
CREATE TABLE unit_successions (
    predecessor_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    successor_id   bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    how            text NOT NULL CHECK (how IN ('whole', 'part', 'unchanged', 'renamed', 'type_changed', 'other')),
    effective_on   date NOT NULL, -- the successor's first day
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (predecessor_id, successor_id),
    CONSTRAINT unit_successions_not_itself CHECK (predecessor_id <> successor_id)
);
CREATE INDEX unit_successions_successor_idx ON unit_successions (successor_id);

-- "Units in force on a date" is the pickers' filter.
CREATE INDEX units_valid_idx ON units (valid_to, valid_from);

-- +goose Down
DROP INDEX units_valid_idx;
DROP TABLE unit_successions;
