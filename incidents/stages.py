"""The case's stages for the task list on the case page (GOV.UK task list pattern).

Each stage says honestly where it stands: done, waiting to start (with a link when this user can
start it now), or unable to start until an earlier stage is done.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from panel.choices import SubmissionKind, SubmissionState
from panel.words import outcome_adds_to_state, outcome_words
from reviews.choices import DecisionKind, ReviewState
from reviews.words import decision_words
from scr_tracker.regimes import record_clock, regime_of
from scr_tracker.terms import term

from .choices import IncidentState

COMPLETED = ("Completed", None)
NOT_YET_STARTED = ("Not yet started", "blue")
INCOMPLETE = ("Incomplete", "light-blue")
CANNOT_START = ("Cannot start yet", None)
IN_PROGRESS = ("In progress", "light-blue")
NOT_DONE = ("Not done", None)


@dataclass(frozen=True)
class Stage:
    name: str
    status: str
    colour: str | None = None  # a tag's colour; None shows the status as plain text
    hint: str = ""
    href: str | None = None

    @property
    def cannot_start(self) -> bool:
        return self.status == CANNOT_START[0]


def _stage(name, status, hint="", href=None) -> Stage:
    text, colour = status
    return Stage(name=name, status=text, colour=colour, hint=hint, href=href)


def _on(d) -> str:
    return f"{d:%-d %B %Y}"


def _submission_stage(incident, submission, href: str | None, current) -> Stage:
    """The case's submission to the panel: where it stands and, once advised, its outcome."""
    rapid = submission.kind == SubmissionKind.RAPID_REVIEW
    name = f"Send the {'rapid review' if rapid else 'case'} to the {term(submission, 'panel')}"
    state, outcome = submission.state, outcome_words(submission.outcome, submission)
    if state == SubmissionState.DRAFT:
        if current is not None and submission.decision_id != current.pk:
            return _stage(name, NOT_DONE, "The decision it was for has been reconsidered", href)
        # A rapid review is due with the decision, by the case's own clock.
        due = incident.decision_due() if rapid else submission.send_to_panel_due()
        return _stage(name, NOT_YET_STARTED, f"Due by {_on(due)}" if due else "", href)
    if state == SubmissionState.WITHDRAWN:
        return _stage(name, ("Withdrawn", None), "The board withdrew the submission", href)
    sent = f"Sent on {_on(submission.first_submitted_on)}" if submission.first_submitted_on else "Sent"
    if state == SubmissionState.CLOSED:
        return _stage(name, COMPLETED, f"{sent}. Outcome: {outcome}", href)
    hint = f"{sent}. {submission.get_state_display()}"
    if outcome_adds_to_state(state, submission.outcome):
        hint += f". Outcome: {outcome}"
    return _stage(name, IN_PROGRESS, hint, href)


def _review_stage(decision, review=None, href: str | None = None) -> Stage:
    """The local review the decision opened: where it stands, and its page when this user may see it."""
    name = f"Carry out the {term(decision.incident, 'review')}"
    advice = "Initiated following the panel's advice. " if decision.following_panel_advice else ""
    if review is None:
        # A review this user may not open still says when it is due; one the case joined says nothing here.
        own = getattr(decision, "review", None) if decision.joined_review_id is None else None
        due = own.completion_due_original() if own is not None else None
        hint = f"To be completed by {_on(due)}" if due else ""
        return _stage(name, NOT_YET_STARTED, f"{advice}{hint}".strip())
    if review.state == ReviewState.COMPLETED:
        return _stage(name, COMPLETED, f"{advice}Signed off on {_on(review.signed_off_on)}", href)
    completion_due = review.completion_due()
    due = f"To be completed by {_on(completion_due)}" if completion_due else "The review clock is stopped"
    if review.state == ReviewState.COMMISSIONING:
        return _stage(name, NOT_YET_STARTED, f"{advice}To be commissioned. {due}", href)
    return _stage(name, IN_PROGRESS, f"{advice}{review.get_state_display()}. {due}", href)


def _publication_stage(publication, href: str | None) -> Stage:
    """Publishing the completed review's final report (SPEC §4.5): where it stands."""
    name = "Publish the final report"
    state = publication.state
    if state == "awaiting_report":
        rule = record_clock("report_to_panel", publication).phrase
        return _stage(name, NOT_YET_STARTED, f"Send the final report to the panel {rule}", href)
    if state == "published":
        return _stage(name, COMPLETED, f"Published on {_on(publication.published_on)}", href)
    if state == "taken_down":
        hint = f"Published on {_on(publication.published_on)}; taken down on {_on(publication.taken_down_on)}"
        return _stage(name, COMPLETED, hint, href)
    if state == "withheld":
        regime = regime_of(publication)
        by = "after the panel's advice" if regime.panel_advises_on_publication else f"by the {regime.term('board')}"
        return _stage(name, ("Withheld", None), f"Not published, {by}", href)
    if state == "with_panel":
        submission = publication.submission if publication.submission_id else None
        if submission is None:  # the case's regime leaves the mode to the board, without the panel
            hint = f"The {term(publication, 'board')} proposes not to publish in full"
        elif submission.state == SubmissionState.WITHDRAWN:
            hint = "The proposal not to publish in full was withdrawn: the report is to be published in full"
        elif submission.state == SubmissionState.DRAFT:
            hint = "A proposal not to publish in full is to be sent to the panel"
        elif submission.state == SubmissionState.CLOSED:
            outcome = outcome_words(submission.outcome, submission)
            hint = f"The panel has closed the proposal not to publish in full. Outcome: {outcome}"
        else:
            outcome = outcome_words(submission.outcome, submission)
            hint = f"A proposal not to publish in full is with the panel. Outcome: {outcome}"
        return _stage(name, IN_PROGRESS, hint, href)
    planned = publication.planned_publication_on
    hint = f"Report sent to the panel on {_on(publication.report_sent_on)}"
    return _stage(name, IN_PROGRESS, f"{hint}; publication planned for {_on(planned)}" if planned else hint, href)


