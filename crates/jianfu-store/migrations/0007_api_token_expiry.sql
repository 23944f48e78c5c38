-- Bearer tokens expire and can be revoked (issue 10): each token has an expiry, and a revoked
-- token keeps the time it was revoked. Tokens issued before this migration expire 90 days from
-- when it runs ({{NOW_PLUS_90_DAYS}} is that instant as a stored timestamp). A token is live
-- while it is not revoked and its expiry lies ahead; last_used_at (there since 0001) is now kept.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
UPDATE api_tokens SET expires_at = {{NOW_PLUS_90_DAYS}};

-- A user's tokens: their list, and revoking them all at a password reset or deactivation.
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);
