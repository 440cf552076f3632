"""The rule's due date before any stopped days, on every clock row (the review's "originally").

The records' own copies of their due dates go in the apps' next migrations; the review's original
completion date is read from this column from now on. It is filled by the same code the transition
runner runs, as `0002` does, with the same caveat: it runs the current models.
"""

from django.db import migrations, models


def fill_original_due_on(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    if not Incident.objects.exists():
        return
    from scr_tracker.clock_rows import clock_rows_rebuild

    clock_rows_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("scr_tracker", "0002_clock_rows_for_existing_cases"),
    ]

    operations = [
        migrations.AddField(
            model_name="clockrow",
            name="original_due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(fill_original_due_on, migrations.RunPython.noop),
    ]
