-- Routing looks up a sender's live cases on every message by contact,
-- applicant and past sender address: without these, each lookup scanned the
-- cases and messages tables, and a backlog took quadratic time.
CREATE INDEX cases_applicant ON cases (applicant_email);
CREATE INDEX messages_from ON messages (from_addr);
-- The per-recipient limit counts what went to an address in the last hour;
-- the index holds all it reads, so the count never reads the emails.
CREATE INDEX outbox_sent ON outbox (status, sent_at, recipients);
