"""Signals the accounts app sends, for what other parts of the service must do about a person."""

from django.dispatch import Signal

# Sent once when an account stops being active, on whatever path set `is_active=False`
# (people pages, the API, the admin or a shell), inside the transaction that saved it.
# Receivers end what the person could still use: their sessions and API tokens.
# Arguments: `user`.
user_deactivated = Signal()

# Sent once for every change the people services make (an invitation, a role, a deactivation, a
# board), inside the change's transaction. accounts sits below audit (docs/decisions/0018), so the
# audit app connects the receiver that writes the change's audit entry; the services refuse to run
# when nothing is connected, so no change goes unaudited.
# Arguments: `record` (the user or board), `board`, `transition`, `from_state`, `to_state`,
# `event_date`, `actor`, `reason` (what changed, in words).
account_changed = Signal()
# Sent inside the transaction that made or revoked a personal API token (accounts.tokens), so the
# audit app (above accounts) writes its entry. Arguments: `token`, `actor` (None when the service
# itself revoked it, as on deactivation), `reason`.
api_token_created = Signal()
api_token_revoked = Signal()
# Sent when the second step of signing in refuses a security code (wrong, reused, or throttled), so
# the audit app (above accounts) keeps a record of it that no later success removes. The first
# step's failures come by Django's own `user_login_failed`. Arguments: `request`, `user` (the
# account that passed the password step), `passkey` (True when it was a passkey that failed).
sign_in_code_failed = Signal()
# Sent by a page of this app that shows case records of the apps above (the dashboard), so the
# audit app writes their access events, one per record, in one INSERT. Arguments: `request`,
# `records` (model instances; a record listed twice is recorded once).
records_shown = Signal()
