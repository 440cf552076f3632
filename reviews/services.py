"""Recording the chair's initiation decision (SPEC §4.2), and the review's work (SPEC §4.3): its transitions,
contributions, recommendations, actions and, for records entered by mistake, their withdrawal by the chair."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from incidents.choices import Agency
from incidents.models import Incident
from incidents.selectors import incidents_for_user
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.transitions import (
    Blocked,
    EventFloor,
    InvalidInput,
    NotAllowedInState,
    RoleNotPermitted,
    transition_run,
)

from .choices import (
    OPEN_REVIEW_STATES,
    RATIONALE_LIMBS,
    AddressedTo,
    DecisionKind,
    Methodology,
    ReviewState,
    StopReason,
)
from .documents import documents_for_user
from .models import Action, Contribution, Decision, Document, Recommendation, SeriousCaseReview, StopPeriod, Theme
from .models.withdrawals import WITHDRAW
from .selectors import actions_for_user, contributions_for_user, recommendations_for_user, reviews_for_user
from .words import decision_words

# --- What a reviews event opens in the apps built on this one ----------------------------------------------
# A decision opens the panel submission its regime declares (`Regime.opens`); a signed-off review opens its
# publication. Those apps sit above this one (docs/decisions/0018-import-layers.md), so each registers the
# service that opens its record from its AppConfig.ready, and this module never imports them. Follow-ons run in
# the event's transaction.

DECISION_FOR_PANEL = "decision_for_panel"
REVIEW_SIGNED_OFF = "review_signed_off"
_follow_ons: dict[str, list[Callable[..., object]]] = {DECISION_FOR_PANEL: [], REVIEW_SIGNED_OFF: []}


def follow_on_register(event: str, service: Callable[..., object]) -> None:
    """Run `service(record, ...)` after `event` from now on (once, however often an AppConfig is made ready)."""
    if service not in _follow_ons[event]:
        _follow_ons[event].append(service)


def _follow_ons_run(event: str, record, *args) -> None:
    for service in _follow_ons[event]:
        service(record, *args)


def decision_check(
    *,
    decision: str | None,
    rationale: dict | None,
    subgroup_recommendation: str,
    subgroup_recommended_on: date | None,
    panel_notified_on: date | None,
    event_date: date | None,
    incident: Incident,
    national_review_recommended: bool | None = None,
    rapid_review_summary: str = "",
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    regime = incident.regime_rules
    asks = regime.decision_asks
    if "rapid_review_summary" in asks and not (rapid_review_summary or "").strip():
        errors["rapid_review_summary"] = ["Enter the rapid review's summary: the facts, immediate actions and learning"]
    elif "rapid_review_summary" not in asks and (rapid_review_summary or "").strip():
        errors["rapid_review_summary"] = [f"A rapid review summary is not part of a decision under {regime.title}"]
    if "national_review_recommended" in asks and national_review_recommended is None:
        errors["national_review_recommended"] = ["Select whether you recommend a national review"]
    elif "national_review_recommended" not in asks and national_review_recommended is not None:
        errors["national_review_recommended"] = [
            f"A recommendation for a national review is not part of a decision under {regime.title}"
        ]
    if decision not in DecisionKind.values:
        errors["decision"] = [f"Select whether to initiate a {regime.term('review')}"]
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
    join_review_id: int | None = None,
    national_review_recommended: bool | None = None,
    rapid_review_summary: str = "",
) -> Decision:
    """The chair decides whether to initiate a Serious Case Review (event date = decided on).

    `not_initiate` opens the case's submission to the panel (in draft) with its 14-day clock; `initiate_scr` starts
    the six-month completion clock and tells the panel (by default on the day of the decision). With
    `join_review_id`, an `initiate_scr` decision brings the incident into a sibling's review already under way
    instead of opening a new one: that review's completion clock is the one that counts.
    """
    created: list[Decision] = []
    joined: list[SeriousCaseReview] = []

    def validate(incident):
        if join_review_id is not None:
            errors = _join_check(actor, incident, join_review_id, decision, event_date, joined)
            if errors:
                return errors
        return decision_check(
            decision=decision,
            rationale=rationale,
            subgroup_recommendation=subgroup_recommendation,
            subgroup_recommended_on=subgroup_recommended_on,
            panel_notified_on=panel_notified_on,
            event_date=event_date,
            incident=incident,
            national_review_recommended=national_review_recommended,
            rapid_review_summary=rapid_review_summary,
        )

    def after(incident):
        created.append(
            decision_create(
                actor=actor,
                incident=incident,
                kind=decision,
                decided_on=event_date,
                rationale={limb: rationale[limb].strip() for limb in RATIONALE_LIMBS},
                subgroup_recommendation=subgroup_recommendation or "",
                subgroup_recommended_on=subgroup_recommended_on,
                alternative_review=alternative_review.strip(),
                panel_notified_on=panel_notified_on or event_date,
                joined_review=joined[0] if joined else None,
                national_review_recommended=national_review_recommended,
                rapid_review_summary=(rapid_review_summary or "").strip(),
            )
        )

    # The audit entry says the decision in its case's words (its regime is fixed once the SIN is received).
    case = incidents_for_user(actor).filter(pk=incident_id).first()
    transition_run(
        queryset=incidents_for_user(actor),
        pk=incident_id,
        name="record_decision",
        actor=actor,
        event_date=event_date,
        reason=decision_words(decision, case) if case is not None and decision in DecisionKind.values else "",
        floors=lambda i: [EventFloor(i.received_on, "The decision cannot be before the SIN was received")],
        validate=validate,
        after=after,
    )
    return created[0]


def decision_create(
    *,
    actor,
    incident: Incident,
    kind: str,
    decided_on: date,
    rationale: dict,
    following_panel_advice: bool = False,
    panel_notified_on: date | None = None,
    subgroup_recommendation: str = "",
    subgroup_recommended_on: date | None = None,
    alternative_review: str = "",
    joined_review: SeriousCaseReview | None = None,
    national_review_recommended: bool | None = None,
    rapid_review_summary: str = "",
) -> Decision:
    """Write a decision and open what it starts: the chair's (`decision_record`) and the one a board's
    acceptance of the panel's advice makes (panel). A decision to initiate opens its review, or brings the case
    into `joined_review`; one not to initiate opens the panel's submission (a follow-on the panel registers)."""
    initiate = kind == DecisionKind.INITIATE_SCR
    decision = Decision.objects.create(
        incident=incident,
        decision=kind,
        decided_on=decided_on,
        rationale=rationale,
        subgroup_recommendation=subgroup_recommendation,
        subgroup_recommended_on=subgroup_recommended_on,
        alternative_review=alternative_review,
        following_panel_advice=following_panel_advice,
        national_review_recommended=national_review_recommended,
        rapid_review_summary=rapid_review_summary,
        panel_notified_on=panel_notified_on if initiate else None,
        post_mortem_at_decision=incident.post_mortem,
        initiation_due_at_decision=incident.decision_due(),
        incident_on=incident.incident_on,
        joined_review=joined_review,
        recorded_by=actor,
    )
    for opened in incident.regime_rules.opens.get(kind, ()):
        if opened != "review":
            # The panel has already seen a case whose decision follows its advice.
            if not following_panel_advice:
                _follow_ons_run(DECISION_FOR_PANEL, decision, opened)
        elif joined_review is not None:
            review_join(joined_review, decision, actor)
        else:
            review_open_for_decision(decision)
    return decision


