"""Signals the accounts app sends, for what other parts of the service must do about a person."""

from django.dispatch import Signal

# Sent once when an account stops being active, on whatever path set `is_active=False`
# (people pages, the API, the admin or a shell), inside the transaction that saved it.
# Receivers end what the person could still use: their sessions and API tokens.
# Arguments: `user`.
user_deactivated = Signal()

# Sent inside the transaction that made or revoked a personal API token (accounts.tokens), so the
# audit app (above accounts) writes its entry. Arguments: `token`, `actor` (None when the service
# itself revoked it, as on deactivation), `reason`.
api_token_created = Signal()
api_token_revoked = Signal()
