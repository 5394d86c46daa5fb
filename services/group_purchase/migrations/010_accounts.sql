-- Staff accounts (personal data: display names and logins live only in this service),
-- their signed-in sessions (refresh tokens, stored hashed) and one-time reset links.
CREATE TABLE accounts (
    id            uuid PRIMARY KEY,
    login         text NOT NULL,
    display_name  text NOT NULL,
    password_hash text,
    roles         text[] NOT NULL,
    scopes        text[] NOT NULL DEFAULT '{}',
    enabled       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_have_a_role CHECK (cardinality(roles) > 0)
);
CREATE UNIQUE INDEX accounts_login_unique ON accounts (lower(login));

CREATE TABLE account_sessions (
    id                uuid PRIMARY KEY,
    account_id        uuid NOT NULL REFERENCES accounts (id),
    refresh_hash      bytea NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_refreshed_at timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    revoked_at        timestamptz
);
CREATE INDEX account_sessions_live ON account_sessions (account_id) WHERE revoked_at IS NULL;

CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
