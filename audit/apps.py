from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail: who did what to which record, when it really happened."""

    name = "audit"

    def ready(self):
        from accounts.signals import account_changed
        from audit.receivers import account_change_audit

        # The token receivers connect themselves (`@receiver`) when the module is imported here.
        account_changed.connect(account_change_audit, dispatch_uid="audit.account_change_audit")
