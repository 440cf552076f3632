"""Form pieces every app's pages share: the GOV.UK date input, the transition pages' form and
service errors shown on a form."""

import logging
from collections.abc import Callable
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from audit.models import NoteKind

from .corrections import CHOICE, DATE, TEXT, Correctable
from .notes import NOTE_MAX_LENGTH
from .transitions import InvalidInput, TransitionError

logger = logging.getLogger(__name__)

PARTS = ("day", "month", "year")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class DateField(DateInputField):
    """A date typed as day, month and year (GOV.UK date input), with the Design System's messages.

    `name` says what the date is in words ("the date of the incident") for the messages:
    "Enter the date of the incident", "The date of the incident must include a month",
    "… must be a real date", "… must be today or in the past". A message about one part (a
    missing month, a short year) is tied to that part's box so the error summary links to it.
    """

    def __init__(self, *, label: str, name: str, past_only: bool = True, help_text: str | None = None, **kwargs):
        self.name_in_words = name
        self.past_only = past_only
        super().__init__(
            label=label,
            help_text="For example, 27 3 2026" if help_text is None else help_text,
            require_all_fields=False,
            **kwargs,
        )

    def _fail(self, message: str, part: int | None = None, code: str = "invalid"):
        if part is not None:
            self.fields[part].widget.errors = [message]
        raise ValidationError(message, code=code)

    def clean(self, value) -> date | None:
        for field in self.fields:
            field.widget.errors = []
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value) if isinstance(value, date) else (None, None, None)
        parts = [str(v).strip() if v is not None else "" for v in [*value, None, None, None][:3]]
        what = self.name_in_words
        if not any(parts):
            if self.required:
                self._fail(f"Enter {what}", code="required")
            return None
        missing = [i for i, part in enumerate(parts) if not part]
        if missing:
            words = " and ".join(PARTS[i] for i in missing)
            self._fail(f"{_sentence(what)} must include a {words}", part=missing[0], code="incomplete")
        if not all(part.isdigit() for part in parts):
            self._fail(f"{_sentence(what)} must be a real date")
        day, month, year = parts
        if len(year) != 4:
            self._fail(f"The year of {what} must include 4 numbers", part=2)
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            self._fail(f"{_sentence(what)} must be a real date")
        if self.past_only and value > timezone.localdate():
            self._fail(f"{_sentence(what)} must be today or in the past")
        return value


def date_input(name: str) -> Field:
    """The layout of a DateField: its label as a small legend over the day, month and year boxes."""
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class TransitionForm(forms.Form):
    """A transition page's form: the event date, the transition's own fields, then the reason if it
    asks one. `record` is the record it runs on; `payload()` is what its service takes.

    A form names its date (`event_label`, `event_name` for the messages) and its button, declares
    its own fields and lays them out in `fields_layout()`. A transition that asks why gives the
    question in `reason_label`: a text box, required with `reason_required` as its message unless
    that is empty.
    """

    event_label = "When did it happen?"
    event_name = "the date it happened"
    submit_label = "Save"
    reason_label = ""
    reason_hint = ""
    reason_required = "Enter the reason"
    reason_rows = 5

    def __init__(self, *args, record=None, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)
        self.fields["event_date"] = DateField(label=self.event_label, name=self.event_name)
        self.fields = {"event_date": self.fields.pop("event_date"), **self.fields}
        if self.reason_label:
            self.fields["reason"] = forms.CharField(
                label=self.reason_label,
                help_text=self.reason_hint,
                required=bool(self.reason_required),
                widget=forms.Textarea,
                error_messages={"required": self.reason_required},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout(), Submit("submit", self.submit_label))

    def fields_layout(self) -> list:
        """The layout of the transition's own fields, between the date and the reason."""
        return []

    def layout(self) -> list:
        reason = [Field.textarea("reason", label_size=Size.SMALL, rows=self.reason_rows)] if self.reason_label else []
        return [date_input("event_date"), *self.fields_layout(), *reason]

    def payload(self) -> dict:
        """Every field by its name; a form whose service takes something else says so."""
        return dict(self.cleaned_data)


def add_service_errors(form: forms.Form, errors: dict[str, list[str]], aliases: dict[str, str] | None = None) -> None:
    """Show a service's `InvalidInput` errors beside the form's fields (others go in the summary).

    `aliases` maps a service's field name to the form field that asks for it, when they differ.
    """
    for name, messages in errors.items():
        target = (aliases or {}).get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class _RolledBack(Exception):
    """Ends a service run made only to read its refusals: everything it wrote is undone."""

    def __init__(self, result=None):
        self.result = result
        super().__init__("rolled back")