# --- The Serious Case Review (SPEC §4.3) -------------------------------------------------------------


def review_open_for_decision(decision: Decision) -> SeriousCaseReview:
    """Every decision to initiate (including one after panel advice) opens its review, commissioning."""
    review = SeriousCaseReview.objects.create(
        board_id=decision.incident.board_id,
        decision=decision,
        initiated_on=decision.decided_on,
        following_panel_advice=decision.following_panel_advice,
    )
    review.incidents.add(decision.incident)
    return review


JOIN_TRANSITION = "include_incident"
TERMS_TRANSITION = "update_terms"


def _join_check(actor, incident, review_id, decision, event_date, joined: list) -> dict[str, list[str]]:
    """A sibling may join only an open review of its own board, initiated on or before this decision."""
    if decision != DecisionKind.INITIATE_SCR:
        return {"join_review": ["Only a decision to initiate can bring the case into an existing review"]}
    # Locked like the incident: two siblings joining at once both land, one after the other.
    review = reviews_for_user(actor).select_for_update(of=("self",)).filter(pk=review_id).first()
    if review is None or review.board_id != incident.board_id:
        return {"join_review": ["Select a review of your board"]}
    if review.state not in OPEN_REVIEW_STATES:
        return {"join_review": ["That review has been signed off: it can no longer take in another case"]}
    if review.incidents.filter(pk=incident.pk).exists():
        return {"join_review": ["The case is already part of that review"]}
    if event_date is not None and event_date < review.initiated_on:
        return {"event_date": ["A case can join a review only on or after the day the review was initiated"]}
    joined.append(review)
    return {}


