"""What each PDF report is (SPEC §6): who may ask for it, what it is of and called, its template and its data.

Each kind resolves its subject through the same permission-checked selectors as the pages (another board's
case is a 404 when the report is asked for, again when it is made, and again when it is downloaded), then
gathers what the workflow recorded into a template context. Jobs are started and run in `reports.services`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Board
from accounts.selectors import board_for_user
from audit.models import NOTE, AuditEntry
from audit.timeline import timeline_rows
from incidents import selectors as incident_selectors
from incidents.choices import PostMortem
from incidents.models import Incident
from incidents.services import SIN_FIELDS
from incidents.words import clock_status_words, sin_rows
from incidents.words import clock_words as incident_clock_words
from incidents.words import state_words as incident_state_words
from incidents.words import transition_words as incident_transition_words
from panel import selectors as panel_selectors
from panel.services import submission_missing
from panel.words import event_value_words, submission_clock_words, submission_state_words, submission_transition_words
from reviews.choices import DecisionKind
from reviews.selectors import review_of_incident
from reviews.timeline import review_timeline_rows
from reviews.words import (
    decision_words,
    methodology_words,
    review_state_words,
    stop_reason_words,
)
from scr_tracker import clocks
from scr_tracker.regimes import regime_of
from scr_tracker.terms import capital, told_of_initiation

from .models import ReportJob, ReportKind
from .selectors import YEAR_MAX, YEAR_MIN, board_report, submission_incident

INCIDENT_CLOCKS = ("sin_notification", "initiation_decision", "rapid_review", "scr_completion")


@dataclass(frozen=True)
class Subject:
    """What a report is of: the record (for the access event), its board, and how it is named."""

    record: object
    board: Board | None
    reference: str
    title: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    template: str
    resolve: Callable[[object, dict], Subject]
    context: Callable[[Subject, object, date], dict]


# --- Small pieces ---------------------------------------------------------------------------------


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc


def clock_label(name: str, regime=None) -> str:
    """A clock's name with its rule, as `regime` (the case's) declares it."""
    if name in INCIDENT_CLOCKS:
        return incident_clock_words(name, regime)
    return submission_clock_words(name, regime)


def clock_rows(clock_list, regime=None) -> list[dict]:
    """Each clock in words, for a table: name, started, due, status, days left or late, in the
    words of `regime` (the case's)."""
    return [
        {
            "name": clock_label(clock.name, regime),
            "starts_on": clock.starts_on,
            "due": clock.due,
            "status": clock_status_words(clock.status),
            "missed": clock.status == clocks.MISSED,
            "days_remaining": clock.days_remaining,
            "days_late": clock.days_late,
        }
        for clock in clock_list
    ]


# --- Case chronology --------------------------------------------------------------------------------


def case_subject(user, parameters: dict) -> Subject:
    incident = incident_selectors.incident_for_user(user, _uuid_or_404(parameters.get("incident")))
    return Subject(incident, incident.board, incident.reference, f"Case chronology of {incident.reference}")


def _visible_submissions(user, decisions):
    submissions = [d.submission for d in decisions if getattr(d, "submission", None)]
    if not user.is_board_user:
        # The panel reads only what the board has sent it, as on the case page.
        submissions = [s for s in submissions if s.first_submitted_on]
    return submissions


def case_context(subject: Subject, user, today: date) -> dict:
    incident: Incident = subject.record
    decisions = incident_selectors.incident_decisions(incident)
    submissions = _visible_submissions(user, decisions)
    review = review_of_incident(user, incident)
    publication = getattr(review, "publication", None) if review else None
    if publication is not None and not user.is_board_user and publication.report_sent_on is None:
        publication = None  # the panel sees a publication once the final report is sent to it
    if publication is not None and publication.submission_id:
        submissions += _visible_submissions(user, [publication])  # a proposal not to publish in full

    regime = incident.regime_rules  # the case's own words (SPEC §10)
    panel, review_term = regime.term("panel"), regime.term("review")
    events: list[tuple[date, str]] = [
        (incident.incident_on, "Incident"),
        (incident.la_aware_on, "Local authority aware"),
        (incident.ofsted_notified_on, f"{capital(regime.term('notified'))} notified"),
        (incident.received_on, f"Serious incident notification received by the {regime.term('board_short')}"),
    ]
    if incident.post_mortem == PostMortem.COMPLETE:
        events.append((incident.post_mortem_on, "Post-mortem results known"))
    for decision in decisions:
        words = decision_words(decision.decision, regime)
        events.append((decision.subgroup_recommended_on, "Sub-group's recommendation made"))
        events.append(
            (
                decision.decided_on,
                f"Decision: {words}" + (" (following the panel's advice)" if decision.following_panel_advice else ""),
            )
        )
        if decision.decision == DecisionKind.INITIATE_SCR:
            events.append((decision.panel_notified_on, f"{capital(told_of_initiation(regime))} told of the initiation"))
    histories = []
    for submission in submissions:
        history = list(panel_selectors.submission_history(submission))
        rows = [{"event": event, "value": event_value_words(event.what, event.value)} for event in history]
        histories.append({"submission": submission, "history": history, "rows": rows})
        events.append((submission.first_submitted_on, f"Sent to the {panel}"))
        for row in rows:
            value = row["value"]
            events.append(
                (row["event"].event_date, f"{row['event'].get_what_display()}{': ' + value if value else ''}")
            )
    stops = []
    if review is not None:
        stops = list(review.stop_periods.order_by("stopped_on", "pk"))
        events.append((review.initiated_on, f"{capital(review_term)} initiated"))
        for stop in stops:
            events.append((stop.stopped_on, f"Review clock stopped: {stop_reason_words(stop.reason).lower()}"))
            events.append((stop.resumed_on, "Review clock resumed"))
        events.append((review.signed_off_on, "Review signed off"))
    if publication is not None:
        events.append((publication.report_sent_on, f"Final report sent to the {panel}"))
        events.append((publication.published_on, "Final report published"))
    if user.is_board_user:  # the board's own log of contacts, meetings and calls
        for record in (incident, review):
            for note in AuditEntry.objects.for_object(record).filter(transition=NOTE) if record else ():
                events.append((note.event_date, f"Case note ({note.get_note_kind_display().lower()}): {note.reason}"))
    chronology = sorted(((day, what) for day, what in events if day), key=lambda row: row[0])

    case_clocks = incident_selectors.incident_clocks(incident, decisions, today)
    for item in histories:
        # The current decision's clock is already among the case's: each clock is listed once.
        case_clocks += [
            clock
            for clock in panel_selectors.submission_clocks(item["submission"], today=today)
            if clock not in case_clocks
        ]

    audit = [
        ("Case", row)
        for row in timeline_rows(
            incident_selectors.incident_timeline(incident).readable_by(user),
            transition_words=incident_transition_words,
            state_words=incident_state_words,
        )
    ]
    for submission in submissions:
        audit += [
            ("Submission", row)
            for row in timeline_rows(
                panel_selectors.submission_timeline(submission),
                transition_words=submission_transition_words,
                state_words=submission_state_words,
            )
        ]
    if review is not None:
        audit += [("Review", row) for row in review_timeline_rows(review, reader=user)]
    audit.sort(key=lambda pair: (pair[1].recorded_at, pair[1].event_date))

    values = {field: getattr(incident, field) for field in SIN_FIELDS}
    values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
    return {
        "incident": incident,
        "state": incident_state_words(incident.state),
        "details": sin_rows(values, [*SIN_FIELDS, "received_on", "ofsted_notified_on"], regime),
        "chronology": chronology,
        "clocks": clock_rows(case_clocks, regime),
        "decisions": decisions,
        "histories": histories,
        "review": review,
        "review_state": review_state_words(review.state) if review else "",
        "methodology": methodology_words(review.methodology) if review and review.methodology else "",
        "stops": [{"stop": stop, "reason": stop_reason_words(stop.reason)} for stop in stops],
        "publication": publication,
        "audit": audit,
    }


# --- Panel submission pack ----------------------------------------------------------------------------


def submission_subject(user, parameters: dict) -> Subject:
    submission = panel_selectors.submission_for_user(user, _uuid_or_404(parameters.get("submission")))
    incident = submission_incident(submission)
    reference = incident.reference if incident else submission.board.code
    return Subject(submission, submission.board, reference, f"Panel submission pack for {reference}")


def submission_context(subject: Subject, user, today: date) -> dict:
    submission = subject.record
    decision = submission.decision
    incident = submission_incident(submission)
    history = list(panel_selectors.submission_history(submission))
    publication = getattr(submission, "publication", None)
    details = []
    if incident is not None:
        values = {field: getattr(incident, field) for field in SIN_FIELDS}
        values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
        details = sin_rows(values, [*SIN_FIELDS, "received_on", "ofsted_notified_on"], incident.regime_rules)
    return {
        "submission": submission,
        "state": submission_state_words(submission.state),
        "decision": decision,
        "incident": incident,
        "details": details,
        "history": [{"event": event, "value": event_value_words(event.what, event.value)} for event in history],
        "clocks": clock_rows(panel_selectors.submission_clocks(submission, today=today), regime_of(submission)),
        "missing": submission_missing(submission) if submission.state == "draft" else [],
        "publication": publication,
        "timeline": timeline_rows(
            panel_selectors.submission_timeline(submission),
            transition_words=submission_transition_words,
            state_words=submission_state_words,
        ),
    }


# --- Board annual report -----------------------------------------------------------------------------


def report_year(value) -> int:
    """The year a board report starts in (1 April to 31 March), or 404 for anything else."""
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("Not found")
    return year


def board_subject(user, parameters: dict) -> Subject:
    # The annual report includes the action plan, which is the board's own (as on the pages).
    if not user.is_board_user:
        raise Http404("Not found")
    board = board_for_user(user, str(parameters.get("board", "")))
    year = report_year(parameters.get("year"))
    return Subject(
        board,
        board,
        f"{board.code} {year}-{str(year + 1)[2:]}",
        f"Annual local review report {year} to {year + 1}",
        {"year": year},
    )


def board_context(subject: Subject, user, today: date) -> dict:
    return board_report(subject.board, subject.options["year"], today)


# --- National statistics ------------------------------------------------------------------------------


def _period(parameters: dict) -> tuple[date, date]:
    """The period asked for, as the statistics page sent it (YYYY-MM-DD, from no later than to), or 404."""
    try:
        start, end = date.fromisoformat(str(parameters.get("from"))), date.fromisoformat(str(parameters.get("to")))
    except ValueError as exc:
        raise Http404("Not found") from exc
    if start > end or start.year < YEAR_MIN or end.year > YEAR_MAX:
        raise Http404("Not found")
    return start, end


def statistics_subject(user, parameters: dict) -> Subject:
    """All boards' figures for the panel, a board's own for its chair and staff (as on the statistics page)."""
    from .statistics_views import statistics_scope

    try:
        board = statistics_scope(user)
    except PermissionDenied as exc:
        raise Http404("Not found") from exc
    start, end = _period(parameters)
    whose = board.code if board else "National"
    period = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    return Subject(
        None,
        board,
        f"{whose} statistics {start:%Y-%m-%d} to {end:%Y-%m-%d}",
        f"Statistics for {board.name}, {period}" if board else f"National statistics, {period}",
        {"from": start, "to": end},
    )


def statistics_context(subject: Subject, user, today: date) -> dict:
    from .charts import charts_for
    from .statistics import national_statistics
    from .statistics_views import figure_rows

    start, end = subject.options["from"], subject.options["to"]
    figures = national_statistics(date_from=start, date_to=end, board=subject.board)
    return {
        "board": subject.board,
        "statistics": figures,
        **figure_rows(figures),
        "charts": charts_for(date_from=start, date_to=end, board=subject.board, statistics=figures),
    }


# --- The registry ------------------------------------------------------------------------------------

SPECS: dict[str, ReportSpec] = {
    ReportKind.CASE_CHRONOLOGY: ReportSpec(
        ReportKind.CASE_CHRONOLOGY, "reports/pdf/case_chronology.html", case_subject, case_context
    ),
    ReportKind.SUBMISSION_PACK: ReportSpec(
        ReportKind.SUBMISSION_PACK, "reports/pdf/submission_pack.html", submission_subject, submission_context
    ),
    ReportKind.BOARD_ANNUAL: ReportSpec(
        ReportKind.BOARD_ANNUAL, "reports/pdf/board_annual.html", board_subject, board_context
    ),
    ReportKind.NATIONAL_STATISTICS: ReportSpec(
        ReportKind.NATIONAL_STATISTICS,
        "reports/pdf/national_statistics.html",
        statistics_subject,
        statistics_context,
    ),
}


def spec_for(kind: str) -> ReportSpec:
    try:
        return SPECS[kind]
    except KeyError as exc:
        raise Http404("No such report") from exc


def job_subject(job: ReportJob, user) -> Subject:
    """The job's subject, re-checked against the user's scope as it is now (404 if it has gone)."""
    if job.board_id is not None and user.is_board_user and job.board_id != user.board_id:
        raise Http404("Not found")
    return spec_for(job.kind).resolve(user, job.parameters)