def dry_run(run: Callable[[], object]) -> object:
    """Run a service inside a transaction that is always rolled back, and return what it returned: nothing
    it wrote (its record, its audit entry) is kept. Its refusals are raised as a real run raises them."""
    try:
        with transaction.atomic():
            raise _RolledBack(run())
    except _RolledBack as undone:
        return undone.result


def _unanswered(field: forms.Field):
    """What a field that did not parse stands as while its service is asked about the others: its empty value."""
    if hasattr(field, "empty_value"):
        return field.empty_value
    try:
        return field.to_python(None)
    except (ValidationError, TypeError, ValueError):
        return None


def add_service_errors_for_parsed(form: forms.Form, run: Callable[[], object], keep: tuple[str, ...] = ()) -> None:
    """Show a service's refusals about the fields that parsed, while other fields have errors of their own.

    A page that asked its service only once the form was valid would show a date out of order (before the
    case's previous event, a due date before its start) only after the other errors were mended. So the
    service runs on what parsed, each field that did not standing as its empty value, inside a transaction
    that is always rolled back, and its messages about the fields that parsed join the form's. Nothing is
    saved. `run` reads the form's `cleaned_data` (through `payload()`); `keep` names refusals that the page
    handles itself once the form is valid (a warning to confirm), left out here.
    """
    failed = set(form.errors)
    parsed = form.cleaned_data
    form.cleaned_data = {
        **{name: _unanswered(field) for name, field in form.fields.items() if name not in parsed},
        **parsed,
    }
    errors: dict[str, list[str]] = {}
    try:
        dry_run(run)
    except InvalidInput as exc:
        errors = exc.errors
    except (TransitionError, Http404):
        pass  # accepted (and undone), or refused for a reason the page gives once the form is valid
    except (AttributeError, KeyError, TypeError, ValueError):
        # A payload that needs every field: its service's checks wait for the field errors to be mended.
        logger.warning("A service could not be asked about a partly answered form", exc_info=True)
    finally:
        form.cleaned_data = parsed
    for name, messages in errors.items():
        if name in form.fields and name not in failed and name not in keep:
            for message in messages:
                if message not in form.errors.get(name, []):
                    form.add_error(name, message)


class CorrectionForm(forms.Form):
    """The chair corrects what was recorded by mistake: the correct value and why (both required).

    The value's box follows what is corrected: a date, a paragraph, a line or a choice. `label` is
    the field's question in the record's own words, when they differ from the declaration's.
    """

    def __init__(self, *args, item: Correctable, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        label = label or item.label
        if item.kind == DATE:
            what = "the correct date"
            self.fields["new_value"] = DateField(label=f"{label}: {what}", name=what, past_only=item.past_only)
            value = date_input("new_value")
        elif item.kind == CHOICE:
            self.fields["new_value"] = forms.ChoiceField(
                label=f"{label}: the correct one",
                choices=item.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select {label.lower()}", "invalid_choice": f"Select {label.lower()}"},
            )
            value = Field.radios("new_value", legend_size=Size.SMALL)
        else:
            self.fields["new_value"] = forms.CharField(
                label=f"{label}, as it should read",
                widget=forms.Textarea if item.kind == TEXT else forms.TextInput,
                error_messages={"required": f"Enter {label.lower()}"},
            )
            value = (
                Field.textarea("new_value", label_size=Size.SMALL, rows=6)
                if item.kind == TEXT
                else Field.text("new_value", label_size=Size.SMALL)
            )
        self.fields["reason"] = forms.CharField(
            label="Why is it being corrected?",
            help_text="For example, typed from the wrong email. The timeline keeps both values.",
            widget=forms.Textarea,
            error_messages={"required": "Enter the reason for the correction"},
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            value,
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
            Submit("submit", "Correct the date" if item.kind == DATE else "Save the correction"),
        )


KIND_MISSING = "Select what kind of note it is"


class NoteForm(forms.Form):
    """A case note: what kind, the day it happened and what was said or agreed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label="What kind of note is it?",
            choices=NoteKind.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select what kind of note it is",
                "invalid_choice": "Select what kind of note it is",
            },
        )
        self.fields["happened_on"] = DateField(label="When did it happen?", name="the date it happened")
        self.fields["text"] = forms.CharField(
            label="Note",
            help_text="Who it was with and what was said or agreed. Do not name the child or family: "
            "use the case's pseudonym.",
            widget=forms.Textarea,
            max_length=NOTE_MAX_LENGTH,
            error_messages={
                "required": "Enter the note",
                "max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer",
            },
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            date_input("happened_on"),
            Field.textarea("text", label_size=Size.SMALL, rows=6),
            Submit("submit", "Add the note"),
        )
