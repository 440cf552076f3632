from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail: who did what to which record, when it really happened."""

    name = "audit"

    def ready(self):
        from accounts.signals import account_changed
        from audit.receivers import account_change_audit

        account_changed.connect(account_change_audit, dispatch_uid="audit.account_change_audit")
