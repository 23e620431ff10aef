-- The mail outbox is claimed per batch with a lease: claimed_by names the batch
-- (its sender and a sequence number), claimed_at is when the batch was claimed,
-- and lease_until is how long the batch stays its sender's. The sender renews
-- the lease while it sends and records an outcome only while it still holds the
-- claim (… WHERE claimed_by = its batch); another sender takes rows back only
-- once their lease has run out, by the database's clock.

-- +goose Up
ALTER TABLE mail_outbox
    ADD COLUMN claimed_by  text,
    ADD COLUMN lease_until timestamptz;
-- Rows left in "sending" by a sender of before this migration: their lease has run out.
UPDATE mail_outbox SET claimed_by = 'before-00012', lease_until = claimed_at WHERE status = 'sending';
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_sending_is_claimed;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_sending_is_claimed
    CHECK (status <> 'sending' OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL AND lease_until IS NOT NULL));

-- +goose Down
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_sending_is_claimed;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_sending_is_claimed CHECK (status <> 'sending' OR claimed_at IS NOT NULL);
ALTER TABLE mail_outbox DROP COLUMN lease_until, DROP COLUMN claimed_by;
