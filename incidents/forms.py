"""Pages' forms for incidents: the SIN question pages, the transition pages and the case list filters.

Forms check what the person typed and lay it out (crispy-forms GDS); the domain rules are the
services' (`incident_check_fields`, the transition services), whose messages are shown the same way.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Fixed, Fluid, Layout, Size, Submit
from django import forms

from scr_tracker import clocks, regimes
from scr_tracker.forms import DateField, TransitionForm, date_input
from scr_tracker.terms import term

from .choices import (
    Agency,
    ChildStatus,
    CriminalProceedings,
    Disability,
    Ethnicity,
    HarmType,
    IncidentState,
    Nature,
    PoliceInvestigation,
    PostMortem,
    Regulation5,
    Sex,
)
from .selectors import CASE_SORTS, FLAG_VALUES
from .services import incident_check_fields, incident_warnings

CONFIRM = "confirm_unusual"
NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})


def _radios(choices, label, required_message, **kwargs):
    return forms.ChoiceField(
        choices=choices, label=label, widget=forms.RadioSelect, error_messages={"required": required_message}, **kwargs
    )


def _checkboxes(choices, label, required_message=None, **kwargs):
    return forms.MultipleChoiceField(
        choices=choices,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        required=required_message is not None,
        error_messages={"required": required_message or "", "invalid_choice": "Select only the options listed"},
        **kwargs,
    )


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


# --- Logging a SIN: one form per question page --------------------------------------------------


class SinStepForm(forms.Form):
    """One question page. `earlier` holds the answers of the pages before, for rules across pages."""

    slug = ""
    title = ""

    def __init__(self, *args, earlier: dict | None = None, **kwargs):
        self.earlier = earlier or {}
        super().__init__(*args, **kwargs)
        # Unusual answers (an incident decades ago, no post-mortem for a death) are allowed once confirmed.
        self.fields[CONFIRM] = forms.BooleanField(
            label="I have checked these answers and they are right", required=False
        )
        self.helper = _helper(*self.layout(), Submit("submit", "Continue"))

    def layout(self) -> list:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        answers = {**self.earlier, **cleaned}
        for field, messages in incident_check_fields(answers).items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        unusual = {f: m for f, m in incident_warnings(answers).items() if f in self.fields and f not in self.errors}
        if unusual and not cleaned.get(CONFIRM):
            for field, messages in unusual.items():
                for message in messages:
                    self.add_error(field, f"{message}, then confirm below")
            # Ask for the confirmation, below the questions, once there is something to confirm.
            self.helper = _helper(*self.layout(), Field.checkbox(CONFIRM, small=True), Submit("submit", "Continue"))
        return cleaned


class ChildForm(SinStepForm):
    slug = "child"
    title = "About the child"

    child_pseudonym = forms.CharField(
        label="Pseudonym for the child",
        help_text="Never the child's name. For example, Child T.",
        max_length=60,
        error_messages={
            "required": "Enter a pseudonym for the child (never their name)",
            "max_length": "The pseudonym must be 60 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    age_at_incident = forms.IntegerField(
        label="Age at the time of the incident",
        help_text="In whole years. Enter 0 for a baby under 1 year old.",
        min_value=0,
        max_value=17,
        widget=NUMERIC,
        error_messages={
            "required": "Enter the child's age at the incident",
            "invalid": "Age must be a whole number, like 4",
            "min_value": "Age must be from 0 to 17",
            "max_value": "Age must be from 0 to 17",
        },
    )
    sex = _radios(Sex.choices, "Sex", "Select the child's sex")
    ethnicity = _radios(Ethnicity.choices, "Ethnicity", "Select the child's ethnicity")
    disability = _radios(
        Disability.choices, "Does the child have a disability?", "Select whether the child has a disability"
    )
    child_status = _checkboxes(
        ChildStatus.choices, "Was the child any of these at the time?", help_text="Select all that apply."
    )

    def layout(self):
        return [
            Field.text("child_pseudonym", label_size=Size.SMALL, field_width=Fixed.TWENTY),
            Field.text("age_at_incident", label_size=Size.SMALL, field_width=Fixed.TWO),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.radios("ethnicity", legend_size=Size.SMALL, small=True),
            Field.radios("disability", legend_size=Size.SMALL, inline=True),
            Field.checkboxes("child_status", legend_size=Size.SMALL),
        ]


def _other_nature_hint() -> str:
    """The nature question comes before the dates that pick the case's rules: say which rules offer
    'other' (the service refuses it, beside this question, for a case under the others)."""
    offering = [regime for regime in regimes.REGIMES if Nature.OTHER in regime.natures]
    if not offering or len(offering) == len(regimes.REGIMES):
        return ""
    since = min(regime.in_force_from for regime in offering)
    titles = " and ".join(regime.title for regime in offering)
    return (
        f"'Other' applies only to a case under {titles}: one the local authority became aware of "
        f"on or after {since:%-d %B %Y}."
    )


OTHER_NATURE_HINT = _other_nature_hint()


class IncidentForm(SinStepForm):
    slug = "incident"
    title = "The incident"

    nature = _radios(
        Nature.choices,
        "What happened to the child?",
        "Select whether the child died or was seriously harmed",
        help_text=OTHER_NATURE_HINT,
    )
    harm_types = _checkboxes(
        HarmType.choices,
        "What abuse or neglect is known or suspected?",
        "Select at least one type of abuse or neglect",
        help_text="Select all that apply.",
    )
    regulation_5 = _checkboxes(
        Regulation5.choices,
        "Which criteria of regulation 5 does the incident meet?",
        "Select at least one criterion of regulation 5",
        help_text="Regulation 5(2) of the Local Safeguarding Children Boards Regulations 2006. Select all that apply.",
    )
    incident_on = DateField(label="When did the incident happen?", name="the date of the incident")
    la_aware_on = DateField(
        label="When did the local authority become aware of it?",
        name="the date the local authority became aware",
    )

    def layout(self):
        return [
            Field.radios("nature", legend_size=Size.SMALL),
            Field.checkboxes("harm_types", legend_size=Size.SMALL),
            Field.checkboxes("regulation_5", legend_size=Size.SMALL),
            date_input("incident_on"),
            date_input("la_aware_on"),
        ]


class InvestigationsForm(SinStepForm):
    slug = "investigations"
    title = "Post-mortem and police"

    post_mortem = _radios(
        PostMortem.choices,
        "Post-mortem",
        "Select the post-mortem's status",
        help_text="Select 'Not applicable' when the child did not die.",
    )
    post_mortem_on = DateField(
        label="If the post-mortem is complete, when were its results known?",
        name="the date the post-mortem results were known",
        required=False,
    )
    police_investigation = _radios(
        PoliceInvestigation.choices, "Is there a police investigation?", "Select the police investigation's status"
    )
    criminal_proceedings = _radios(
        CriminalProceedings.choices, "Are there criminal proceedings?", "Select the criminal proceedings' status"
    )

    def layout(self):
        return [
            Field.radios("post_mortem", legend_size=Size.SMALL),
            date_input("post_mortem_on"),
            Field.radios("police_investigation", legend_size=Size.SMALL),
            Field.radios("criminal_proceedings", legend_size=Size.SMALL),
        ]


class AgenciesForm(SinStepForm):
    slug = "agencies"
    title = "Agencies and outline"

    agencies_involved = _checkboxes(
        Agency.choices, "Which agencies were involved with the child or family?", help_text="Select all that apply."
    )
    outline = forms.CharField(
        label="Outline of what happened",
        help_text="The facts known so far. Do not use the names of the child, family members or professionals.",
        widget=forms.Textarea,
        error_messages={"required": "Enter an outline of what happened"},
    )

    def layout(self):
        return [
            Field.checkboxes("agencies_involved", legend_size=Size.SMALL),
            Field.textarea("outline", label_size=Size.SMALL, rows=8),
        ]


SIN_STEPS: tuple[type[SinStepForm], ...] = (ChildForm, IncidentForm, InvestigationsForm, AgenciesForm)


# --- Transitions ---------------------------------------------------------------------------------


class NotifyForm(TransitionForm):
    event_label = "When did the board receive the serious incident notification?"
    event_name = "the date the board received the notification"
    submit_label = "Record the notification"

    ofsted_notified_on = DateField(label="When was it notified?", name="the date it was notified")

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None:
            # The body that receives the SIN and the one notified are the case's regime's.
            self.fields[
                "event_date"
            ].label = f"When did the {term(record, 'board_short')} receive the serious incident notification?"
            notified = term(record, "notified")
            self.fields["ofsted_notified_on"].label = f"When was {notified} notified?"
            self.fields["ofsted_notified_on"].name_in_words = f"the date {notified} was notified"

    def fields_layout(self):
        return [date_input("ofsted_notified_on")]


class ReferForm(TransitionForm):
    event_label = "When was the case referred to the sub-group?"
    event_name = "the date of the referral"
    submit_label = "Refer to the sub-group"

    comment = forms.CharField(
        label="Comment (optional)",
        help_text="For example, the meeting it will be considered at.",
        required=False,
        widget=forms.Textarea,
    )

    def fields_layout(self):
        return [Field.textarea("comment", label_size=Size.SMALL, rows=4)]


class ReconsiderForm(TransitionForm):
    event_label = "When was the decision reopened?"
    event_name = "the date the decision was reopened"
    submit_label = "Reopen the decision"
    reason_label = "Why is the decision being reconsidered?"
    reason_hint = "For example, new information from the post-mortem or the police."


class WithdrawForm(TransitionForm):
    event_label = "When was the case withdrawn?"
    event_name = "the date the case was withdrawn"
    submit_label = "Withdraw the case"
    reason_label = "Why is the case being withdrawn?"
    reason_hint = "For example, notified in error, or a duplicate of another case (give its reference)."


class CloseForm(TransitionForm):
    event_label = "When was the case closed?"
    event_name = "the date the case was closed"
    submit_label = "Close the case"


# --- The case list's filters --------------------------------------------------------------------

ANY = [("", "Any")]
RAG_CHOICES = [
    (clocks.RED, "Red: overdue"),
    (clocks.AMBER, f"Amber: due within {clocks.days_words(clocks.AMBER_DAYS)}"),
    (clocks.GREEN, f"Green: more than {clocks.days_words(clocks.AMBER_DAYS)} left"),
]
FLAG_LABELS = {"premature": "Premature decision", "late": "Late decision"}
FLAG_CHOICES = [(value, FLAG_LABELS[value]) for value in FLAG_VALUES]
SMALL_LABEL = {"label_size": Size.for_label(Size.SMALL)}


class CaseFilterForm(forms.Form):
    """Filters of the case list (a GET form). A bad value is shown as a field error and ignored."""

    q = forms.CharField(
        label="Search",
        help_text="A reference, a child's pseudonym or words from the case outline",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )
    state = forms.ChoiceField(label="State", choices=ANY + IncidentState.choices, required=False)
    nature = forms.ChoiceField(label="Nature", choices=ANY + Nature.choices, required=False)
    year = forms.IntegerField(
        label="Year of the incident",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=NUMERIC,
        error_messages={
            "invalid": "Enter the year as 4 numbers, like 2026",
            "min_value": "Enter a year from 2000 to 2100",
            "max_value": "Enter a year from 2000 to 2100",
        },
    )
    rag = forms.ChoiceField(label="RAG", choices=ANY + RAG_CHOICES, required=False)
    flag = forms.ChoiceField(label="Flag", choices=ANY + FLAG_CHOICES, required=False)
    # Set by the table's column headings, not shown in the form.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, words in (("state", "a state"), ("nature", "a nature"), ("rag", "a RAG rating"), ("flag", "a flag")):
            self.fields[name].error_messages["invalid_choice"] = f"Choose {words} from the list"
        column = "govuk-grid-column-one-third"
        # The button is in the template: a named one would put itself in the page's address.
        self.helper = _helper(
            Div(
                Div(Field.text("q", label_size=Size.SMALL, field_width=Fluid.FULL), css_class=column),
                Div(Field("state", context=SMALL_LABEL), css_class=column),
                Div(Field("nature", context=SMALL_LABEL), css_class=column),
                css_class="govuk-grid-row",
            ),
            Div(
                Div(Field.text("year", label_size=Size.SMALL, field_width=Fixed.FOUR), css_class=column),
                Div(Field("rag", context=SMALL_LABEL), css_class=column),
                Div(Field("flag", context=SMALL_LABEL), css_class=column),
                css_class="govuk-grid-row",
            ),
            Field("sort"),
        )

    def clean_sort(self) -> str:
        """An order the headings do not offer (an edited address) falls back to newest first."""
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort in CASE_SORTS else ""

    def filters(self) -> dict:
        """The valid filters only: call after `is_valid()`; a field with an error is left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in ("", None)}


NO_LEAD = "none"


class LeadOfficerForm(forms.Form):
    """Who leads the case: one of the board's people, or nobody in particular."""

    def __init__(self, *args, people: list, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(person.pk), f"{person.full_name} ({person.get_role_display().lower()})") for person in people]
        self.fields["lead_officer"] = forms.ChoiceField(
            label="Who leads this case?",
            help_text="Staff's next steps on the case wait on them by name.",
            choices=[*choices, (NO_LEAD, "Nobody in particular")],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose who leads the case", "invalid_choice": "Choose who leads the case"},
        )
        self.helper = _helper(Field.radios("lead_officer", legend_size=Size.SMALL), Submit("submit", "Save"))

    def officer_id(self) -> int | None:
        value = self.cleaned_data["lead_officer"]
        return None if value == NO_LEAD else int(value)
