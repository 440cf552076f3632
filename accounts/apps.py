from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Boards, people and their roles; sign-in with a second factor; what each user may see."""

    name = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts.access import session_forget, session_record

        user_logged_in.connect(session_record, dispatch_uid="accounts.session_record")
        user_logged_out.connect(session_forget, dispatch_uid="accounts.session_forget")
        from accounts import tokens  # noqa: F401  (its receiver revokes tokens on deactivation)
