"""The chair corrects the date their board sent a submission to the panel (SPEC §4.0, §4.4, §8 "Corrections").

The date is the `submit` event's (`first_submitted_on`); it ends the `send_to_panel` clock (and, for a
rapid review, counts towards the `rapid_review` clock), so a correction moves met or missed, the late
flag and the statistics that read those rows. It keeps the event-date rules, named when refused: not
before the decision (or, for a proposal not to publish, the final report), nor after the
submission's next event (being scheduled, the panel's advice, ...), nor in the future. The panel's own
events (its advice, its view) are the panel's record and are not corrected here.
"""

from scr_tracker.corrections import Correctable, correction_run, event_neighbours, on

from .models import PanelSubmission
from .selectors import submissions_for_user

SUBMITTED_ON = Correctable("first_submitted_on", "The date the submission was sent to the panel", event="submit")


def _rules(submission: PanelSubmission, new) -> list[str]:
    if submission.decision_id and new < submission.decision.decided_on:
        return [f"The submission cannot be sent before the decision ({on(submission.decision.decided_on)})"]
    publication = getattr(submission, "publication", None)
    sent = getattr(publication, "report_sent_on", None)
    if sent is not None and new < sent:
        return [f"The proposal cannot be sent before the final report ({on(sent)})"]
    _, after = event_neighbours(submission, SUBMITTED_ON, submission.first_submitted_on)
    if after is not None and new > after:
        return [f"The date cannot be after the submission's next event ({on(after)})"]
    return []


def submission_correct(*, actor, submission_id: int, new_value, reason: str) -> PanelSubmission:
    """Correct the date the submission was sent, typed by mistake; the chair's, audited, clocks recomputed."""
    return correction_run(
        actor=actor,
        records=submissions_for_user(actor),
        pk=submission_id,
        item=SUBMITTED_ON,
        new_value=new_value,
        reason=reason,
        rules=lambda submission: _rules(submission, new_value),
    )
