-- Routing looks up a sender's live cases on every message by contact,
-- applicant and past sender address: without these, each lookup scanned the
-- cases and messages tables, and a backlog took quadratic time.
CREATE INDEX cases_applicant ON cases (applicant_email);
CREATE INDEX messages_from ON messages (from_addr);
-- The per-recipient limit counts what went to an address in the last hour;
-- the index holds all it reads, so the count never reads the emails.
CREATE INDEX outbox_sent ON outbox (status, sent_at, recipients);
-- The sender claims the oldest due email: in id order, from an index that
-- holds every column the claim tests, so a long queue is not sorted and its
-- emails are not read for each claim.
CREATE INDEX outbox_claim ON outbox (status, id, next_attempt_at, claimed_until);