def review_join(review: SeriousCaseReview, decision: Decision, actor) -> None:
    """Bring the decision's incident into the review, with an entry on the review's own record."""
    review.incidents.add(decision.incident)
    AuditEntry.objects.create(
        record=review,
        board_id=review.board_id,
        transition=JOIN_TRANSITION,
        from_state=review.state,
        to_state=review.state,
        event_date=decision.decided_on,
        actor=actor,
        actor_role=actor.role,
        reason=f"{decision.incident.reference} included in this review",
    )


def review_update_terms(
    *,
    actor,
    review_id: int,
    terms_of_reference: str,
    scope_from: date | None,
    scope_to: date | None,
    independence_statement: str,
    lead_reviewer: str | None = None,
    reason: str = "",
) -> SeriousCaseReview:
    """Change the review's terms of reference, scope period, independence statement or lead reviewer.

    Board users only, until sign-off. The change is audited on the review (what changed and why) and
    django-simple-history keeps every earlier version of the text.
    """
    with transaction.atomic():
        review = _board_review(actor, review_id)
        if review.state not in OPEN_REVIEW_STATES:
            raise NotAllowedInState(TERMS_TRANSITION, review.state, OPEN_REVIEW_STATES)
        today = timezone.localdate()
        errors: dict[str, list[str]] = {}
        for field, value in (("scope_from", scope_from), ("scope_to", scope_to)):
            if value is not None and value > today:
                errors[field] = ["The date must be today or in the past"]
        if scope_from and scope_to and scope_from > scope_to and "scope_to" not in errors:
            errors["scope_to"] = ["The end of the scope period must be the same as or after its start"]
        if (scope_from is None) != (scope_to is None):
            missing = "scope_to" if scope_to is None else "scope_from"
            errors.setdefault(missing, ["Enter both dates of the scope period, or neither"])
        if lead_reviewer is not None and review.state != ReviewState.COMMISSIONING and not lead_reviewer.strip():
            errors["lead_reviewer"] = ["Enter the lead reviewer's name"]
        if errors:
            raise InvalidInput(errors)
        new = {
            "terms_of_reference": (terms_of_reference or "").strip(),
            "scope_from": scope_from,
            "scope_to": scope_to,
            "independence_statement": (independence_statement or "").strip(),
        }
        if lead_reviewer is not None:
            new["lead_reviewer"] = lead_reviewer.strip()
        changed = [field for field, value in new.items() if getattr(review, field) != value]
        if not changed:
            return review
        for field in changed:
            setattr(review, field, new[field])
        review._change_reason = (reason or "").strip()[:100]
        review.save(update_fields=changed)
        words = ", ".join(TERMS_FIELD_WORDS[field] for field in changed)
        AuditEntry.objects.create(
            record=review,
            board_id=review.board_id,
            transition=TERMS_TRANSITION,
            from_state=review.state,
            to_state=review.state,
            event_date=today,
            actor=actor,
            actor_role=actor.role,
            reason=f"Changed: {words}" + (f". {reason.strip()}" if (reason or "").strip() else ""),
        )
    return review


TERMS_FIELD_WORDS = {
    "terms_of_reference": "terms of reference",
    "scope_from": "start of the scope period",
    "scope_to": "end of the scope period",
    "independence_statement": "independence statement",
    "lead_reviewer": "lead reviewer",
}


