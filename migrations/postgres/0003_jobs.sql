-- Scheduled jobs (issue 5). A job runs once per period (one occurrence of
-- its cron schedule): inserting (job, period) is the claim, so a restart, a
-- second `once` or a second instance does not run it again. Reminders are
-- keyed (case, kind, period) so that none is ever sent twice.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT,
    UNIQUE (job, period)
);
CREATE INDEX job_runs_started ON job_runs (job, started_at);

CREATE TABLE reminders_sent (
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    period     TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    UNIQUE (case_id, kind, period)
);

-- Test emails sent to our own mailbox; seen when the intake records a
-- message with the same Message-ID.
CREATE TABLE canaries (
    token      TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    sent_at    TEXT NOT NULL,
    deadline   TEXT NOT NULL,
    seen_at    TEXT,
    alerted_at TEXT
);

-- When the retention job deleted the raw message file (the row stays for the audit).
ALTER TABLE messages ADD COLUMN raw_deleted_at TEXT;
