-- One warning per rule and subject for its whole life (issue 11). A warning resolved because its
-- cause went away keeps the status it had (status_before); when the cause returns, the same
-- warning reopens with that status, its justification and its history, instead of a new warning
-- being raised and the acknowledgement lost.
ALTER TABLE warnings ADD COLUMN status_before TEXT;

-- Warnings resolved before this migration: the last status a person gave them.
UPDATE warnings SET status_before = (
    SELECT e.action FROM warning_events e
    WHERE e.warning_id = warnings.id AND e.action IN ('open', 'justified', 'acknowledged')
    ORDER BY e.id DESC LIMIT 1
) WHERE status = 'resolved';

-- Reopening finds the resolved warning of a rule and subject.
CREATE INDEX warnings_key_idx ON warnings (rule_id, subject_key);
