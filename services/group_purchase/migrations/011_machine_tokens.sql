-- Machine tokens for kiosks and integrations: an opaque secret (stored as its SHA-256)
-- exchanged for short session tokens; revoking it stops the exchange.
CREATE TABLE machine_tokens (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    roles        text[] NOT NULL,
    scopes       text[] NOT NULL DEFAULT '{}',
    secret_hash  bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT machine_tokens_have_a_role CHECK (cardinality(roles) > 0)
);
