-- What shoppers report. A person reports a thing once while it waits; the
-- operator's decision closes every open report of the same thing.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    reporter_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX reports_once ON reports(reporter_id, subject, subject_id) WHERE status = 'open';
CREATE INDEX reports_queue ON reports(status, subject, subject_id);
CREATE INDEX reports_reporter ON reports(reporter_id, created_at);

-- Every operator action: who, when, what, why. Rows are only ever added;
-- the triggers below refuse any change or deletion.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject, subject_id, id);

-- Shops sell once approved; existing shops were selling already.
ALTER TABLE shops ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE users ADD COLUMN suspended_at INTEGER;
-- A comment an operator took down stays on record but is shown to nobody.
ALTER TABLE video_comments ADD COLUMN removed_at INTEGER;
ALTER TABLE note_comments ADD COLUMN removed_at INTEGER;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END;
