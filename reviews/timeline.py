"""A review's timeline in words, in the order things happened: its own transitions, corrections and case notes,
the withdrawal of each of its records (issue 15), its parts' entries (each agency contribution's,
recommendation's and action's transitions and corrections), each part named, and each part as it was recorded
(issue 17: a contribution requested and received, a recommendation or an action added, a document uploaded).
Each row is what the reader may read. The review page and the case chronology show it."""

from datetime import date, datetime, time

from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from audit.timeline import TimelineRow, timeline_rows
from scr_tracker.corrections import CHOICE, DATE, field_words, value_words

from .corrections import RECORDS
from .models import Action, Contribution, Recommendation, SeriousCaseReview
from .models.withdrawals import WITHDRAW
from .selectors import ReviewParts, review_parts, review_parts_timeline, review_timeline
from .words import (
    action_added_words,
    action_status_words,
    action_transition_words,
    contribution_received_words,
    contribution_requested_words,
    document_uploaded_words,
    recommendation_added_words,
    review_state_words,
    review_transition_words,
    withdrawal_state_words,
    withdrawn_record_words,
)

_PART_RECORDS = {Contribution: "contribution", Recommendation: "recommendation", Action: "action"}


def _value(record_name: str):
    fields = RECORDS[record_name].fields

    def words(field: str, stored: str) -> str:
        item = fields.get(field)
        if item is None:
            return stored
        if item.kind == DATE:
            return f"{date.fromisoformat(stored):%-d %b %Y}"  # as the timeline writes every date
        if item.kind == CHOICE:
            return value_words(item, stored)
        return f"“{stored}”"

    return words


def _subject(parts: dict[tuple[type, int], str]):
    def subject(entry: AuditEntry) -> str:
        return parts.get((entry.content_type.model_class(), entry.object_id), "")

    return subject


PART_KINDS = ("contribution", "recommendation", "action", "document")


def _readable(entries, parts: ReviewParts) -> list[AuditEntry]:
    """Leave out the entries of the parts the reader may not read (the panel reads no action plan, and a
    running review's other parts only once its final report has reached it)."""
    readable = {
        (kind, record.pk)
        for kind, records in zip(
            PART_KINDS, (parts.contributions, parts.recommendations, parts.actions, parts.documents), strict=True
        )
        for record in records
    }
    return [
        entry
        for entry in entries
        if entry.content_type.model not in PART_KINDS or (entry.content_type.model, entry.object_id) in readable
    ]


def _own_and_withdrawals(review: SeriousCaseReview, reader, parts: ReviewParts) -> list[TimelineRow]:
    entries = review_timeline(review) if reader is None else review_timeline(review).readable_by(reader)
    entries = _readable(entries, parts)
    own = [
        entry for entry in entries if entry.object_id == review.pk and entry.content_type.model == "seriouscasereview"
    ]
    rows = dict(
        zip(
            (entry.pk for entry in own),
            timeline_rows(
                own,
                transition_words=review_transition_words,
                state_words=review_state_words,
                field_words=field_words(RECORDS["review"].fields),
                value_words=_value("review"),
            ),
            strict=True,
        )
    )
    others = [entry for entry in entries if entry.pk not in rows]
    records = {
        (kind, record.pk): record
        for kind, records in (
            ("contribution", parts.contributions),
            ("recommendation", parts.recommendations),
            ("action", parts.actions),
            ("document", parts.documents),
        )
        for record in records
    }
    for entry in others:
        kind = entry.content_type.model
        record = records.get((kind, entry.object_id)) if entry.transition == WITHDRAW else None
        words = withdrawn_record_words(kind, record)
        (row,) = timeline_rows(
            [entry], transition_words=lambda name, words=words: words, state_words=withdrawal_state_words
        )
        rows[entry.pk] = row
    return [rows[entry.pk] for entry in entries]


