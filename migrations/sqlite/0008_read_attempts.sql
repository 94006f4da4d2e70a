-- Issue 16: a message whose reading was cut short (the daemon died while its
-- reader ran) is not read forever. A row is written before a reader starts
-- and deleted once it has returned; a row still there at the next round
-- counts an attempt that never finished.
CREATE TABLE read_attempts (
    sha256     TEXT PRIMARY KEY,
    attempts   BIGINT NOT NULL,
    first_at   TEXT NOT NULL,
    last_at    TEXT NOT NULL
);
