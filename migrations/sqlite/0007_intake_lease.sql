-- Several instances on one database (issue 8): only the holder of a
-- mailbox's intake lease takes mail in from it. The holder renews the lease
-- every few seconds; once it has expired (the holder died) another instance
-- takes it over.
CREATE TABLE intake_leases (
    mailbox     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
