"""Signals the accounts app sends, for what other parts of the service must do about a person."""

from django.dispatch import Signal

# Sent once when an account stops being active, on whatever path set `is_active=False`
# (people pages, the API, the admin or a shell), inside the transaction that saved it.
# Receivers end what the person could still use: their sessions and API tokens.
# Arguments: `user`.
user_deactivated = Signal()
