"""The period of the national statistics page: two GOV.UK date inputs, from and to (both inclusive)."""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from crispy_forms_gds.widgets import DateInputWidget
from django import forms

from scr_tracker.forms import DateField, date_input

MAX_YEARS = 20


class PeriodDateWidget(DateInputWidget):
    """Day, month and year boxes that also accept the whole date as `?from=YYYY-MM-DD`, so that
    the page's address can name a period the way the API does (a link from a dashboard or a PDF)."""

    def value_from_datadict(self, data, files, name):
        whole = data.get(name)
        if whole and not any(data.get(f"{name}_{i}") for i in range(3)):
            try:
                return list(self.decompress(date.fromisoformat(whole)))
            except ValueError:
                return [whole, whole, whole]  # not a date: reported as "must be a real date"
        return super().value_from_datadict(data, files, name)


class StatisticsPeriodForm(forms.Form):
    """`from` and `to` (Python keywords, so the fields are added by name). Validated like every date
    in the service, with messages next to the boxes; the end may not come before the start."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = DateField(
            label="From",
            name="the start of the period",
            past_only=False,
            help_text="For example, 1 4 2025",
            widget=PeriodDateWidget(),
        )
        self.fields["to"] = DateField(
            label="To",
            name="the end of the period",
            past_only=False,
            help_text="For example, 31 3 2026",
            widget=PeriodDateWidget(),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the page's address
        self.helper.layout = Layout(date_input("from"), date_input("to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", "The end of the period must be the same as or after the start")
        elif start and end and end.year - start.year > MAX_YEARS:
            # The charts draw a row a year beyond four years: keep the page a readable length.
            self.add_error("from", f"The period must be {MAX_YEARS} years or shorter")
        return cleaned

    def period(self) -> tuple[date, date]:
        """Call after `is_valid()` returned True."""
        return self.cleaned_data["from"], self.cleaned_data["to"]
