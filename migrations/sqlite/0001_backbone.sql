-- Cases, the messages that came in, their history and the outbox.
-- Times are RFC 3339 UTC text; flags are integers (portable through sqlx Any).

CREATE TABLE mailbox_state (
    mailbox       TEXT PRIMARY KEY,
    uid_validity  BIGINT NOT NULL,
    baseline_uid  BIGINT NOT NULL,
    first_seen_at TEXT NOT NULL
);

CREATE TABLE reference_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    reference        TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL,
    care_home_name   TEXT,
    cqc_id           TEXT,
    applicant_name   TEXT,
    applicant_email  TEXT,
    contact_address  TEXT NOT NULL,
    form_json        TEXT NOT NULL,
    provenance_json  TEXT NOT NULL,
    findings_json    TEXT NOT NULL,
    complete         BIGINT NOT NULL,
    opened_at        TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT,
    due_on           TEXT,
    decision_code    TEXT NOT NULL
);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_contact ON cases (contact_address);
CREATE INDEX cases_cqc ON cases (cqc_id);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256      TEXT NOT NULL UNIQUE,
    source_key  TEXT,
    message_id  TEXT,
    case_id     BIGINT REFERENCES cases (id),
    from_addr   TEXT,
    subject     TEXT,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    raw_path    TEXT NOT NULL,
    parse_json  TEXT,
    note        TEXT,
    received_at TEXT NOT NULL
);
CREATE INDEX messages_source ON messages (source_key);
CREATE INDEX messages_message_id ON messages (message_id);
CREATE INDEX messages_case ON messages (case_id);

CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   BIGINT NOT NULL REFERENCES cases (id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    event     TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         BIGINT REFERENCES cases (id),
    message_id      TEXT NOT NULL UNIQUE,
    purpose         TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    raw             BLOB NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_case ON outbox (case_id);
