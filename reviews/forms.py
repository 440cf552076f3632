"""Pages' forms for decisions and reviews (SPEC §4.2, §4.3): the chair's initiation decision, the review's
transitions, contributions, recommendations, actions and the action plan's filters.

Forms check what the person typed and lay it out (crispy-forms GDS); the rules are the services',
whose refusals are shown beside the fields the same way (`add_service_errors`).
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Layout, Size, Submit
from django import forms
from django.utils.html import format_html

from incidents.choices import Agency
from incidents.forms import ANY, SMALL_LABEL
from scr_tracker.forms import DateField, TransitionForm, date_input
from scr_tracker.terms import term, told_of_initiation

from .choices import RATIONALE_LIMBS, ActionStatus, AddressedTo, DecisionKind, Methodology, StopReason
from .models import Theme
from .selectors import open_reviews_of_board
from .words import decision_words

NO_RECOMMENDATION = "none"
NEW_REVIEW = "new"


def review_choice_label(review) -> str:
    references = ", ".join(incident.reference for incident in review.incidents.all())
    return f"The review initiated on {review.initiated_on:%-d %B %Y}, covering {references}"


def rationale_field(limb) -> str:
    return f"rationale_{limb.value}"


class DecisionForm(TransitionForm):
    event_label = "When did you make the decision?"
    event_name = "the date of the decision"
    submit_label = "Record the decision"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to initiate a Serious Case Review"},
    )
    subgroup_recommendation = forms.ChoiceField(
        label="What did the case review sub-group recommend?",
        choices=[(NO_RECOMMENDATION, "The sub-group made no recommendation"), *DecisionKind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the sub-group recommended, or that it made no recommendation"},
    )
    subgroup_recommended_on = DateField(
        label="When did the sub-group make its recommendation? (optional)",
        name="the date of the sub-group's recommendation",
        required=False,
    )
    alternative_review = forms.CharField(
        label="Another review or learning instead, if any (optional)",
        help_text="For example, a multi-agency learning review or a single-agency review.",
        required=False,
        widget=forms.Textarea,
    )
    panel_notified_on = DateField(
        label="When were the national panel and Ofsted told of the decision to initiate? (optional)",
        name="the date the panel was told",
        help_text="Only for a decision to initiate a review. Leave blank if they were told on the day of the decision.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        incident = kwargs.get("record")
        # Known before the layout is built (by the parent's __init__), which shows the question only if needed.
        self.open_reviews = {
            str(review.public_id): review for review in (open_reviews_of_board(incident) if incident else [])
        }
        # What the case's regime asks of a decision besides its rationale (the rapid review's outcome), also
        # known before the layout is built.
        self.asks = incident.regime_rules.decision_asks if incident else ()
        super().__init__(*args, **kwargs)
        if incident is not None:
            self._say_in_case_words(incident)
        if self.open_reviews:
            # A sibling's case (same family, same incident) may join the review already under way.
            self.fields["join_review"] = forms.ChoiceField(
                label="If you initiate a review, is this case part of a review already under way?",
                help_text="For example, a sibling's case. Its completion clock is then that review's.",
                choices=[
                    (NEW_REVIEW, "No, open a new review"),
                    *((key, review_choice_label(review)) for key, review in self.open_reviews.items()),
                ],
                widget=forms.RadioSelect,
                required=False,
                initial=NEW_REVIEW,
            )
        if "rapid_review_summary" in self.asks:
            self.fields["rapid_review_summary"] = forms.CharField(
                label="Summary of the rapid review",
                help_text="The facts, the immediate actions taken to keep children safe, and the learning so far. "
                + NAME_HINT,
                widget=forms.Textarea,
                error_messages={
                    "required": "Enter the rapid review's summary: the facts, immediate actions and learning"
                },
            )
        if "national_review_recommended" in self.asks:
            self.fields["national_review_recommended"] = forms.ChoiceField(
                label=f"Do you recommend that the {term(incident, 'panel')} carries out a national review?",
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect,
                error_messages={"required": "Select whether you recommend a national review"},
            )
        for limb in RATIONALE_LIMBS:
            self.fields[rationale_field(limb)] = forms.CharField(
                label=limb.label,
                widget=forms.Textarea,
                error_messages={"required": f"Enter the rationale for: {limb.label.lower()}"},
            )
        # Rationale after the decision itself, in the order of the page.
        order = ["event_date", "decision", *(rationale_field(limb) for limb in RATIONALE_LIMBS)]
        self.fields = {name: self.fields[name] for name in order} | {
            name: field for name, field in self.fields.items() if name not in order
        }

    def _say_in_case_words(self, incident) -> None:
        """The choices and questions that name the review, the panel or who is told, in the case's words."""
        kinds = [(value, decision_words(value, incident)) for value in DecisionKind.values]
        review = term(incident, "review")
        self.fields["decision"].choices = kinds
        self.fields["decision"].error_messages["required"] = f"Select whether to initiate a {review}"
        self.fields["subgroup_recommendation"].choices = [
            (NO_RECOMMENDATION, "The sub-group made no recommendation"),
            *kinds,
        ]
        told = told_of_initiation(incident)
        self.fields["panel_notified_on"].label = f"When were {told} told of the decision to initiate? (optional)"

    def fields_layout(self):
        return [
            Field.radios("decision", legend_size=Size.SMALL),
            *([Field.radios("join_review", legend_size=Size.SMALL)] if self.open_reviews else []),
            HTML(
                '<h2 class="govuk-heading-m">Rationale against regulation 5</h2>'
                '<p class="govuk-body">Explain your decision against each criterion of regulation 5, '
                "including where it is not met.</p>"
            ),
            *(Field.textarea(rationale_field(limb), label_size=Size.SMALL, rows=4) for limb in RATIONALE_LIMBS),
            *(
                [HTML('<h2 class="govuk-heading-m">The rapid review</h2>')]
                if {"rapid_review_summary", "national_review_recommended"} & set(self.asks)
                else []
            ),
            *(
                [Field.textarea("rapid_review_summary", label_size=Size.SMALL, rows=6)]
                if "rapid_review_summary" in self.asks
                else []
            ),
            *(
                [Field.radios("national_review_recommended", legend_size=Size.SMALL, inline=True)]
                if "national_review_recommended" in self.asks
                else []
            ),
            HTML('<h2 class="govuk-heading-m">Sub-group, other reviews and the panel</h2>'),
            Field.radios("subgroup_recommendation", legend_size=Size.SMALL),
            date_input("subgroup_recommended_on"),
            Field.textarea("alternative_review", label_size=Size.SMALL, rows=3),
            date_input("panel_notified_on"),
        ]

    def payload(self):
        data = self.cleaned_data
        recommendation = data["subgroup_recommendation"]
        return {
            "event_date": data["event_date"],
            "decision": data["decision"],
            "rationale": {limb.value: data[rationale_field(limb)] for limb in RATIONALE_LIMBS},
            "subgroup_recommendation": "" if recommendation == NO_RECOMMENDATION else recommendation,
            "subgroup_recommended_on": data["subgroup_recommended_on"],
            "alternative_review": data["alternative_review"],
            "panel_notified_on": data["panel_notified_on"],
            "join_review_id": self._joined_review_id(),
            **({"rapid_review_summary": data["rapid_review_summary"]} if "rapid_review_summary" in self.asks else {}),
            **(
                {"national_review_recommended": data["national_review_recommended"] == "yes"}
                if "national_review_recommended" in self.asks
                else {}
            ),
        }

    def _joined_review_id(self) -> int | None:
        review = self.open_reviews.get(self.cleaned_data.get("join_review") or NEW_REVIEW)
        return review.pk if review is not None else None


