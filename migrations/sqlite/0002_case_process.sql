-- The case process of sections 2 to 5: evidence, links between applications,
-- decisions and registration.
ALTER TABLE cases ADD COLUMN report_received BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN linked_case_id BIGINT;
ALTER TABLE cases ADD COLUMN awaiting_since TEXT;
ALTER TABLE cases ADD COLUMN decision TEXT;
ALTER TABLE cases ADD COLUMN decision_reason TEXT;
ALTER TABLE cases ADD COLUMN decided_by TEXT;
ALTER TABLE cases ADD COLUMN decided_at TEXT;
ALTER TABLE cases ADD COLUMN registered_at TEXT;
ALTER TABLE cases ADD COLUMN thread_root TEXT;
