"""Write the clock rows of every case recorded before clocks became rows (SPEC §3).

This runs the same code the transition runner runs (`scr_tracker.clock_rows`) on the current
models, because the rows are derived from the regime's declarations and each record's dates; it
must therefore run before any later migration changes the records it reads. The
`clock_rows_rebuild` command does the same at any time.
"""

from django.db import migrations


def write_rows(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    if not Incident.objects.exists():
        return
    from scr_tracker.clock_rows import clock_rows_rebuild

    clock_rows_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("scr_tracker", "0001_initial"),
        ("incidents", "0001_initial"),
        ("panel", "0001_initial"),
        ("publication", "0002_history"),
        ("reviews", "0005_decision_joined_review"),
    ]

    operations = [migrations.RunPython(write_rows, migrations.RunPython.noop)]
