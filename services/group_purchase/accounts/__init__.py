"""Staff accounts: who may sign in, with which roles and scopes, and their sessions.

How a session is revoked. group_purchase alone holds the Ed25519 private key. Signing in
gives the browser two HttpOnly cookies:

- ``boucle_session``: a signed token valid 10 minutes, which every service verifies with
  the public key, without asking anyone;
- ``boucle_refresh``: an opaque 256-bit secret, sent only to ``/auth/`` paths, of which the
  database keeps the SHA-256 (``account_sessions``), valid 12 hours from sign-in.

When a page finds its token expired, the browser is sent to ``/auth/refresh`` (303 for a
page, 307 for a form, which keeps its body) and back with a new token carrying the
account's current roles. Signing out, disabling the account, changing or resetting the
password mark the stored sessions revoked, so no new token is issued: a revoked session
stays usable at most 10 minutes, on pages and forms alike. No revocation list travels
between services.
"""