def review_timeline_rows(review: SeriousCaseReview, reader=None) -> list[TimelineRow]:
    """Every entry of the review and of its parts, each part named ("Recommendation 2"), and each part as it
    was recorded, by date (then by when it was recorded); with `reader`, what that user may read (the panel
    reads no case notes and no actions). A fixed number of queries, however many parts and entries."""
    parts = review_parts(review, reader)
    rows = _own_and_withdrawals(review, reader, parts)
    entries = _readable(review_parts_timeline(review), parts)
    names = _part_names(parts)
    for model, record_name in _PART_RECORDS.items():
        of_model = [entry for entry in entries if entry.content_type.model_class() is model]
        if not of_model:
            continue
        rows += timeline_rows(
            of_model,
            transition_words=action_transition_words if model is Action else review_transition_words,
            state_words=action_status_words if model is Action else (lambda state: state),
            field_words=field_words(RECORDS[record_name].fields),
            value_words=_value(record_name),
            subject=_subject(names),
        )
    rows += recorded_rows(parts)
    return sorted(rows, key=lambda row: (row.event_date, row.recorded_at))


def _part_names(parts: ReviewParts) -> dict[tuple[type, int], str]:
    """What each part is called in the timeline (withdrawn ones too)."""
    names: dict[tuple[type, int], str] = {}
    for contribution in parts.contributions:
        names[Contribution, contribution.pk] = f"Contribution from {contribution.agency_name}"
    for recommendation in parts.recommendations:
        names[Recommendation, recommendation.pk] = f"Recommendation {recommendation.number}"
    for action in parts.actions:
        names[Action, action.pk] = f"Action of recommendation {action.recommendation.number}"
    return names


# --- Each part as it was recorded -------------------------------------------------------------------------


def _role(value: str | None) -> str:
    return Role(value).label if value in Role.values else (value or "")


def _recorded(
    *, on: date, what: str, by_name: str | None, by_role: str | None, at: datetime | None, fallback: datetime
) -> TimelineRow:
    return TimelineRow(
        event_date=on,
        what=what,
        change="",
        who=by_name or "Unknown",
        role=_role(by_role),
        recorded_at=at or fallback,
        reason="",
    )


def _by(user) -> dict:
    return {"by_name": user.full_name if user else None, "by_role": user.role if user else None}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recorded_rows(parts: ReviewParts) -> list[TimelineRow]:
    """A row for each part as it was recorded: dated the day it happened (a contribution's request and receipt
    dates, an action's agreed date, the day a recommendation was added or a document uploaded), by whom it was
    recorded (`ReviewParts` says where that comes from), in the words of `reviews.words`."""
    rows: list[TimelineRow] = []
    for contribution in parts.contributions:
        rows.append(
            _recorded(
                on=contribution.requested_on,
                what=contribution_requested_words(contribution),
                at=contribution.created_at,
                fallback=contribution.created_at,
                **_by(contribution.created_by),
            )
        )
        if contribution.received_on is not None:
            rows.append(
                _recorded(
                    on=contribution.received_on,
                    what=contribution_received_words(contribution),
                    by_name=contribution.received_by_name,
                    by_role=contribution.received_by_role,
                    at=contribution.received_recorded_at,
                    fallback=contribution.created_at,
                )
            )
    for recommendation in parts.recommendations:
        rows.append(
            _recorded(
                on=timezone.localdate(recommendation.created_at),
                what=recommendation_added_words(recommendation),
                at=recommendation.created_at,
                fallback=recommendation.created_at,
                **_by(recommendation.created_by),
            )
        )
    for action in parts.actions:
        rows.append(
            _recorded(
                on=action.created_on,
                what=action_added_words(action),
                at=action.recorded_at,
                fallback=_start_of(action.created_on),
                **_by(action.created_by),
            )
        )
    for document in parts.documents:
        rows.append(
            _recorded(
                on=timezone.localdate(document.uploaded_at),
                what=document_uploaded_words(document),
                at=document.uploaded_at,
                fallback=document.uploaded_at,
                **_by(document.uploaded_by),
            )
        )
    return rows
