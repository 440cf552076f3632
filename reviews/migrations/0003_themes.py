from django.db import migrations

# The starting list of recommendation themes; administrators add and retire themes in the admin.
THEMES = [
    "Neglect",
    "Domestic abuse",
    "Parental mental health",
    "Substance misuse",
    "Child sexual exploitation",
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Information sharing",
    "Multi-agency working",
    "Assessment and planning",
    "Voice of the child",
    "Safe sleeping",
    "Supervision and management oversight",
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("reviews", "Theme")
    for name in THEMES:
        Theme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_theme_historicalseriouscasereview_recommendation_and_more")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