# --- The review's transitions -------------------------------------------------------------------

NAME_HINT = "Do not use the names of the child, family members or professionals."


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def _radios(choices, label: str, required_message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        label=label,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


def _text(label: str, required_message: str | None, help_text: str = "", **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required_message is not None,
        error_messages={"required": required_message or ""},
        **kwargs,
    )


class StartReviewForm(TransitionForm):
    event_label = "When was the review commissioned?"
    event_name = "the date the review was commissioned"
    submit_label = "Commission the review"

    methodology = _radios(
        Methodology.choices, "Which methodology will the review use?", "Select the review's methodology"
    )
    lead_reviewer = _text(
        "Lead reviewer",
        "Enter the lead reviewer's name",
        "The independent reviewer who leads the review and writes the overview report.",
        max_length=150,
    )
    independence_statement = _text(
        "Statement of the lead reviewer's independence (optional)",
        None,
        "How the reviewer is independent of the board and of the agencies involved with the child.",
        widget=forms.Textarea,
    )

    def fields_layout(self):
        return [
            Field.radios("methodology", legend_size=Size.SMALL),
            Field.text("lead_reviewer", label_size=Size.SMALL),
            Field.textarea("independence_statement", label_size=Size.SMALL, rows=5),
        ]


class StopClockForm(TransitionForm):
    event_label = "From when is the review clock stopped?"
    event_name = "the date the clock stopped"
    submit_label = "Stop the clock"

    reason = _radios(StopReason.choices, "Why is the review clock stopping?", "Select why the review clock stops")
    detail = _text(
        "Details",
        None,
        f"Needed when the reason is 'Other'. For example, the date of the criminal trial. {NAME_HINT}",
        widget=forms.Textarea,
    )

    def fields_layout(self):
        return [Field.radios("reason", legend_size=Size.SMALL), Field.textarea("detail", label_size=Size.SMALL, rows=4)]


class ResumeClockForm(TransitionForm):
    event_label = "From when does the review clock run again?"
    event_name = "the date the clock resumed"
    submit_label = "Resume the clock"


class BeginDraftingForm(TransitionForm):
    event_label = "When did the reviewer begin drafting the overview report?"
    event_name = "the date drafting began"
    submit_label = "Begin drafting"


class SignOffForm(TransitionForm):
    event_label = "When did the board sign off the overview report?"
    event_name = "the date of the sign-off"
    submit_label = "Sign off the review"

    def __init__(self, *args, record=None, **kwargs):
        # Without an overview report uploaded, the sign-off asks why (the service requires it too).
        if record is not None and not record.has_overview_report():
            self.reason_label = "Why is the review signed off without an overview report uploaded?"
            self.reason_hint = "No overview report has been uploaded. Upload it first, or give the reason here."
            self.reason_required = "Enter the reason for signing off without an overview report"
        super().__init__(*args, record=record, **kwargs)
        if record is not None:
            who = term(record, "board_short")
            self.fields["event_date"].label = f"When did the {who} sign off the overview report?"


# --- Contributions, recommendations and actions --------------------------------------------------


class ContributionForm(forms.Form):
    """The board asks an agency for its contribution (an IMR or agency report) by a due date."""

    agency = _radios(Agency.choices, "Which agency is asked?", "Select the agency")
    agency_name = _text(
        "Name of the organisation",
        "Enter the organisation's name",
        "For example, the hospital trust or the police force.",
        max_length=150,
    )
    author = _text("Author (optional)", None, "The person or role writing it.", max_length=150)
    requested_on = DateField(label="When was the contribution requested?", name="the date it was requested")
    due_on = DateField(label="When is it due?", name="the date it is due", past_only=False)
    records_secured_on = DateField(
        label="When were the agency's records secured? (optional)",
        name="the date the records were secured",
        required=False,
    )
    # Shown only with the service's warning (a due date after the review's own): ticked, the request is saved.
    confirm = forms.BooleanField(label="Yes, request the contribution by this date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warning = ""
        self.helper = _helper(*self._fields_layout(), Submit("submit", "Request the contribution"))

    def _fields_layout(self) -> list:
        return [
            Field.radios("agency", legend_size=Size.SMALL, small=True),
            Field.text("agency_name", label_size=Size.SMALL),
            Field.text("author", label_size=Size.SMALL),
            date_input("requested_on"),
            date_input("due_on"),
            date_input("records_secured_on"),
        ]

    def ask_to_confirm(self, warning: str) -> None:
        """Show the service's warning and the box that confirms it, above the button."""
        self.warning = warning
        self.helper = _helper(
            *self._fields_layout(),
            HTML(
                format_html(
                    '<div class="govuk-warning-text" id="confirm-warning">'
                    '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
                    '<strong class="govuk-warning-text__text">'
                    '<span class="govuk-visually-hidden">Warning</span>{}.</strong></div>',
                    warning,
                )
            ),
            Field.checkbox("confirm"),
            Submit("submit", "Request the contribution"),
        )

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class TermsForm(forms.Form):
    """The review's terms of reference, scope period, lead reviewer and independence statement, after commissioning."""

    terms_of_reference = forms.CharField(
        label="Terms of reference",
        help_text=f"What the review will examine and the questions it will answer. {NAME_HINT}",
        required=False,
        widget=forms.Textarea,
    )
    scope_from = DateField(
        label="Start of the scope period (optional)", name="the start of the scope period", required=False
    )
    scope_to = DateField(label="End of the scope period (optional)", name="the end of the scope period", required=False)
    lead_reviewer = _text("Lead reviewer", None, "The independent reviewer leading the review.", max_length=150)
    independence_statement = forms.CharField(
        label="Independence statement",
        help_text="How the lead reviewer is independent of the case and of the agencies involved.",
        required=False,
        widget=forms.Textarea,
    )
    reason = _text("Why are you changing them? (optional)", None, "Kept in the review's history.", max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("terms_of_reference", label_size=Size.SMALL, rows=6),
            date_input("scope_from"),
            date_input("scope_to"),
            Field.text("lead_reviewer", label_size=Size.SMALL),
            Field.textarea("independence_statement", label_size=Size.SMALL, rows=4),
            Field.text("reason", label_size=Size.SMALL),
            Submit("submit", "Save the terms"),
        )

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class ReceiveContributionForm(forms.Form):
    received_on = DateField(label="When was the contribution received?", name="the date it was received")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(date_input("received_on"), Submit("submit", "Record as received"))

    def payload(self) -> dict:
        return {"received_on": self.cleaned_data["received_on"]}


class ThemeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, theme) -> str:
        return theme.name


class RecommendationForm(forms.Form):
    text = _text("The recommendation", "Enter the recommendation", f"As worded in the overview report. {NAME_HINT}")
    addressed_to = _radios(
        AddressedTo.choices, "Who is the recommendation addressed to?", "Select who the recommendation is addressed to"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget = forms.Textarea()
        self.fields["themes"] = ThemeField(
            queryset=Theme.objects.filter(active=True).order_by("name"),
            label="Themes",
            help_text="Select all that apply.",
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Select at least one theme from the list",
                "invalid_choice": "Select only the themes listed",
                "invalid_pk_value": "Select only the themes listed",
            },
        )
        self.helper = _helper(
            Field.textarea("text", label_size=Size.SMALL, rows=6),
            Field.radios("addressed_to", legend_size=Size.SMALL),
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Submit("submit", "Add the recommendation"),
        )

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "addressed_to": data["addressed_to"],
            "theme_ids": [theme.pk for theme in data["themes"]],
        }


