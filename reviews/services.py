"""Recording the chair's initiation decision (SPEC §4.2)."""

from datetime import date

from django.utils import timezone

from incidents.models import Incident
from incidents.selectors import incidents_for_user
from panel.services import submission_open_for_decision
from scr_tracker.transitions import EventFloor, transition_run

from .choices import RATIONALE_LIMBS, DecisionKind
from .models import Decision


def decision_check(
    *,
    decision: str | None,
    rationale: dict | None,
    subgroup_recommendation: str,
    subgroup_recommended_on: date | None,
    panel_notified_on: date | None,
    event_date: date | None,
    incident: Incident,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if decision not in DecisionKind.values:
        errors["decision"] = ["Select whether to initiate a Serious Case Review"]
    if not isinstance(rationale, dict) or set(rationale) - set(RATIONALE_LIMBS):
        errors["rationale"] = ["Give the rationale against each limb of regulation 5, and nothing else"]
    else:
        missing = [limb for limb in RATIONALE_LIMBS if not str(rationale.get(limb) or "").strip()]
        if missing:
            errors["rationale"] = [f"Enter the rationale for: {limb.label.lower()}" for limb in missing]
    if subgroup_recommendation and subgroup_recommendation not in DecisionKind.values:
        errors["subgroup_recommendation"] = ["Select the sub-group's recommendation"]
    if subgroup_recommended_on is not None:
        if not subgroup_recommendation:
            errors["subgroup_recommended_on"] = ["Give a date only with the sub-group's recommendation"]
        elif subgroup_recommended_on > today:
            errors["subgroup_recommended_on"] = ["The date must be today or in the past"]
        elif incident.received_on and subgroup_recommended_on < incident.received_on:
            errors["subgroup_recommended_on"] = ["The sub-group cannot have recommended before the SIN was received"]
        elif event_date and subgroup_recommended_on > event_date:
            errors["subgroup_recommended_on"] = ["The sub-group's recommendation must come before the decision"]
    if panel_notified_on is not None:
        if decision != DecisionKind.INITIATE_SCR:
            errors["panel_notified_on"] = ["The panel is notified this way only of a decision to initiate"]
        elif panel_notified_on > today:
            errors["panel_notified_on"] = ["The date must be today or in the past"]
        elif event_date and panel_notified_on < event_date:
            errors["panel_notified_on"] = ["The panel cannot be notified before the decision"]
    return errors


def decision_record(
    *,
    actor,
    incident_id: int,
    event_date: date | None,
    decision: str | None,
    rationale: dict | None,
    subgroup_recommendation: str = "",
    subgroup_recommended_on: date | None = None,
    alternative_review: str = "",
    panel_notified_on: date | None = None,
) -> Decision:
    """The chair decides whether to initiate a Serious Case Review (event date = decided on).

    `not_initiate` opens the case's submission to the panel (in draft) with its 14-day clock; `initiate_scr` starts
    the six-month completion clock and tells the panel (by default on the day of the decision).
    """
    created: list[Decision] = []

    def validate(incident):
        return decision_check(
            decision=decision,
            rationale=rationale,
            subgroup_recommendation=subgroup_recommendation,
            subgroup_recommended_on=subgroup_recommended_on,
            panel_notified_on=panel_notified_on,
            event_date=event_date,
            incident=incident,
        )

    def after(incident):
        regime = incident.regime_rules
        created.append(
            Decision.objects.create(
                incident=incident,
                decision=decision,
                decided_on=event_date,
                rationale={limb: rationale[limb].strip() for limb in RATIONALE_LIMBS},
                subgroup_recommendation=subgroup_recommendation or "",
                subgroup_recommended_on=subgroup_recommended_on,
                alternative_review=alternative_review.strip(),
                panel_notified_on=(panel_notified_on or event_date) if decision == DecisionKind.INITIATE_SCR else None,
                post_mortem_at_decision=incident.post_mortem,
                initiation_due_at_decision=incident.initiation_decision_due,
                incident_on=incident.incident_on,
                send_to_panel_due=regime.due("send_to_panel", event_date)
                if decision == DecisionKind.NOT_INITIATE
                else None,
                scr_completion_due=regime.due("scr_completion", event_date)
                if decision == DecisionKind.INITIATE_SCR
                else None,
                recorded_by=actor,
            )
        )
        if decision == DecisionKind.NOT_INITIATE:
            submission_open_for_decision(created[-1])

    transition_run(
        queryset=incidents_for_user(actor),
        pk=incident_id,
        name="record_decision",
        actor=actor,
        event_date=event_date,
        reason=f"{DecisionKind(decision).label}" if decision in DecisionKind.values else "",
        floors=lambda i: [EventFloor(i.received_on, "The decision cannot be before the SIN was received")],
        validate=validate,
        after=after,
    )
    return created[0]
