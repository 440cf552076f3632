"""The chair corrects what was recorded of a review by mistake (SPEC §4.0, §8 "Corrections").

What can be corrected, record by record:

- the review: the date it was signed off (the `sign_off` event's date, which meets or misses the
  completion clock);
- an agency contribution: the dates it was requested, is due, was received and its records
  were secured;
- a recommendation: its text;
- an action: what it is, who owns it (agency and person), its due date and the date it was
  completed (the `complete` event's date).

Each correction is the chair's, on their own board's review (another board's is 404); keeps the
event-date rules of SPEC §4.0, named when refused (nothing recorded in the future; a request not
before the review was initiated; nothing received or due before it was requested; an action not
due or completed before it was agreed; a sign-off not before the review's previous event nor
after the final report went to the panel); is one audit entry with the field, the old and new
value and the reason; and recomputes the record's clock rows (due dates, met or missed, overdue
counts and statistics read them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import Http404

from audit.models import AuditEntry
from incidents.choices import Agency
from incidents.models import Incident
from incidents.selectors import incidents_for_user
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.corrections import (
    CHAIR_ONLY,
    CHOICE,
    LINE,
    TEXT,
    Correctable,
    correction_check,
    correction_run,
    correction_write,
    event_neighbours,
    on,
)
from scr_tracker.transitions import InvalidInput, RoleNotPermitted

from .models import Action, Contribution, Decision, SeriousCaseReview
from .selectors import actions_for_user, contributions_for_user, recommendations_for_user, reviews_for_user


@dataclass(frozen=True)
class CorrectableRecord:
    """A kind of record whose fields the chair may correct, as its page's URL names it."""

    name: str  # in the URL: "contribution"
    words: str  # "agency contribution"
    records: Callable  # the selector of those the user may reach: records(user)
    rules: Callable[[object, str, object], list[str]]  # rules(record, field, new): what a new value would break
    fields: dict[str, Correctable]


def _fields(*items: Correctable) -> dict[str, Correctable]:
    return {item.field: item for item in items}


def review_of(record) -> SeriousCaseReview:
    if isinstance(record, SeriousCaseReview):
        return record
    if isinstance(record, Action):
        return record.recommendation.review
    return record.review


def _sign_off_rules(review: SeriousCaseReview, new: date) -> list[str]:
    earlier, _ = event_neighbours(review, RECORDS["review"].fields["signed_off_on"], review.signed_off_on)
    floor = earlier or review.initiated_on
    if new < floor:
        return [f"The review cannot have been signed off before its previous event ({on(floor)})"]
    publication = getattr(review, "publication", None)  # the publication app's record, when signed off
    sent = getattr(publication, "report_sent_on", None)
    if sent is not None and new > sent:
        return [f"The review cannot have been signed off after its final report went to the panel ({on(sent)})"]
    return []


def _contribution_rules(contribution: Contribution, field: str, new: date) -> list[str]:
    requested = new if field == "requested_on" else contribution.requested_on
    if field == "requested_on" and new < contribution.review.initiated_on:
        return [
            "A contribution cannot be requested before the review was initiated "
            f"({on(contribution.review.initiated_on)})"
        ]
    due = new if field == "due_on" else contribution.due_on
    if due < requested:
        return [f"The contribution cannot be due ({on(due)}) before it was requested ({on(requested)})"]
    received = new if field == "received_on" else contribution.received_on
    if received is not None and received < requested:
        return [
            f"The contribution cannot have been received ({on(received)}) before it was requested ({on(requested)})"
        ]
    return []


def _action_rules(action: Action, field: str, new) -> list[str]:
    if field == "due_on" and new < action.created_on:
        return [f"The action cannot be due before it was agreed ({on(action.created_on)})"]
    if field == "completed_on":
        if new < action.created_on:
            return [f"The action cannot have been completed before it was agreed ({on(action.created_on)})"]
        impact = AuditEntry.objects.for_object(action).events().filter(transition="evidence_impact").first()
        if impact is not None and new > impact.event_date:
            return [
                "The action cannot have been completed after the evidence of its impact was recorded "
                f"({on(impact.event_date)})"
            ]
    return []