class ActionForm(forms.Form):
    description = _text("What will be done?", "Describe the action", NAME_HINT, widget=forms.Textarea)
    owner_agency = _radios(Agency.choices, "Which agency owns the action?", "Select the agency that owns the action")
    owner_person = _text(
        "Who is responsible?",
        "Enter the person responsible (a role is fine)",
        "A named lead or a role, for example Head of Children's Services.",
        max_length=150,
    )
    due_on = DateField(label="When is it due?", name="the date the action is due", past_only=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("description", label_size=Size.SMALL, rows=4),
            Field.radios("owner_agency", legend_size=Size.SMALL, small=True),
            Field.text("owner_person", label_size=Size.SMALL),
            date_input("due_on"),
            Submit("submit", "Add the action"),
        )

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class BeginActionForm(TransitionForm):
    event_label = "When did work on the action start?"
    event_name = "the date work started"
    submit_label = "Start the action"


class CompleteActionForm(TransitionForm):
    event_label = "When was the action completed?"
    event_name = "the date the action was completed"
    submit_label = "Complete the action"


class EvidenceImpactForm(TransitionForm):
    event_label = "When was the impact evidenced?"
    event_name = "the date of the evidence"
    submit_label = "Record the evidence"

    evidence = _text(
        "Evidence of impact",
        "Describe the evidence of impact",
        f"How practice changed, and how the board knows: an audit, case sampling, feedback. {NAME_HINT}",
        widget=forms.Textarea,
    )

    def fields_layout(self):
        return [Field.textarea("evidence", label_size=Size.SMALL, rows=6)]


