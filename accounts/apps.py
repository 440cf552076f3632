from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Boards, people and their roles; sign-in with a second factor; what each user may see."""

    name = "accounts"
