"""The due dates this app stored are read from the clock rows (SPEC §3 "Clocks are rows").

After `scr_tracker.0002`, which writes the rows of every existing case from these records.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scr_tracker', '0002_clock_rows_for_existing_cases'),
        ('incidents', '0001_initial'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalincident',
            name='initiation_decision_due',
        ),
        migrations.RemoveField(
            model_name='historicalincident',
            name='sin_notification_due',
        ),
        migrations.RemoveField(
            model_name='incident',
            name='initiation_decision_due',
        ),
        migrations.RemoveField(
            model_name='incident',
            name='sin_notification_due',
        ),
    ]
