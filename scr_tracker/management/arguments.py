"""Argument types shared by the management commands."""

from datetime import date

from django.core.management.base import CommandError


def iso_date(value: str) -> date:
    """A `--date YYYY-MM-DD` argument, refused with the command's own error when it is not a date."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc
