"""Run the reminder sweep by hand: `manage.py send_reminders [--date YYYY-MM-DD] [--last-working-day] [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.services import reminders_sweep
from reminders.stages import stage_words
from scr_tracker.clocks import is_working_day, working_days_before
from scr_tracker.management.arguments import iso_date


class Command(BaseCommand):
    help = (
        "Record the reminders due on a day (today in London by default) and queue their emails. "
        "Safe to run at any time: each reminder is recorded and sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="The London date to sweep for (YYYY-MM-DD)")
        parser.add_argument(
            "--last-working-day",
            action="store_true",
            help=(
                "On a weekend or bank holiday, sweep the working day before, as the daily sweep did "
                "(reminders go out on working days; `make run` uses it so day one is never empty)"
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be recorded; change nothing")

    def handle(self, *args, date=None, dry_run=False, last_working_day=False, **options):
        today = date or timezone.localdate()
        if last_working_day and not is_working_day(today):
            today = working_days_before(today, 1)
        result = reminders_sweep(today=today, dry_run=dry_run)
        if result.locked:
            raise CommandError("Another reminder sweep is running; try again when it has finished")
        for planned in result.planned:
            clock = planned.due_clock
            self.stdout.write(
                f"{clock.reference}  {clock.clock}  {stage_words(planned.stage)} ({planned.stage})  "
                f"due {clock.due.isoformat()}  {len(planned.recipients)} recipient(s)"
            )
        if dry_run:
            self.stdout.write(f"Dry run for {today.isoformat()}: {len(result.planned)} reminder(s) would be sent")
        else:
            self.stdout.write(
                f"Swept {today.isoformat()}: {result.created} reminder(s), {result.notifications} notification(s); "
                f"{len(result.queued)} reminder(s) queued for email"
            )
