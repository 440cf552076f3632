"""A review's timeline in words, oldest first: its own transitions and corrections, the withdrawal of each of
its records (issue 15), and its parts' entries (each agency contribution's, recommendation's and action's
transitions and corrections), each part named. The review page and the case chronology show it."""

from datetime import date

from audit.models import AuditEntry
from audit.timeline import TimelineRow, timeline_rows
from scr_tracker.corrections import CHOICE, DATE, field_words, value_words

from .corrections import RECORDS
from .models import Action, Contribution, Recommendation, SeriousCaseReview
from .selectors import review_parts_timeline, review_timeline, withdrawn_records
from .words import (
    action_status_words,
    action_transition_words,
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


def _own_and_withdrawals(review: SeriousCaseReview, reader=None) -> list[TimelineRow]:
    entries = list(review_timeline(review) if reader is None else review_timeline(review).readable_by(reader))
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
    records = withdrawn_records(others)
    for entry in others:
        kind = entry.content_type.model
        words = withdrawn_record_words(kind, records.get((kind, entry.object_id)))
        (row,) = timeline_rows(
            [entry], transition_words=lambda name, words=words: words, state_words=withdrawal_state_words
        )
        rows[entry.pk] = row
    return [rows[entry.pk] for entry in entries]


def review_timeline_rows(review: SeriousCaseReview, reader=None) -> list[TimelineRow]:
    """Every entry of the review and of its parts, each part named ("Recommendation 2"); with `reader`,
    what that user may read (the panel reads no case notes)."""
    rows = _own_and_withdrawals(review, reader)
    entries = list(review_parts_timeline(review))
    names = _part_names(entries)
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
    return sorted(rows, key=lambda row: row.recorded_at)


def _part_names(entries: list[AuditEntry]) -> dict[tuple[type, int], str]:
    """What each part is called in the timeline, for the parts that have entries (withdrawn ones too)."""
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.content_type.model_class(), set()).add(entry.object_id)
    names: dict[tuple[type, int], str] = {}
    for contribution in Contribution.all_objects.filter(pk__in=wanted.get(Contribution, ())):
        names[Contribution, contribution.pk] = f"Contribution from {contribution.agency_name}"
    for recommendation in Recommendation.all_objects.filter(pk__in=wanted.get(Recommendation, ())):
        names[Recommendation, recommendation.pk] = f"Recommendation {recommendation.number}"
    actions = Action.all_objects.filter(pk__in=wanted.get(Action, ())).select_related("recommendation")
    for action in actions:
        names[Action, action.pk] = f"Action of recommendation {action.recommendation.number}"
    return names
