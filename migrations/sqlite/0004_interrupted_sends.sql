-- A send that a crash interrupted: its outcome is unknown until the copy
-- of the email sent to the nominated mailbox shows it was accepted.
ALTER TABLE outbox ADD COLUMN interrupted_at TEXT;
