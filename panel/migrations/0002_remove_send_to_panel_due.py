"""The due dates this app stored are read from the clock rows (SPEC §3 "Clocks are rows").

After `scr_tracker.0002`, which writes the rows of every existing case from these records.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scr_tracker', '0002_clock_rows_for_existing_cases'),
        ('panel', '0001_initial'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='panelsubmission',
            name='send_to_panel_due',
        ),
    ]
