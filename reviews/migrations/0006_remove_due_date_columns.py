"""The due dates this app stored are read from the clock rows (SPEC §3 "Clocks are rows").

After `scr_tracker.0002`, which writes the rows of every existing case from these records.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scr_tracker', '0002_clock_rows_for_existing_cases'),
        ('reviews', '0005_decision_joined_review'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='decision',
            name='scr_completion_due',
        ),
        migrations.RemoveField(
            model_name='decision',
            name='send_to_panel_due',
        ),
        migrations.RemoveField(
            model_name='historicalseriouscasereview',
            name='completion_due',
        ),
        migrations.RemoveField(
            model_name='historicalseriouscasereview',
            name='completion_due_original',
        ),
        migrations.RemoveField(
            model_name='seriouscasereview',
            name='completion_due',
        ),
        migrations.RemoveField(
            model_name='seriouscasereview',
            name='completion_due_original',
        ),
    ]
