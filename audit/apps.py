from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail: who did what to which record, when it really happened."""

    name = "audit"

    def ready(self):
        from audit import receivers  # noqa: F401  (entries for API tokens made and revoked)