def _after_initiation(review) -> list[EventFloor]:
    return [EventFloor(review.initiated_on, "The date cannot be before the review was initiated")]


def review_start(
    *,
    actor,
    review_id: int,
    event_date: date | None,
    methodology: str | None,
    lead_reviewer: str,
    independence_statement: str = "",
) -> SeriousCaseReview:
    """Commission the review: the method and the lead reviewer."""

    def validate(review):
        errors: dict[str, list[str]] = {}
        if methodology not in Methodology.values:
            errors["methodology"] = ["Select the review's methodology"]
        if not (lead_reviewer or "").strip():
            errors["lead_reviewer"] = ["Enter the lead reviewer's name"]
        return errors

    return transition_run(
        queryset=reviews_for_user(actor),
        pk=review_id,
        name="start",
        actor=actor,
        event_date=event_date,
        floors=_after_initiation,
        validate=validate,
        kwargs={
            "methodology": methodology,
            "lead_reviewer": (lead_reviewer or "").strip(),
            "independence_statement": (independence_statement or "").strip(),
        },
    )


def review_stop_clock(
    *, actor, review_id: int, event_date: date | None, reason: str | None, detail: str = ""
) -> SeriousCaseReview:
    """Stop the completion clock from `event_date` (parallel criminal proceedings, an inquest, ...)."""

    def validate(review):
        errors: dict[str, list[str]] = {}
        if reason not in StopReason.values:
            errors["reason"] = ["Select why the review clock stops"]
        elif reason == StopReason.OTHER and not (detail or "").strip():
            errors["detail"] = ["Explain why the review clock stops"]
        return errors

    def after(review):
        StopPeriod.objects.create(
            review=review, stopped_on=event_date, reason=reason, detail=(detail or "").strip(), recorded_by=actor
        )

    return transition_run(
        queryset=reviews_for_user(actor),
        pk=review_id,
        name="stop_clock",
        actor=actor,
        event_date=event_date,
        reason=StopReason(reason).label if reason in StopReason.values else "",
        floors=_after_initiation,
        validate=validate,
        after=after,
    )


def review_resume_clock(*, actor, review_id: int, event_date: date | None) -> SeriousCaseReview:
    """The clock runs again from `event_date`; the due date moves on by every stopped day."""

    def after(review):
        # The clock's row moves the due date on by the stopped days (the transition runner recomputes it).
        StopPeriod.objects.filter(review=review, resumed_on__isnull=True).update(resumed_on=event_date)

    return transition_run(
        queryset=reviews_for_user(actor),
        pk=review_id,
        name="resume_clock",
        actor=actor,
        event_date=event_date,
        floors=_after_initiation,
        after=after,
    )


def review_begin_drafting(*, actor, review_id: int, event_date: date | None) -> SeriousCaseReview:
    """The reviewer is writing the overview report."""
    return transition_run(
        queryset=reviews_for_user(actor),
        pk=review_id,
        name="begin_drafting",
        actor=actor,
        event_date=event_date,
        floors=_after_initiation,
    )


NO_OVERVIEW_REPORT = (
    "No overview report has been uploaded: upload it first, or give the reason for signing off without one"
)


def review_sign_off(*, actor, review_id: int, event_date: date | None, reason: str = "") -> SeriousCaseReview:
    """The chair signs off the overview report; the completion clock is met or missed on this date.
    Without an overview report uploaded, `reason` says why (it is the audit entry's reason).
    The review's publication opens with it, waiting for the final report to go to the panel (SPEC §4.5)."""
    reason = (reason or "").strip()

    def validate(review):
        if not reason and not review.has_overview_report():
            return {"reason": [NO_OVERVIEW_REPORT]}
        return {}

    return transition_run(
        queryset=reviews_for_user(actor),
        pk=review_id,
        name="sign_off",
        actor=actor,
        event_date=event_date,
        reason=reason,
        floors=_after_initiation,
        validate=validate,
        kwargs={"on": event_date},
        after=lambda review: _follow_ons_run(REVIEW_SIGNED_OFF, review),
    )


