from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the API token of the active user with this email address, making one if they have none "
        "(for automation: send it as `Authorization: Token <token>`). --rotate replaces an existing token."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--rotate", action="store_true", help="Replace the user's token; the old one stops working")

    def handle(self, *args, email, rotate, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError("There is no active user with that email address.")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
