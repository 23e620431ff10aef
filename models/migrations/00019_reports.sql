-- +goose Up
-- Every inspection counted (issue 12).
--
-- An unplanned (unannounced or verification) visit says which kind of
-- inspection it is; a planned visit takes its kinds from its proposals.
ALTER TABLE visits ADD COLUMN kind text REFERENCES inspection_kinds (code) ON UPDATE CASCADE;

-- visit_inspections: per visit and per body, the one inspection the visit
-- stands for. A joint visit made of the proposals of three bodies is three
-- inspections in the statistics (and two visits avoided by merging); a body
-- with two proposals merged into one visit is one inspection (its kind is that
-- of its first proposal). A visit without proposals (an unplanned one) is one
-- inspection of its lead body, of the visit's own kind. A view, not a table:
-- it is kept by the rows it is made of, whoever writes them.
CREATE VIEW visit_inspections AS
SELECT vp.visit_id,
       p.body_id,
       (array_agg(p.kind ORDER BY p.id))[1] AS kind,
       count(*)::int                         AS proposals
  FROM visit_proposals vp
  JOIN proposals p ON p.id = vp.proposal_id
 GROUP BY vp.visit_id, p.body_id
UNION ALL
SELECT v.id, v.lead_body_id, v.kind, 0
  FROM visits v
 WHERE NOT EXISTS (SELECT 1 FROM visit_proposals x WHERE x.visit_id = v.id);

-- own_inspections: the inspections a department or a commune office ran
-- itself (on itself or on a unit below it), recorded in a form or imported
-- from the periodic Excel report. The lifecycle is simplified: under way, then
-- concluded (with the conclusion's number and date and what it found and
-- required); the details stay in the unit's own files.
CREATE TABLE own_inspections (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    by_unit_id              bigint NOT NULL REFERENCES units (id),   -- the unit that ran it
    unit_id                 bigint NOT NULL REFERENCES units (id),   -- the inspected unit
    kind                    text NOT NULL REFERENCES inspection_kinds (code) ON UPDATE CASCADE,
    form                    text NOT NULL CHECK (form IN ('planned', 'unannounced', 'verification')),
    start_date              date NOT NULL,
    end_date                date NOT NULL,
    status                  text NOT NULL DEFAULT 'under_way' CHECK (status IN ('under_way', 'concluded')),
    conclusion_number       text NOT NULL DEFAULT '',
    conclusion_signed_on    date,
    shortcomings            integer NOT NULL DEFAULT 0 CHECK (shortcomings >= 0),
    violations              integer NOT NULL DEFAULT 0 CHECK (violations >= 0),
    recommendations         integer NOT NULL DEFAULT 0 CHECK (recommendations >= 0),
    recommendations_done    integer NOT NULL DEFAULT 0 CHECK (recommendations_done >= 0),
    note                    text NOT NULL DEFAULT '',
    source                  text NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'import')),
    external_ref            text,
    created_by              bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT own_inspections_date_order CHECK (end_date >= start_date),
    CONSTRAINT own_inspections_done_le_issued CHECK (recommendations_done <= recommendations),
    CONSTRAINT own_inspections_concluded CHECK ((status = 'concluded') = (conclusion_signed_on IS NOT NULL)),
    CONSTRAINT own_inspections_signed_after_start CHECK (conclusion_signed_on IS NULL OR conclusion_signed_on >= start_date)
);
-- A row of an imported report is imported once per unit.
CREATE UNIQUE INDEX own_inspections_ref_key ON own_inspections (by_unit_id, external_ref) WHERE external_ref IS NOT NULL;
-- The report reads a period of dates.
CREATE INDEX own_inspections_start_idx ON own_inspections (start_date);

-- +goose Down
DROP TABLE own_inspections;
DROP VIEW visit_inspections;
ALTER TABLE visits DROP COLUMN kind;