def _board_review(actor, review_id: int) -> SeriousCaseReview:
    """A review the actor's board may add to (board users only; not once completed)."""
    if not actor.is_board_user:
        raise RoleNotPermitted("Only the board can change its review")
    review = reviews_for_user(actor).select_for_update(of=("self",)).filter(pk=review_id).first()
    if review is None:
        raise Http404("Not found")
    return review


CONTRIBUTION_REQUEST = "request_contribution"


def contribution_due_warning(review: SeriousCaseReview, due_on: date) -> str:
    """Words warning that a contribution is due after the review itself is due; empty when it is not
    (or while the review clock is stopped, when the review has no due date)."""
    review_due = review.completion_due()
    if review_due is None or due_on <= review_due:
        return ""
    return (
        f"The contribution would be due on {due_on:%-d %B %Y}, after the review itself is due "
        f"({review_due:%-d %B %Y}). Confirm that this is the date agreed with the agency"
    )


def contribution_request(
    *,
    actor,
    review_id: int,
    agency: str | None,
    agency_name: str,
    author: str = "",
    requested_on: date | None,
    due_on: date | None,
    records_secured_on: date | None = None,
    confirm: bool = False,
) -> Contribution:
    """Ask an agency for its contribution (an IMR or agency report) by a due date: a clock of its own.

    Refused once the review is signed off (409). A due date after the review's own completion due date
    is a warning, the `confirm` error, until the request is sent again with `confirm`."""
    with transaction.atomic():
        review = _board_review(actor, review_id)
        if not review.takes_contributions():
            raise Blocked(
                CONTRIBUTION_REQUEST, review.state, [review.takes_contributions.blocked_reason], OPEN_REVIEW_STATES
            )
        errors: dict[str, list[str]] = {}
        today = timezone.localdate()
        if agency not in Agency.values:
            errors["agency"] = ["Select the agency"]
        if not (agency_name or "").strip():
            errors["agency_name"] = ["Enter the organisation's name"]
        if requested_on is None:
            errors["requested_on"] = ["Enter the date the contribution was requested"]
        elif requested_on > today:
            errors["requested_on"] = ["The date must be today or in the past"]
        elif requested_on < review.initiated_on:
            errors["requested_on"] = ["A contribution cannot be requested before the review was initiated"]
        if due_on is None:
            errors["due_on"] = ["Enter the date the contribution is due"]
        elif requested_on and due_on < requested_on:
            errors["due_on"] = ["The due date must be on or after the request"]
        if records_secured_on and records_secured_on > today:
            errors["records_secured_on"] = ["The date must be today or in the past"]
        if errors:
            raise InvalidInput(errors)
        warning = contribution_due_warning(review, due_on)
        if warning and not confirm:
            raise InvalidInput({"confirm": [warning]})
        contribution = Contribution.objects.create(
            review=review,
            agency=agency,
            agency_name=agency_name.strip(),
            author=(author or "").strip(),
            requested_on=requested_on,
            due_on=due_on,
            records_secured_on=records_secured_on,
            created_by=actor,
        )
        clock_rows_sync(contribution)
    return contribution


def contribution_receive(*, actor, contribution_id: int, received_on: date | None) -> Contribution:
    """The agency's contribution has arrived; its clock is met or missed on this date."""
    with transaction.atomic():
        contribution = contributions_for_user(actor).select_for_update(of=("self",)).filter(pk=contribution_id).first()
        if contribution is None:
            raise Http404("Not found")
        if not actor.is_board_user:
            raise RoleNotPermitted("Only the board records contributions")
        if contribution.received_on is not None:
            raise InvalidInput({"received_on": ["This contribution has already been received"]})
        if received_on is None:
            raise InvalidInput({"received_on": ["Enter the date the contribution was received"]})
        if received_on > timezone.localdate():
            raise InvalidInput({"received_on": ["The date must be today or in the past"]})
        if received_on < contribution.requested_on:
            raise InvalidInput({"received_on": ["It cannot be received before it was requested"]})
        contribution.received_on = received_on
        # Who recorded the receipt: its history row says so (the review's timeline reads it), whatever the caller.
        contribution._history_user = actor
        contribution.save(update_fields=["received_on"])
        clock_rows_sync(contribution)
    return contribution