def case_stages(
    incident,
    decisions: list,
    transitions_done: Iterable[str],
    links: dict[str, str],
    submission=None,
    submission_href: str | None = None,
    review=None,
    review_href: str | None = None,
    publication=None,
    publication_href: str | None = None,
) -> list[Stage]:
    """`decisions` oldest first; `transitions_done` the names in the case's timeline; `links` the
    transition pages this user can open now, by transition name; `submission` the case's latest
    submission to the panel, if any, and `submission_href` its page; `review` the case's local
    review that this user may see, if any, and `review_href` its page; `publication` that
    review's publication this user may see, if any, and `publication_href` its page."""
    state = incident.state
    words = incident.regime_rules.terms
    done = set(transitions_done)
    current = decisions[-1] if decisions else None
    over = state in (IncidentState.WITHDRAWN, IncidentState.CLOSED)
    stages = [
        _stage(
            "Log the serious incident notification",
            COMPLETED,
            f"Logged on {_on(timezone.localdate(incident.created_at))} by {incident.created_by.full_name}",
        )
    ]

    if incident.received_on:
        stages.append(
            _stage(
                "Record that the notification was received",
                COMPLETED,
                f"Received on {_on(incident.received_on)}; "
                f"{words['notified']} notified on {_on(incident.ofsted_notified_on)}",
            )
        )
    else:
        status = NOT_DONE if over else NOT_YET_STARTED
        stages.append(_stage("Record that the notification was received", status, href=links.get("notify")))

    subgroup = "Refer the case to the case review sub-group"
    if "refer_to_subgroup" in done:
        stages.append(_stage(subgroup, COMPLETED))
    elif state == IncidentState.DRAFT:
        stages.append(_stage(subgroup, CANNOT_START, "Optional. Record the notification first"))
    elif state == IncidentState.NOTIFIED:
        hint = f"Optional: the {words['chair']} can decide without a referral"
        stages.append(_stage(subgroup, NOT_YET_STARTED, hint, links.get("refer_to_subgroup")))
    else:
        stages.append(_stage(subgroup, NOT_DONE, "The case was not referred"))

    deciding = f"Decide whether to initiate a {words['review']}"
    if state in (IncidentState.DECIDED, IncidentState.CLOSED) and current:
        decided = decision_words(current.decision, incident)
        stages.append(_stage(deciding, COMPLETED, f"{decided} on {_on(current.decided_on)}"))
    elif state in (IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION):
        if current:
            hint = f"Reopened after the decision of {_on(current.decided_on)}"
            stages.append(_stage(deciding, INCOMPLETE, hint, links.get("record_decision")))
        else:
            only = f"Only the {words['chair']} records it"
            stages.append(_stage(deciding, NOT_YET_STARTED, only, links.get("record_decision")))
    elif state == IncidentState.DRAFT:
        stages.append(_stage(deciding, CANNOT_START, "Record the notification first"))
    else:
        stages.append(_stage(deciding, NOT_DONE))

    reviewing = current and state == IncidentState.DECIDED and current.decision == DecisionKind.INITIATE_SCR
    # A submission shows while it is the current decision's, or once sent (its advice is the case's history).
    if submission is not None and (submission.first_submitted_on or (current and submission.decision_id == current.pk)):
        stages.append(_submission_stage(incident, submission, submission_href, current))
        if reviewing:
            stages.append(_review_stage(current, review, review_href))
    elif current and state == IncidentState.DECIDED and current.decision == DecisionKind.NOT_INITIATE:
        # The decision's submission, once opened, holds the clock (a missing reverse one-to-one is an AttributeError).
        opened = getattr(current, "submission", None)
        due = opened.send_to_panel_due() if opened is not None else None
        hint = f"Due by {_on(due)}" if due else ""
        stages.append(_stage(f"Send the case to the {words['panel']}", NOT_YET_STARTED, hint))
    elif reviewing:
        stages.append(_review_stage(current, review, review_href))
    elif over:
        stages.append(_stage("Send to the panel, or carry out the review", NOT_DONE, f"The case is {state}"))
    else:
        hint = "Which one depends on the decision"
        stages.append(_stage("Send to the panel, or carry out the review", CANNOT_START, hint))
    if publication is not None:
        stages.append(_publication_stage(publication, publication_href))
    return stages
