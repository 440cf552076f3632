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

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import Http404

from audit.models import CORRECT_DATE, AuditEntry
from incidents.choices import Agency
from scr_tracker.corrections import CHAIR_ONLY, CHOICE, LINE, TEXT, Correctable, correction_errors, correction_write, on
from scr_tracker.transitions import InvalidInput, RoleNotPermitted

from .models import Action, Contribution, Recommendation, SeriousCaseReview
from .selectors import actions_for_user, contributions_for_user, recommendations_for_user, reviews_for_user


@dataclass(frozen=True)
class CorrectableRecord:
    """A kind of record whose fields the chair may correct, as its page's URL names it."""

    name: str  # in the URL: "contribution"
    words: str  # "agency contribution"
    model: type
    fields: dict[str, Correctable]

    def queryset(self, user):
        return QUERYSETS[self.name](user)


def _fields(*items: Correctable) -> dict[str, Correctable]:
    return {item.field: item for item in items}


RECORDS = {
    record.name: record
    for record in (
        CorrectableRecord(
            "review",
            "review",
            SeriousCaseReview,
            _fields(Correctable("signed_off_on", "The date the review was signed off", event="sign_off")),
        ),
        CorrectableRecord(
            "contribution",
            "agency contribution",
            Contribution,
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
            Recommendation,
            _fields(Correctable("text", "The recommendation", kind=TEXT)),
        ),
        CorrectableRecord(
            "action",
            "action",
            Action,
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

QUERYSETS = {
    "review": reviews_for_user,
    "contribution": contributions_for_user,
    "recommendation": recommendations_for_user,
    "action": actions_for_user,
}


def review_of(record) -> SeriousCaseReview:
    if isinstance(record, SeriousCaseReview):
        return record
    if isinstance(record, Action):
        return record.recommendation.review
    return record.review


def _sign_off_rules(review: SeriousCaseReview, new: date) -> list[str]:
    earlier = (
        AuditEntry.objects.for_object(review)
        .events()
        .exclude(transition__in=("sign_off", CORRECT_DATE))
        .order_by("-event_date")
        .first()
    )
    floor = earlier.event_date if earlier else review.initiated_on
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


def _rules(record, field: str, new) -> list[str]:
    """What the new value would break, in words naming the rule; empty when it keeps them all."""
    if isinstance(record, SeriousCaseReview):
        return _sign_off_rules(record, new)
    if isinstance(record, Contribution):
        return _contribution_rules(record, field, new)
    if isinstance(record, Action):
        return _action_rules(record, field, new)
    return []


def record_correct(*, actor, record: str, record_id: int, field: str, new_value, reason: str):
    """Correct one field of a review's record typed by mistake; the chair's, audited, clocks recomputed."""
    kind = RECORDS.get(record)
    item = kind.fields.get(field) if kind else None
    if item is None:
        raise InvalidInput({"field": ["This cannot be corrected here"]})
    with transaction.atomic():
        found = kind.queryset(actor).select_for_update(of=("self",)).filter(pk=record_id).first()
        if found is None:
            raise Http404("Not found")
        if not (actor.is_board_user and actor.is_chair):
            raise RoleNotPermitted(CHAIR_ONLY)
        old = getattr(found, field)
        errors = correction_errors(item, old, new_value, reason)
        if "new_value" not in errors:
            broken = _rules(found, field, new_value)
            if broken:
                errors["new_value"] = broken
        if errors:
            raise InvalidInput(errors)
        review = review_of(found)
        correction_write(
            actor=actor,
            record=found,
            board=review.board,
            state=getattr(found, "state", "") or "",
            item=item,
            old=old,
            new=new_value,
            reason=reason,
        )
    return found
