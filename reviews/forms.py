"""The chair's initiation decision as a page (SPEC §4.2): the `record_decision` transition's form."""

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms

from incidents.forms import TransitionForm
from scr_tracker.forms import DateField, date_input

from .choices import RATIONALE_LIMBS, DecisionKind

NO_RECOMMENDATION = "none"


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
        super().__init__(*args, **kwargs)
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

    def layout(self):
        return [
            date_input("event_date"),
            Field.radios("decision", legend_size=Size.SMALL),
            HTML(
                '<h2 class="govuk-heading-m">Rationale against regulation 5</h2>'
                '<p class="govuk-body">Explain your decision against each criterion of regulation 5, '
                "including where it is not met.</p>"
            ),
            *(Field.textarea(rationale_field(limb), label_size=Size.SMALL, rows=4) for limb in RATIONALE_LIMBS),
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
            **super().payload(),
            "decision": data["decision"],
            "rationale": {limb.value: data[rationale_field(limb)] for limb in RATIONALE_LIMBS},
            "subgroup_recommendation": "" if recommendation == NO_RECOMMENDATION else recommendation,
            "subgroup_recommended_on": data["subgroup_recommended_on"],
            "alternative_review": data["alternative_review"],
            "panel_notified_on": data["panel_notified_on"],
        }