def recommendation_add(
    *, actor, review_id: int, text: str, addressed_to: str | None, theme_ids: list[int]
) -> Recommendation:
    """A recommendation of the review, numbered in order, addressed and themed."""
    with transaction.atomic():
        review = _board_review(actor, review_id)
        themes = list(Theme.objects.filter(pk__in=theme_ids or [], active=True))
        errors: dict[str, list[str]] = {}
        if not (text or "").strip():
            errors["text"] = ["Enter the recommendation"]
        if addressed_to not in AddressedTo.values:
            errors["addressed_to"] = ["Select who the recommendation is addressed to"]
        if not themes or len(themes) != len(set(theme_ids or [])):
            errors["themes"] = ["Select at least one theme from the list"]
        if errors:
            raise InvalidInput(errors)
        # Withdrawn recommendations keep their numbers: the next is numbered after every one of the review.
        number = (Recommendation.all_objects.filter(review=review).aggregate(m=Max("number"))["m"] or 0) + 1
        recommendation = Recommendation.objects.create(
            review=review, number=number, text=text.strip(), addressed_to=addressed_to, created_by=actor
        )
        recommendation.themes.set(themes)
    return recommendation


def action_add(
    *,
    actor,
    recommendation_id: int,
    description: str,
    owner_agency: str | None,
    owner_person: str,
    due_on: date | None,
) -> Action:
    """An action to carry out a recommendation: an owner, a due date (a clock), open until done."""
    with transaction.atomic():
        recommendation = recommendations_for_user(actor).filter(pk=recommendation_id).first()
        if recommendation is None:
            raise Http404("Not found")
        if not actor.is_board_user:
            raise RoleNotPermitted("Only the board plans actions")
        today = timezone.localdate()
        errors: dict[str, list[str]] = {}
        if not (description or "").strip():
            errors["description"] = ["Describe the action"]
        if owner_agency not in Agency.values:
            errors["owner_agency"] = ["Select the agency that owns the action"]
        if not (owner_person or "").strip():
            errors["owner_person"] = ["Enter the person responsible (a role is fine)"]
        if due_on is None:
            errors["due_on"] = ["Enter the date the action is due"]
        elif due_on < today:
            errors["due_on"] = ["The due date must be today or later"]
        if errors:
            raise InvalidInput(errors)
        action = Action.objects.create(
            board_id=recommendation.review.board_id,
            recommendation=recommendation,
            description=description.strip(),
            owner_agency=owner_agency,
            owner_person=owner_person.strip(),
            created_on=today,
            due_on=due_on,
            created_by=actor,
        )
        clock_rows_sync(action)
    return action


def _action_run(name: str, *, actor, action_id: int, event_date: date | None, **kwargs) -> Action:
    # Withdrawn actions are read too, so that a transition on one is refused by its state (409), not a 404.
    return transition_run(
        queryset=actions_for_user(actor, withdrawn=True),
        pk=action_id,
        name=name,
        actor=actor,
        event_date=event_date,
        floors=lambda a: [EventFloor(a.created_on, "The date cannot be before the action was agreed")],
        **kwargs,
    )


def action_begin(*, actor, action_id: int, event_date: date | None) -> Action:
    """Work on the action has started."""
    return _action_run("begin", actor=actor, action_id=action_id, event_date=event_date)


def action_complete(*, actor, action_id: int, event_date: date | None) -> Action:
    """The action is done; its clock is met when this is on or before its due date."""
    return _action_run("complete", actor=actor, action_id=action_id, event_date=event_date, kwargs={"on": event_date})


def action_evidence_impact(*, actor, action_id: int, event_date: date | None, evidence: str) -> Action:
    """Record the evidence that the action changed practice."""
    return _action_run(
        "evidence_impact",
        actor=actor,
        action_id=action_id,
        event_date=event_date,
        validate=lambda a: {} if (evidence or "").strip() else {"evidence": ["Describe the evidence of impact"]},
        kwargs={"evidence": (evidence or "").strip()},
    )


