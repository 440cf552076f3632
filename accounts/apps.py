from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Boards, people and their roles; sign-in with a second factor; what each user may see."""

    name = "accounts"

    def ready(self):
        from accounts import tokens  # noqa: F401  (its receiver revokes tokens on deactivation)
