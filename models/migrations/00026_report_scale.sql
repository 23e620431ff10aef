-- +goose Up
-- Reports at scale (issue 12, item 5; docs/performance.md "Reports at scale").
--
-- visit_inspections was a view: every report grouped all of visit_proposals
-- joined with proposals, whatever its period, because PostgreSQL cannot push a
-- join condition into a GROUP BY (a country's year read ten years of links,
-- about 2 s on its own). It becomes a table holding the same rows, kept by
-- statement triggers on the rows it is made of (set-based, so building a plan
-- of 100,000 proposals or a COPY costs one statement each), so that a report
-- reads only its period's rows: start_date is a copy of the visit's, kept with
-- it, so that a year is an index range (a country's year is 170,000 of
-- ten years' 1.75 million rows).
DROP VIEW visit_inspections;

CREATE TABLE visit_inspections (
    visit_id   bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    body_id    bigint NOT NULL REFERENCES bodies (id) ON DELETE RESTRICT,
    kind       text,
    proposals  integer NOT NULL,
    start_date date, -- the visit's
    PRIMARY KEY (visit_id, body_id)
);
CREATE INDEX visit_inspections_body_idx ON visit_inspections (body_id);
CREATE INDEX visit_inspections_start_idx ON visit_inspections (start_date);

-- visit_inspections_rebuild recomputes the rows of the given visits (NULL:
-- of every visit), as the view defined them: per visit and per body of its
-- proposals, one inspection of the kind of the body's first proposal; a visit
-- without proposals, one inspection of its lead body, of its own kind.
-- +goose StatementBegin
CREATE FUNCTION visit_inspections_rebuild(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        TRUNCATE visit_inspections;
    ELSE
        DELETE FROM visit_inspections WHERE visit_id = ANY (ids);
    END IF;
    INSERT INTO visit_inspections (visit_id, body_id, kind, proposals, start_date)
    SELECT vp.visit_id, p.body_id, (array_agg(p.kind ORDER BY p.id))[1], count(*)::int, min(v.start_date)
      FROM visit_proposals vp
      JOIN proposals p ON p.id = vp.proposal_id
      JOIN visits v ON v.id = vp.visit_id
     WHERE ids IS NULL OR vp.visit_id = ANY (ids)
     GROUP BY vp.visit_id, p.body_id
    UNION ALL
    SELECT v.id, v.lead_body_id, v.kind, 0, v.start_date
      FROM visits v
     WHERE (ids IS NULL OR v.id = ANY (ids))
       AND NOT EXISTS (SELECT 1 FROM visit_proposals x WHERE x.visit_id = v.id)
    -- Two transactions rebuilding the same visit at once: the second waits for
    -- the first's rows and overwrites them instead of failing on the key.
    ON CONFLICT (visit_id, body_id) DO UPDATE
       SET kind = EXCLUDED.kind, proposals = EXCLUDED.proposals, start_date = EXCLUDED.start_date;
END
$$;
-- +goose StatementEnd

-- The triggers name the visits whose rows may have changed; each reads the
-- statement's transition tables once.
-- +goose StatementBegin
CREATE FUNCTION visit_inspections_links_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM visit_inspections_rebuild(ARRAY(SELECT DISTINCT visit_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM visit_inspections_rebuild(ARRAY(SELECT DISTINCT visit_id FROM old_rows));
    ELSE
        PERFORM visit_inspections_rebuild(ARRAY(SELECT visit_id FROM new_rows UNION SELECT visit_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER visit_inspections_links_inserted AFTER INSERT ON visit_proposals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_links_changed();
CREATE TRIGGER visit_inspections_links_deleted AFTER DELETE ON visit_proposals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_links_changed();
CREATE TRIGGER visit_inspections_links_updated AFTER UPDATE ON visit_proposals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_links_changed();

-- A proposal's body or kind changed: the visits it belongs to.
-- +goose StatementBegin
CREATE FUNCTION visit_inspections_proposals_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM visit_inspections_rebuild(ARRAY(
        SELECT DISTINCT vp.visit_id
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          JOIN visit_proposals vp ON vp.proposal_id = n.id
         WHERE n.body_id <> o.body_id OR n.kind <> o.kind));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER visit_inspections_proposals_updated AFTER UPDATE ON proposals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_proposals_changed();

-- A visit made (its lead body's inspection until proposals join it), or its
-- lead body, kind or start date changed.
-- +goose StatementBegin
CREATE FUNCTION visit_inspections_visits_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM visit_inspections_rebuild(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM visit_inspections_rebuild(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.lead_body_id <> o.lead_body_id OR n.kind IS DISTINCT FROM o.kind
                OR n.start_date IS DISTINCT FROM o.start_date));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER visit_inspections_visits_inserted AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_visits_changed();
CREATE TRIGGER visit_inspections_visits_updated AFTER UPDATE ON visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_inspections_visits_changed();

SELECT visit_inspections_rebuild(NULL);

-- The report reads conclusions by the day they were signed, their findings
-- and recommendations by visit and conclusion: covering indexes let it read
-- a country's year (150,000 conclusions, 220,000 findings, 500,000
-- recommendations) from the indexes alone. They replace the plain ones on
-- the same keys.
CREATE INDEX conclusions_signed_idx ON conclusions (signed_on) INCLUDE (visit_id, draft_received_on);
-- An area's period: the visits of its units, by day.
CREATE INDEX visits_unit_start_idx ON visits (unit_id, start_date);
CREATE INDEX findings_report_idx ON findings (visit_id) INCLUDE (kind, severity);
DROP INDEX findings_visit_idx;
CREATE INDEX recommendations_report_idx ON recommendations (conclusion_id) INCLUDE (owner_unit_id, deadline, status, closed_at);
DROP INDEX recommendations_conclusion_idx;

-- +goose Down
CREATE INDEX recommendations_conclusion_idx ON recommendations (conclusion_id);
DROP INDEX recommendations_report_idx;
CREATE INDEX findings_visit_idx ON findings (visit_id);
DROP INDEX findings_report_idx;
DROP INDEX visits_unit_start_idx;
DROP INDEX conclusions_signed_idx;
DROP TRIGGER visit_inspections_visits_updated ON visits;
DROP TRIGGER visit_inspections_visits_inserted ON visits;
DROP FUNCTION visit_inspections_visits_changed();
DROP TRIGGER visit_inspections_proposals_updated ON proposals;
DROP FUNCTION visit_inspections_proposals_changed();
DROP TRIGGER visit_inspections_links_updated ON visit_proposals;
DROP TRIGGER visit_inspections_links_deleted ON visit_proposals;
DROP TRIGGER visit_inspections_links_inserted ON visit_proposals;
DROP FUNCTION visit_inspections_links_changed();
DROP TABLE visit_inspections;
DROP FUNCTION visit_inspections_rebuild(bigint[]);
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
