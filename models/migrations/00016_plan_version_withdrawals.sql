-- +goose Up
-- An amendment saved from the re-planning page (plans.SaveRepair) may cancel
-- visits or withdraw proposals from the plan; the proposals it takes out are
-- listed here and become 'withdrawn' (with the amendment's reason) when the
-- amendment is published, not before: a draft that is never published changes
-- no proposal.
CREATE TABLE plan_version_withdrawals (
    plan_version_id bigint NOT NULL REFERENCES plan_versions (id) ON DELETE CASCADE,
    proposal_id     bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_version_id, proposal_id)
);
CREATE INDEX plan_version_withdrawals_proposal_idx ON plan_version_withdrawals (proposal_id);

-- +goose Down
DROP TABLE plan_version_withdrawals;
