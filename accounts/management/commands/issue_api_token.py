from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import tokens
from accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Make a new named API token for the active user with this email address and print its secret, "
        "once: only its hash is kept, so it cannot be printed again (for automation: send it as "
        "`Authorization: Token <secret>`). --rotate revokes the user's other tokens first."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Issued by manage.py", help="What the token is for")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's other tokens first")

    def handle(self, *args, email, name, rotate, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError("There is no active user with that email address.")
        name = name.strip()
        max_length = ApiToken._meta.get_field("name").max_length
        if not name or len(name) > max_length:
            raise CommandError(f"Give the token a name of 1 to {max_length} characters.")
        with transaction.atomic():
            if rotate:
                tokens.tokens_revoke_all(user, reason="Rotated with manage.py issue_api_token")
            _, secret = tokens.token_create(user=user, name=name)
        self.stdout.write(secret)
