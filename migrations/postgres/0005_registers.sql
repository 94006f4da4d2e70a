-- The register checks of sections 2.1 and 2.2 (issue 7): the last check of
-- a case (what the CQC, ODS and DSPT registers said beside the form), and a
-- per-day cache of register answers so that a day's lookups for the same
-- identifier are made once. Failures are never cached.
ALTER TABLE cases ADD COLUMN registers_json TEXT;

CREATE TABLE register_cache (
    register   TEXT NOT NULL,
    key        TEXT NOT NULL,
    day        TEXT NOT NULL,
    found      BIGINT NOT NULL,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (register, key, day)
);