RECORDS = {
    record.name: record
    for record in (
        CorrectableRecord(
            "review",
            "review",
            reviews_for_user,
            lambda review, field, new: _sign_off_rules(review, new),
            _fields(Correctable("signed_off_on", "The date the review was signed off", event="sign_off")),
        ),
        CorrectableRecord(
            "contribution",
            "agency contribution",
            contributions_for_user,
            _contribution_rules,
            _fields(
                Correctable("requested_on", "The date the contribution was requested"),
                Correctable("due_on", "The date the contribution is due", past_only=False),
                Correctable("received_on", "The date the contribution was received"),
                Correctable("records_secured_on", "The date the agency's records were secured"),
            ),
        ),
        CorrectableRecord(
            "recommendation",
            "recommendation",
            recommendations_for_user,
            lambda recommendation, field, new: [],
            _fields(Correctable("text", "The recommendation", kind=TEXT)),
        ),
        CorrectableRecord(
            "action",
            "action",
            actions_for_user,
            _action_rules,
            _fields(
                Correctable("description", "The action", kind=TEXT),
                Correctable("owner_agency", "The agency that owns the action", kind=CHOICE, choices=Agency.choices),
                Correctable("owner_person", "The person responsible", kind=LINE),
                Correctable("due_on", "The date the action is due", past_only=False),
                Correctable("completed_on", "The date the action was completed", event="complete"),
            ),
        ),
    )
}


def record_correct(*, actor, record: str, record_id: int, field: str, new_value, reason: str):
    """Correct one field of a review's record typed by mistake; the chair's, audited, clocks recomputed."""
    kind = RECORDS.get(record)
    item = kind.fields.get(field) if kind else None
    if item is None:
        raise InvalidInput({"field": ["This cannot be corrected here"]})
    return correction_run(
        actor=actor,
        records=kind.records(actor),
        pk=record_id,
        item=item,
        new_value=new_value,
        reason=reason,
        rules=lambda found: kind.rules(found, field, new_value),
        board_of=lambda found: review_of(found).board,
    )


# --- The decision's date, on the case page --------------------------------------------------------------------

DECIDED_ON = Correctable("decided_on", "The date of the decision", event="record_decision")


def _decision_rules(decision: Decision, incident: Incident, new: date) -> list[str]:
    """A decision stays after the SIN was received and the case's previous event, and before what followed it:
    its review's first event or contribution request, the panel's notice, its submission to the panel and the
    case's next event."""
    old = decision.decided_on
    if incident.received_on and new < incident.received_on:
        return [f"The decision cannot be before the SIN was received ({on(incident.received_on)})"]
    before, after = event_neighbours(incident, DECIDED_ON, old)  # the case's other decisions left out too
    if before is not None and new < before:
        return [f"The decision cannot be before the case's previous event ({on(before)})"]
    later = [(after, "the case's next event")] if after is not None else []
    if decision.panel_notified_on:
        later.append((decision.panel_notified_on, "the panel was told of it"))
    submission = getattr(decision, "submission", None)  # the panel app's record, when the decision opened one
    if getattr(submission, "first_submitted_on", None):
        later.append((submission.first_submitted_on, "it went to the panel"))
    review = getattr(decision, "review", None)
    if review is not None:
        first = AuditEntry.objects.for_object(review).events().order_by("event_date").first()
        if first is not None:
            later.append((first.event_date, "the review's first event"))
        requested = review.contributions.order_by("requested_on").values_list("requested_on", flat=True).first()
        if requested:
            later.append((requested, "the first agency contribution was requested"))
    for when, what in sorted(later):
        if new > when:
            return [f"The decision cannot be after {what} ({on(when)})"]
    return []


def decision_correct(*, actor, decision_id: int, new_value: date | None, reason: str) -> Decision:
    """Correct the date of a decision typed by mistake; the review it opened is initiated on the new date and
    every clock of the case is recomputed (the late flag, the delay, the completion clock)."""
    with transaction.atomic():
        incident = incidents_for_user(actor).select_for_update(of=("self",)).filter(decisions__pk=decision_id).first()
        if incident is None:
            raise Http404("Not found")
        if not (actor.is_board_user and actor.is_chair):
            raise RoleNotPermitted(CHAIR_ONLY)
        decision = Decision.objects.select_for_update().get(pk=decision_id)
        old = decision.decided_on
        correction_check(DECIDED_ON, old, new_value, reason, lambda: _decision_rules(decision, incident, new_value))
        correction_write(
            actor=actor,
            record=decision,
            board=incident.board,
            state=incident.state,
            item=DECIDED_ON,
            old=old,
            new=new_value,
            reason=reason,
            audited=incident,
        )
        SeriousCaseReview.objects.filter(decision=decision).update(initiated_on=new_value)
        clock_rows_sync(incident)
    return decision
