-- +goose Up
-- The login throttle asks "when did this e-mail last sign in (from this
-- address)?" and "has this address signed in to this e-mail lately?": a known
-- address skips the per-account backoff, so an outsider cannot lock the owner out.
CREATE INDEX login_attempts_successes_idx ON login_attempts (email, ip, at) WHERE succeeded;

-- +goose Down
DROP INDEX login_attempts_successes_idx;
