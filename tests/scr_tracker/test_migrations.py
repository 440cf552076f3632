"""The models and the migrations agree: nothing in CI ran `makemigrations --check` before (issue 18).

pgtrigger's triggers are part of the models' state (decision 0029), so a trigger declared without its
migration, which would leave the database unguarded, fails here."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration(capsys):
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=1)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check found changes (exit {exit_.code}):\n{capsys.readouterr().out}")
