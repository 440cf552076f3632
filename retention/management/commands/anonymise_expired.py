"""Run the retention job by hand: `manage.py anonymise_expired [--date YYYY-MM-DD] [--dry-run]`."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from retention.services import anonymise_expired
from scr_tracker.management.arguments import iso_date


class Command(BaseCommand):
    help = (
        "Anonymise the closed cases past their retention period (RETENTION_YEARS after closure): free text, "
        "pseudonym, documents and their copies; counts and dates stay. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="The London date to run for (YYYY-MM-DD); today by default")
        parser.add_argument("--dry-run", action="store_true", help="List what would be anonymised; change nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        run = anonymise_expired(today=today, dry_run=dry_run)
        for case in run.cases:
            counts = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in case.counts.items())
            self.stdout.write(
                f"{case.reference}  closed {case.closed_on.isoformat()}  kept until {case.kept_until.isoformat()}  "
                f"{counts}"
            )
        verb = "would be anonymised (dry run: nothing changed)" if dry_run else "anonymised"
        self.stdout.write(
            f"{len(run.cases)} case(s) {verb} on {today.isoformat()}; retention {settings.RETENTION_YEARS} "
            "whole years after closure"
        )
