-- Accounts of the server (app/accounts.h). Each account's row is vouched for by its newest
-- ledger entry (subject "account:NAME"), so a role raised or a password hash swapped behind
-- Athar's back is refused at sign-in and named by `athar verify`. Credentials (login sessions
-- and API tokens) are kept as SHA-256 hashes only; an API token's row is vouched for by the
-- ledger too (subject "token:HASH-PREFIX").
CREATE TABLE accounts (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,   -- Argon2id, libsodium's crypto_pwhash_str form
  totp_secret TEXT,              -- sealed (keys/fields.key); NULL: no second factor
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE account_credentials (
  token_hash TEXT PRIMARY KEY,   -- hex SHA-256 of the bearer token
  account TEXT NOT NULL REFERENCES accounts(name),
  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
  label TEXT NOT NULL DEFAULT '',
  csrf TEXT NOT NULL DEFAULT '', -- a login session's anti-forgery token
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL    -- Unix seconds; 0: never (API tokens until revoked)
) WITHOUT ROWID;
CREATE INDEX account_credentials_by_account ON account_credentials(account);

-- Failed sign-ins per account ("account:NAME") and per client ("client:ADDRESS"): after a few,
-- each further try waits longer.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure INTEGER NOT NULL  -- Unix seconds
) WITHOUT ROWID;