# --- Withdrawing a record entered by mistake (issue 15) --------------------------------------------------
# The chair withdraws a contribution request, a recommendation (with its actions), an action or a document,
# with a reason. Each withdrawal is an audit entry of the record (transition `withdraw`), shown in the
# review's timeline; the record leaves every list and its clock row goes (`clock_rows_sync`).

WITHDRAWN = "withdrawn"


def _withdrawal_reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [f"Enter why the {what} is being withdrawn"]})
    return reason


def _withdrawable(queryset, pk: int, actor, what: str):
    """The record, locked, in the actor's scope (404 otherwise); the chair's to withdraw, once."""
    record = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if record is None:
        raise Http404("Not found")
    if actor.role != Role.BOARD_CHAIR:
        raise RoleNotPermitted(f"Only the chair withdraws {what}s")
    if record.is_withdrawn:
        raise NotAllowedInState(WITHDRAW, WITHDRAWN, ())
    return record


def _withdraw(record, *, actor, reason: str, board_id: int, from_state: str) -> None:
    """Mark the record withdrawn and write its audit entry (no state machine: the states are words)."""
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = actor
    record.withdrawal_reason = reason
    record._change_reason = "Withdrawn"  # django-simple-history's note on the version it keeps
    record.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    AuditEntry.objects.create(
        record=record,
        board_id=board_id,
        transition=WITHDRAW,
        from_state=from_state,
        to_state=WITHDRAWN,
        event_date=timezone.localdate(),
        actor=actor,
        actor_role=actor.role,
        reason=reason,
    )


def contribution_withdraw(*, actor, contribution_id: int, reason: str) -> Contribution:
    """The chair withdraws a contribution requested by mistake: it leaves the review and its clock goes."""
    with transaction.atomic():
        contribution = _withdrawable(
            contributions_for_user(actor, withdrawn=True), contribution_id, actor, "agency contribution"
        )
        reason = _withdrawal_reason(reason, "agency contribution request")
        state = "received" if contribution.received_on else "requested"
        _withdraw(contribution, actor=actor, reason=reason, board_id=contribution.review.board_id, from_state=state)
        clock_rows_sync(contribution)
    return contribution


def recommendation_withdraw(*, actor, recommendation_id: int, reason: str) -> Recommendation:
    """The chair withdraws a recommendation added by mistake, and with it each of its actions not already
    withdrawn (each audited). Its number stays taken."""
    with transaction.atomic():
        recommendation = _withdrawable(
            recommendations_for_user(actor, withdrawn=True), recommendation_id, actor, "recommendation"
        )
        reason = _withdrawal_reason(reason, "recommendation")
        review = recommendation.review
        _withdraw(recommendation, actor=actor, reason=reason, board_id=review.board_id, from_state="recorded")
        today = timezone.localdate()
        for action_id in Action.objects.filter(recommendation=recommendation).values_list("pk", flat=True):
            _action_run(
                "withdraw",
                actor=actor,
                action_id=action_id,
                event_date=today,
                reason=f"Recommendation {recommendation.number} withdrawn: {reason}",
            )
        clock_rows_sync(review)
    return recommendation


def action_withdraw(*, actor, action_id: int, event_date: date | None, reason: str) -> Action:
    """The chair withdraws an action agreed by mistake, from any status: it leaves the action plan and its
    clock goes."""
    reason = (reason or "").strip()
    return _action_run(
        "withdraw",
        actor=actor,
        action_id=action_id,
        event_date=event_date,
        reason=reason,
        validate=lambda a: {} if reason else {"reason": ["Enter why the action is being withdrawn"]},
    )


def document_withdraw(*, actor, document_id: int, reason: str) -> Document:
    """The chair withdraws a document uploaded by mistake: it leaves the review's list and cannot be
    downloaded. Its stored bytes stay (retention removes them in its own time)."""
    with transaction.atomic():
        document = _withdrawable(documents_for_user(actor, withdrawn=True), document_id, actor, "document")
        reason = _withdrawal_reason(reason, "document")
        _withdraw(document, actor=actor, reason=reason, board_id=document.review.board_id, from_state="uploaded")
    return document