# --- The action plan's filters -------------------------------------------------------------------

OVERDUE = "yes"
# A withdrawn action is in no list (`reviews.models.withdrawals`): there is nothing to filter for.
LISTED_STATUSES = [(value, label) for value, label in ActionStatus.choices if value != ActionStatus.WITHDRAWN]


class ActionFilterForm(forms.Form):
    """Filters of the action plan (a GET form). A bad value is shown as a field error and ignored."""

    status = forms.ChoiceField(label="Status", choices=ANY + LISTED_STATUSES, required=False)
    owner_agency = forms.ChoiceField(label="Owner", choices=ANY + Agency.choices, required=False)
    overdue = forms.ChoiceField(label="Overdue", choices=[*ANY, (OVERDUE, "Overdue only")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, words in (("status", "a status"), ("owner_agency", "an owner"), ("overdue", "an option")):
            self.fields[name].error_messages["invalid_choice"] = f"Choose {words} from the list"
        column = "govuk-grid-column-one-third"
        # The button is in the template: a named one would put itself in the page's address.
        self.helper = _helper(
            Div(
                Div(Field("status", context=SMALL_LABEL), css_class=column),
                Div(Field("owner_agency", context=SMALL_LABEL), css_class=column),
                Div(Field("overdue", context=SMALL_LABEL), css_class=column),
                css_class="govuk-grid-row",
            )
        )

    def filters(self) -> dict:
        """The valid filters only, as `ActionFilters` takes them: call after `is_valid()`."""
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: value for name, value in cleaned.items() if value not in ("", None)}
        if "overdue" in filters:
            filters["overdue"] = filters["overdue"] == OVERDUE
        return filters


# --- Withdrawing a record entered by mistake (issue 15) ------------------------------------------

WITHDRAWAL_HINT = (
    f"For example, entered for the wrong review, or a duplicate. The review's history keeps it. {NAME_HINT}"
)


class WithdrawActionForm(TransitionForm):
    """The chair withdraws an action agreed by mistake (the action's `withdraw` transition)."""

    event_label = "When was the action withdrawn?"
    event_name = "the date the action was withdrawn"
    submit_label = "Withdraw the action"
    reason_label = "Why is the action being withdrawn?"
    reason_hint = WITHDRAWAL_HINT
    reason_required = "Enter why the action is being withdrawn"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            *self.layout(), Submit("submit", self.submit_label, css_class="govuk-button--warning")
        )


class WithdrawalForm(forms.Form):
    """The chair withdraws a contribution request, a recommendation or a document: why, then a red button."""

    def __init__(self, *args, what: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=f"Why is the {what} being withdrawn?",
            help_text=WITHDRAWAL_HINT,
            widget=forms.Textarea,
            error_messages={"required": f"Enter why the {what} is being withdrawn"},
        )
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=5),
            Submit("submit", f"Withdraw the {what}", css_class="govuk-button--warning"),
        )

    def payload(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}
