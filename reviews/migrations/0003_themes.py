from django.db import migrations

from reviews.choices import DEFAULT_THEMES


def add_themes(apps, schema_editor):
    Theme = apps.get_model("reviews", "Theme")
    for name in DEFAULT_THEMES:
        Theme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_theme_historicalseriouscasereview_recommendation_and_more")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
