"""Pages' forms for the panel's work: sending a submission, its transitions, meetings and list filters.

Forms check what the person typed and lay it out (crispy-forms GDS); the rules are the services',
whose refusals are shown beside the fields the same way (`add_service_errors`).
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from incidents.forms import ANY, SMALL_LABEL
from scr_tracker.forms import DateField, TransitionForm, date_input
from scr_tracker.regimes import record_clock

from .choices import Advice, BoardResponse, Outcome, PanelView, SubmissionState
from .models import SENT_STATES


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def _text(label: str, required_message: str | None, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required_message is not None,
        widget=forms.Textarea,
        error_messages={"required": required_message or ""},
    )


# --- The board's draft: covering note, then check your answers and send -------------------------


class CoveringNoteForm(forms.Form):
    covering_note = _text(
        "Covering note for the panel (optional)",
        None,
        "Anything the panel should know that the case and the decision do not say. "
        "Do not use the names of the child, family members or professionals.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("covering_note", label_size=Size.SMALL, rows=8), Submit("submit", "Save the note")
        )


class SubmitForm(TransitionForm):
    event_label = "When was the submission sent to the panel?"
    event_name = "the date the submission was sent"
    submit_label = "Accept and send to the panel"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "event_date"
        ].help_text = (
            "Today's date is filled in. Change it only if the panel received the submission on an earlier date."
        )
        self.fields["event_date"].initial = timezone.localdate()


# --- The panel's transitions ---------------------------------------------------------------------


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting) -> str:
        return f"{meeting.meets_on:%A %-d %B %Y}"


class ScheduleForm(TransitionForm):
    event_label = "When was the submission put on the agenda?"
    event_name = "the date it was scheduled"
    submit_label = "Schedule for this meeting"

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = MeetingChoiceField(
            queryset=meetings,
            label="Which meeting will consider it?",
            help_text="Meetings still to come, and those held since the board sent it that have no minutes yet.",
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Select the meeting",
                "invalid_choice": "Select one of the meetings listed",
            },
        )

    def fields_layout(self):
        return [Field.radios("meeting", legend_size=Size.SMALL)]

    def payload(self):
        meeting = self.cleaned_data["meeting"]
        return {"event_date": self.cleaned_data["event_date"], "meeting_id": meeting.pk if meeting else None}


class AdviceForm(TransitionForm):
    event_label = "When did the panel give its advice?"
    event_name = "the date of the advice"
    submit_label = "Record the advice"

    advice = forms.ChoiceField(
        label="What is the panel's advice?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's advice", "invalid_choice": "Select the panel's advice"},
    )
    reasons = _text("The panel's reasons", "Give the panel's reasons")
    information_due = DateField(
        label="If the panel asks for further information, by when should the board reply? (optional)",
        name="the date the reply is due",
        past_only=False,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The default reply date is the information_reply clock's rule, in the case's regime.
        reply = record_clock("information_reply", self.record, today=timezone.localdate())
        self.fields["information_due"].help_text = (
            "Only when asking for further information. "
            f"Leave blank for {reply.length(spelt=True)} from the date of the advice."
        )
        # The advice the case's regime offers for this kind of submission and its decision.
        allowed = self.record.advice_allowed() if self.record else tuple(Advice.values)
        self.fields["advice"].choices = [(value, Advice(value).label) for value in allowed]

    def fields_layout(self):
        return [
            Field.radios("advice", legend_size=Size.SMALL),
            Field.textarea("reasons", label_size=Size.SMALL, rows=6),
            date_input("information_due"),
        ]


class InformationForm(TransitionForm):
    event_label = "When did the board send the information?"
    event_name = "the date the information was sent"
    submit_label = "Send the information"

    information = _text(
        "The further information the panel asked for",
        "Enter the information for the panel",
        "Do not use the names of the child, family members or professionals.",
    )

    def fields_layout(self):
        return [Field.textarea("information", label_size=Size.SMALL, rows=8)]


class BoardResponseForm(TransitionForm):
    event_label = "When did the board decide its response?"
    event_name = "the date of the response"
    submit_label = "Record the response"

    response = forms.ChoiceField(
        label="How does the board respond to the panel's advice?",
        choices=BoardResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the board's response", "invalid_choice": "Select the board's response"},
    )
    explanation = _text(
        "The board's explanation",
        None,
        "Needed unless the board accepts the advice. The panel reads it with the case.",
    )

    def fields_layout(self):
        return [
            Field.radios("response", legend_size=Size.SMALL),
            Field.textarea("explanation", label_size=Size.SMALL, rows=6),
        ]


class PanelViewForm(TransitionForm):
    event_label = "When did the panel form its view?"
    event_name = "the date of the panel's view"
    submit_label = "Record the panel's view"

    view = forms.ChoiceField(
        label="What is the panel's view of the board's explanation?",
        choices=PanelView.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's view", "invalid_choice": "Select the panel's view"},
    )
    reasons = _text("The panel's reasons", "Give the panel's reasons")

    def fields_layout(self):
        return [Field.radios("view", legend_size=Size.SMALL), Field.textarea("reasons", label_size=Size.SMALL, rows=6)]


class WithdrawSubmissionForm(TransitionForm):
    event_label = "When was the submission withdrawn?"
    event_name = "the date the submission was withdrawn"
    submit_label = "Withdraw the submission"
    reason_label = "Why is the submission being withdrawn?"
    reason_hint = "For example, the board has reconsidered its decision."


# --- Meetings ------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """The secretariat arranges a meeting: its date, usually monthly."""

    meets_on = DateField(label="When will the panel meet?", name="the date of the meeting", past_only=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(date_input("meets_on"), Submit("submit", "Arrange the meeting"))


class AttendeeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.full_name} ({user.get_role_display().lower()})"


class AttendanceForm(forms.Form):
    """After the meeting: who was there, and the minutes."""

    minutes = _text(
        "Minutes", None, "Record the panel's discussion. The advice on each case is recorded on its own page."
    )

    def __init__(self, *args, attendees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"] = AttendeeField(
            queryset=attendees,
            label="Who was present?",
            help_text="Select all that apply.",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Select only the people listed"},
        )
        self.fields = {"members_present": self.fields.pop("members_present"), **self.fields}
        self.helper = _helper(
            Field.checkboxes("members_present", legend_size=Size.SMALL),
            Field.textarea("minutes", label_size=Size.SMALL, rows=10),
            Submit("submit", "Save attendance and minutes"),
        )


class MeetingWithdrawForm(forms.Form):
    """The secretariat withdraws a meeting arranged by mistake, saying why."""

    reason = _text(
        "Why is the meeting being withdrawn?",
        "Enter the reason",
        "For example, it was arranged on the wrong date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=5), Button.warning("withdraw", "Withdraw the meeting")
        )


# --- The submissions list's filters -------------------------------------------------------------


class SubmissionFilterForm(forms.Form):
    """Filters of the submissions list (a GET form). A bad value is shown as a field error and ignored."""

    state = forms.ChoiceField(label="State", required=False)
    outcome = forms.ChoiceField(label="Outcome", choices=ANY + Outcome.choices, required=False)

    def __init__(self, *args, board_user: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        states = (
            SubmissionState.choices
            if board_user
            else [(value, label) for value, label in SubmissionState.choices if value in [*SENT_STATES, "withdrawn"]]
        )
        self.fields["state"].choices = ANY + states
        self.fields["state"].error_messages["invalid_choice"] = "Choose a state from the list"
        self.fields["outcome"].error_messages["invalid_choice"] = "Choose an outcome from the list"
        column = "govuk-grid-column-one-half"
        self.helper = _helper(
            Div(
                Div(Field("state", context=SMALL_LABEL), css_class=column),
                Div(Field("outcome", context=SMALL_LABEL), css_class=column),
                css_class="govuk-grid-row",
            )
        )

    def filters(self) -> dict:
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in ("", None)}
