"""The review's completion clock in words: why today's due date is not the original one (SPEC §4.3).

Shared by the review page and the case page, which both show the original and the extended date.
"""

from datetime import date

from scr_tracker import clocks


def _on(d: date) -> str:
    return f"{d:%-d %B %Y}"


def why_due_dates_differ(review, stops, today: date) -> str:
    """Why the due date now is not the original one (the stop periods' table gives the detail)."""
    closed = [(stop.stopped_on, stop.resumed_on) for stop in stops if stop.resumed_on]
    stopped = clocks.stopped_days(closed, today)
    days = f"{stopped} day{'' if stopped == 1 else 's'}"
    open_stop = next((stop for stop in stops if stop.resumed_on is None), None)
    if open_stop is not None:
        before = f" It had already been stopped for {days}." if stopped else ""
        return (
            f"The clock has been stopped since {_on(open_stop.stopped_on)}, so the review has no due date until "
            f"it resumes; then the due date moves on by every day it was stopped.{before}"
        )
    if not stops:
        return "The clock has not been stopped, so the due date is the original one."
    original, due = review.completion_due_original(), review.completion_due()
    if due == original:
        # Stopped and resumed on the same day: no day stood still, and the due date did not move.
        return f"The clock was stopped but no day was lost, so the due date is still the original one, {_on(due)}."
    return (
        f"The clock was stopped for {days} in all (counting any overlap once), "
        f"so the due date moved on from {_on(original)} to {_on(due)}."
    )
