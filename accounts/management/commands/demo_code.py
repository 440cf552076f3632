import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from accounts.demo import demo_totp_key, is_demo_email


class Command(BaseCommand):
    help = "Print the current security code of a fictional demo user (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with development settings.")
        if not is_demo_email(email):
            raise CommandError("demo_code only prints codes for the fictional demo users.")
        code = totp(bytes.fromhex(demo_totp_key(email.lower())), step=30, t0=0, digits=6)
        seconds_left = 30 - int(time.time()) % 30
        self.stdout.write(f"{code:06d}  (valid for about {seconds_left} more seconds)")
