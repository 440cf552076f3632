from django.core.management.base import BaseCommand

from scr_tracker.clock_rows import clock_rows_rebuild


class Command(BaseCommand):
    help = "Recompute every case's clock rows from its regime's declarations and its records' dates"

    def handle(self, *args, **options):
        done = clock_rows_rebuild()
        self.stdout.write(f"Clock rows recomputed for {done} case(s)")
