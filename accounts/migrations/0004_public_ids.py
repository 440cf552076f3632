"""Opaque ids for boards and users, as the API addresses every record (SPEC §8)."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for name in ("Board", "User"):
        model = apps.get_model("accounts", name)
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_invitations")]

    operations = [
        migrations.AddField("board", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("user", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("historicalboard", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("historicaluser", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            "board", "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        ),
        migrations.AlterField("user", "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)),
        migrations.AlterField(
            "historicalboard", "public_id", models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)
        ),
        migrations.AlterField(
            "historicaluser", "public_id", models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)
        ),
    ]
