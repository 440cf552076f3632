from base64 import b32encode

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_totp_key, seed_demo


class Command(BaseCommand):
    help = "Create or refresh fictional demo boards and a user of every role (local use only)."

    def handle(self, *args, **options):
        users = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(users)} users."))
        self.stdout.write(f"Password for every demo user (local use only): {DEMO_PASSWORD}")
        self.stdout.write("Security codes: add the secret to an authenticator app, or run `make demo-code EMAIL=...`.")
        for user in users:
            secret = b32encode(bytes.fromhex(demo_totp_key(user.email))).decode()
            role = user.get_role_display() + (f", {user.board.code}" if user.board_id else "")
            self.stdout.write(f"  {user.email:<28} {role:<24} TOTP secret {secret}")
