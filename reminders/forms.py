"""The reminder choices form: which reminders a person also wants by email."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from .stages import D0, D1, D7
from .words import FIRST_REMINDER, OVERDUE_EVERY

EMAIL_CHOICES = (
    (D7, f"{FIRST_REMINDER.capitalize()} before the due date"),
    (D1, "The day before the due date (the working day before, over a weekend or bank holiday)"),
    (D0, "On the due date (the working day before, when it falls on a weekend or bank holiday)"),
    ("overdue", f"When a deadline has passed, then once {OVERDUE_EVERY} until it is met"),
)


class ReminderChoicesForm(forms.Form):
    email = forms.MultipleChoiceField(
        label="Which reminders do you want by email?",
        help_text="You always see every reminder on your notifications page. Select all that apply.",
        choices=EMAIL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select reminders from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkboxes("email", legend_size=Size.MEDIUM))

    @classmethod
    def initial_for(cls, preference) -> dict:
        return {"email": [stage for stage, _ in EMAIL_CHOICES if getattr(preference, f"email_{stage}")]}

    def choices(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data["email"])
        return {f"email_{stage}": stage in chosen for stage, _ in EMAIL_CHOICES}
