-- Issue 19: the administrators' web console. A one-time sign-in link
-- (`admin-link EMAIL`) and a signed-in session are each kept only as the
-- SHA-256 of their random token, so a copy of the database signs nobody in.
CREATE TABLE web_sign_in_links (
    token_sha256 TEXT PRIMARY KEY,
    email        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

CREATE TABLE web_sessions (
    id_sha256  TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    -- The per-session token every form carries back (CSRF).
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
