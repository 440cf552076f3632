"""Pages' forms for publication (SPEC §4.5): its transitions, the board's record and the list's filters.

Forms check what the person typed and lay it out (crispy-forms GDS); the rules are the services',
whose refusals are shown beside the fields the same way (`add_service_errors`).
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from incidents.forms import ANY
from scr_tracker.forms import DateField, TransitionForm, date_input
from scr_tracker.regimes import ClockDeclaration, record_clock
from scr_tracker.terms import term

from .choices import PROPOSED_MODES, PublicationMode, PublicationState

NAME_HINT = "Do not use the names of the child, family members or professionals."
DATE_EXAMPLE = "For example, 27 3 2027"


def _report_to_panel(record) -> ClockDeclaration:
    """The final report's clock in the case's regime: the planned date's hints say its rule."""
    return record_clock("report_to_panel", record, today=timezone.localdate())


def _planned_hint(record) -> str:
    return f"At least {_report_to_panel(record).length()} after the report reached the panel. {DATE_EXAMPLE}"


def _planned(required: bool) -> DateField:
    return DateField(
        label="When is the report to be published?" + ("" if required else " (optional)"),
        name="the planned publication date",
        past_only=False,
        required=required,
    )


class SendReportForm(TransitionForm):
    event_label = "When did the final report go to the national panel?"
    event_name = "the date the report was sent"
    submit_label = "Record the report as sent"

    planned_publication_on = _planned(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["event_date"].label = f"When did the final report go to the {term(self.record, 'panel')}?"
        self.fields["planned_publication_on"].help_text = _planned_hint(self.record)

    def fields_layout(self):
        return [date_input("planned_publication_on")]


class ProposeForm(TransitionForm):
    event_label = "When did the board decide to propose this?"
    event_name = "the date of the proposal"
    submit_label = "Propose and prepare the submission"

    mode = forms.ChoiceField(
        label="How does the board propose to publish the report?",
        choices=[(mode.value, mode.label) for mode in PROPOSED_MODES],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the board proposes to publish the report",
            "invalid_choice": "Select how the board proposes to publish the report",
        },
    )
    reasons = forms.CharField(
        label="The board's reasons",
        help_text=f"Why the report should not be published in full. {NAME_HINT}",
        widget=forms.Textarea,
        error_messages={"required": "Give the board's reasons for not publishing in full"},
    )
    independent_advice = forms.CharField(
        label="The independent advice",
        help_text="Who gave it, and why publication would put specific individuals at serious risk. " + NAME_HINT,
        widget=forms.Textarea,
        error_messages={
            "required": "Give the independent advice that publication would put specific individuals at serious risk"
        },
    )

    def fields_layout(self):
        return [
            Field.radios("mode", legend_size=Size.SMALL),
            Field.textarea("reasons", label_size=Size.SMALL, rows=5),
            Field.textarea("independent_advice", label_size=Size.SMALL, rows=5),
        ]


class ScheduleForm(TransitionForm):
    event_label = "When was the publication date set?"
    event_name = "the date it was set"
    submit_label = "Schedule publication"

    planned_publication_on = _planned(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_publication_on"].help_text = _planned_hint(self.record)

    def fields_layout(self):
        return [date_input("planned_publication_on")]


class PublishForm(TransitionForm):
    event_label = "When was the report published?"
    event_name = "the date of publication"
    submit_label = "Record the publication"

    url = forms.CharField(
        label="Web address of the published report",
        help_text="For example, https://www.example.org/serious-case-review",
        max_length=500,
        error_messages={"required": "Enter the web address where the report is published"},
    )

    def fields_layout(self):
        return [Field.text("url", label_size=Size.SMALL)]


class WithholdForm(TransitionForm):
    event_label = "When did the board decide not to publish?"
    event_name = "the date of the decision"
    submit_label = "Withhold the report"

    reason_label = "Reason"
    reason_hint = f"For example, the panel agreed the report should not be published. {NAME_HINT}"
    reason_required = "Enter the reason the report is withheld"
    reason_rows = 4


class TakeDownForm(TransitionForm):
    event_label = "When was the report taken down?"
    event_name = "the date it was taken down"
    submit_label = "Record the report as taken down"

    reason_label = "Reason (optional)"
    reason_required = ""
    reason_rows = 3


class RecordForm(forms.Form):
    """The board's written response and the NSPCC repository deposit."""

    board_response = forms.CharField(
        label="The board's written response (optional)",
        help_text=f"The board's response to the report's findings and recommendations. {NAME_HINT}",
        required=False,
        widget=forms.Textarea,
    )
    nspcc_deposited_on = DateField(
        label="When was the report deposited in the NSPCC repository? (optional)",
        name="the date of the NSPCC deposit",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("board_response", label_size=Size.SMALL, rows=6),
            date_input("nspcc_deposited_on"),
            Submit("submit", "Save"),
        )

    def payload(self) -> dict:
        return {
            "board_response": self.cleaned_data["board_response"],
            "nspcc_deposited_on": self.cleaned_data["nspcc_deposited_on"],
        }


class PlanForm(forms.Form):
    """The planned publication date while the final report is awaited."""

    planned_publication_on = DateField(
        label="When does the board plan to publish the report?",
        name="the planned publication date",
        past_only=False,
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_publication_on"].help_text = (
            f"The final report must reach the {term(record, 'panel')} at least {_report_to_panel(record).duration} "
            f"this date. {DATE_EXAMPLE}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(date_input("planned_publication_on"), Submit("submit", "Save the planned date"))

    def payload(self) -> dict:
        return {"planned_publication_on": self.cleaned_data["planned_publication_on"]}


class PublicationFilterForm(forms.Form):
    """The publications list's filters (a GET form), as the case list's: a value that is not a choice
    is shown as a field error in words and ignored; the other filters still apply."""

    state = forms.ChoiceField(label="State", choices=[*ANY, *PublicationState.choices], required=False)
    mode = forms.ChoiceField(label="Mode", choices=[*ANY, *PublicationMode.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].error_messages["invalid_choice"] = "Choose a state from the list"
        self.fields["mode"].error_messages["invalid_choice"] = "Choose a mode from the list"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("state", label_size=Size.SMALL),
            Field.select("mode", label_size=Size.SMALL),
        )

    def filters(self) -> dict:
        """The valid filters only: a field with an error is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
