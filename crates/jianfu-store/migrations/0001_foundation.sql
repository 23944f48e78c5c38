-- Foundation: org tree, people, sessions and tokens, the audit trail, settings.
-- One file for both backends: {{ID}} becomes the backend's auto-increment primary key.
-- Every integer column is BIGINT so that both drivers decode it as i64.

CREATE TABLE org_units (
    id {{ID}},
    parent_id BIGINT REFERENCES org_units(id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    depth BIGINT NOT NULL,
    -- Region key (SPEC §6): the nearest county, city or province at or above the unit.
    region_id BIGINT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT org_units_code_key UNIQUE (code)
);
CREATE INDEX org_units_parent_idx ON org_units (parent_id, sort_order, id);
CREATE INDEX org_units_region_idx ON org_units (region_id, level);

-- Closure table: one row per (ancestor, descendant) pair including the unit itself at depth 0.
-- A subtree is one index range on the primary key; 30,000 units at depth ≤ 6 make < 200,000 rows.
CREATE TABLE org_closure (
    ancestor_id BIGINT NOT NULL REFERENCES org_units(id),
    descendant_id BIGINT NOT NULL REFERENCES org_units(id),
    depth BIGINT NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_closure_descendant_idx ON org_closure (descendant_id, depth);

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    region_id BIGINT,
    password_hash TEXT NOT NULL,
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);
CREATE INDEX users_unit_idx ON users (unit_id);

-- Web sessions; only a hash of the cookie value is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Bearer tokens; only a hash of the token is stored.
CREATE TABLE api_tokens (
    id {{ID}},
    token_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

-- Append-only, hash-chained audit trail. Each entry's hash covers its fields and the
-- previous entry's hash; audit_head holds the last sequence number and hash, so that a
-- deleted tail is detected too. Writers serialise on the audit_head row.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    region_id BIGINT,
    before_digest TEXT,
    after_digest TEXT,
    summary TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_region_idx ON audit_log (region_id, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
