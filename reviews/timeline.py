"""The review's timeline in words: its own transitions, and the withdrawal of each of its records (issue 15),
oldest first. The review page and the case chronology show it."""

from audit.timeline import TimelineRow, timeline_rows

from .selectors import review_timeline, withdrawn_records
from .words import review_state_words, review_transition_words, withdrawal_state_words, withdrawn_record_words


def review_timeline_rows(review) -> list[TimelineRow]:
    entries = list(review_timeline(review))
    own = [
        entry for entry in entries if entry.object_id == review.pk and entry.content_type.model == "seriouscasereview"
    ]
    rows = dict(
        zip(
            (entry.pk for entry in own),
            timeline_rows(own, transition_words=review_transition_words, state_words=review_state_words),
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
