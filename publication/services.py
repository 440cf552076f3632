"""Every write of publication: opening it at sign-off, its transitions, the planned date while the
report is awaited, and the board's record of its written response and the NSPCC repository deposit
(SPEC §4.5)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEntry
from panel.choices import SubmissionKind
from panel.models import PanelSubmission
from scr_tracker.clock_rows import clock_rows_sync, due_of
from scr_tracker.transitions import EventFloor, InvalidInput, NotAllowedInState, RoleNotPermitted, transition_run

from .choices import PROPOSED_MODES, PublicationMode, PublicationState
from .models import Publication
from .selectors import publications_for_user


def publication_open_for_review(review) -> Publication:
    """A review signed off opens its publication, waiting for the final report to go to the panel."""
    return Publication.objects.create(review=review)


def _on(d: date) -> str:
    return f"{d:%-d %B %Y}"


def earliest_publication_on(publication: Publication) -> date | None:
    """The first day the report may be published: the `report_to_panel` rule (counted back
    from publication) read the other way round, from the day the report reached the panel."""
    if publication.report_sent_on is None:
        return None
    rule = publication.regime.rules.get("report_to_panel")
    return rule.reverse(publication.report_sent_on) if rule else None


def earliest_take_down_on(publication: Publication) -> date | None:
    """The first day a published report may come down: once the `online_period` clock is met."""
    if publication.published_on is None:
        return None
    return due_of(publication, "online_period")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, field: str, message: str) -> dict[str, list[str]]:
    return {} if _text(value) else {field: [message]}


def _report_rule(publication: Publication) -> str:
    """The report_to_panel rule in words, in the case's regime."""
    return publication.regime.clock("report_to_panel").duration


def _planned_errors(publication: Publication, planned: date | None, event_date: date | None, field: str) -> dict:
    """A planned publication date leaves the panel the `report_to_panel` notice with the report."""
    if planned is None:
        return {}
    sent_on = publication.report_sent_on or event_date
    if sent_on is None:
        return {}
    rule = publication.regime.rules.get("report_to_panel")
    earliest = rule.reverse(sent_on) if rule else sent_on
    if planned < earliest:
        return {
            field: [
                f"The final report must reach the panel at least {_report_rule(publication)} publication: "
                f"plan publication for {_on(earliest)} or later"
            ]
        }
    return {}


def _after_sign_off(publication: Publication) -> list[EventFloor]:
    return [EventFloor(publication.review.signed_off_on, "The report cannot be sent before the review was signed off")]


def publication_send_report(
    *, actor, publication_id: int, event_date: date | None, planned_publication_on: date | None = None
) -> Publication:
    """The final report goes to the national panel on `event_date` (`report_sent_on`), with the planned
    publication date when it is known (no sooner than the `report_to_panel` notice allows)."""
    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="send_report",
        actor=actor,
        event_date=event_date,
        floors=_after_sign_off,
        validate=lambda p: _planned_errors(p, planned_publication_on, event_date, "planned_publication_on"),
        kwargs={"on": event_date, "planned_publication_on": planned_publication_on},
    )


def publication_propose(
    *,
    actor,
    publication_id: int,
    event_date: date | None,
    mode: str | None,
    reasons: str,
    independent_advice: str,
) -> Publication:
    """The chair proposes publishing other than in full (anonymised, a summary only, or not at all),
    with the reasons and the independent advice that publication would put specific individuals at
    serious risk. Where the case's regime has the panel advise on publication, this opens a non-publication
    submission to the panel, in draft, for the board to send; elsewhere the board publishes or withholds next."""

    def validate(publication):
        errors: dict[str, list[str]] = {}
        if mode not in PROPOSED_MODES:
            errors["mode"] = ["Select how the board proposes to publish (anything but in full)"]
        errors.update(_required(reasons, "reasons", "Give the board's reasons for not publishing in full"))
        errors.update(
            _required(
                independent_advice,
                "independent_advice",
                "Give the independent advice that publication would put specific individuals at serious risk",
            )
        )
        return errors

    def before(publication):
        # Where the partners decide the mode themselves, no proposal goes to the panel.
        if publication.regime.panel_advises_on_publication:
            publication.submission = PanelSubmission.objects.create(
                board_id=publication.review.board_id, kind=SubmissionKind.NON_PUBLICATION
            )

    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="propose",
        actor=actor,
        event_date=event_date,
        reason=f"Proposed: {PublicationMode(mode).label}" if mode in PROPOSED_MODES else "",
        validate=validate,
        before=before,
        kwargs={"mode": mode, "reasons": _text(reasons), "independent_advice": _text(independent_advice)},
    )


def _after_outcome(publication: Publication) -> list[EventFloor]:
    """From the panel, nothing happens before the outcome it waits for was recorded."""
    if publication.state != PublicationState.WITH_PANEL or publication.submission_id is None:
        return []
    latest = publication.submission.events.order_by("-event_date").values_list("event_date", flat=True).first()
    return [EventFloor(latest, "The date cannot be before the panel's latest advice or the board's response")]


def publication_schedule(
    *, actor, publication_id: int, event_date: date | None, planned_publication_on: date | None
) -> Publication:
    """Set the publication date: the `report_to_panel` notice or more after the report reached the panel."""

    def validate(publication):
        if planned_publication_on is None:
            return {"planned_publication_on": ["Enter the planned publication date"]}
        if event_date and planned_publication_on < event_date:
            return {"planned_publication_on": ["The planned publication date cannot be before today's decision"]}
        return _planned_errors(publication, planned_publication_on, event_date, "planned_publication_on")

    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="schedule",
        actor=actor,
        event_date=event_date,
        floors=_after_outcome,
        validate=validate,
        kwargs={"planned_publication_on": planned_publication_on},
    )


def _url_errors(url: str | None) -> dict[str, list[str]]:
    value = _text(url)
    if not value:
        return {"url": ["Enter the web address where the report is published"]}
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        return {"url": ["Enter a web address starting https://, like https://www.example.org/report"]}
    if len(value) > Publication._meta.get_field("url").max_length:
        return {"url": ["The web address must be 500 characters or fewer"]}
    return {}


def _publish_floors(publication: Publication) -> list[EventFloor]:
    earliest = earliest_publication_on(publication)
    return [
        EventFloor(
            earliest,
            f"The final report must reach the panel at least {_report_rule(publication)} publication: "
            "publish on or after {date}",
        ),
        *_after_outcome(publication),
    ]


def publication_publish(*, actor, publication_id: int, event_date: date | None, url: str) -> Publication:
    """The report is online at `url` from `event_date` (`published_on`), no sooner than the
    `report_to_panel` notice after it reached the panel, in the mode the panel's outcome allows."""
    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="publish",
        actor=actor,
        event_date=event_date,
        floors=_publish_floors,
        validate=lambda p: _url_errors(url),
        kwargs={"on": event_date, "url": _text(url)},
    )


def publication_withhold(*, actor, publication_id: int, event_date: date | None, reason: str) -> Publication:
    """The report is not published: the panel agreed not to publish, or the board did not accept its advice."""
    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="withhold",
        actor=actor,
        event_date=event_date,
        reason=_text(reason),
        floors=_after_outcome,
        validate=lambda p: _required(reason, "reason", "Enter the reason the report is withheld"),
    )


def publication_take_down(*, actor, publication_id: int, event_date: date | None, reason: str = "") -> Publication:
    """The report comes down on `event_date`: no sooner than its `online_period` clock allows."""

    def floors(publication):
        return [
            EventFloor(
                earliest_take_down_on(publication),
                f"The report must stay online for at least {publication.regime.clock('online_period').length()}: "
                "it can come down on or after {date}",
            )
        ]

    return transition_run(
        queryset=publications_for_user(actor),
        pk=publication_id,
        name="take_down",
        actor=actor,
        event_date=event_date,
        reason=_text(reason),
        floors=floors,
        kwargs={"on": event_date},
    )


def publication_record(
    *, actor, publication_id: int, board_response: str, nspcc_deposited_on: date | None
) -> Publication:
    """The board's written response to the report, and the date it was deposited in the NSPCC repository."""
    with transaction.atomic():
        publication = publications_for_user(actor).select_for_update(of=("self",)).filter(pk=publication_id).first()
        if publication is None:
            raise Http404("Not found")
        if not actor.is_board_user:
            raise RoleNotPermitted("Only the board records its response and the NSPCC deposit")
        errors: dict[str, list[str]] = {}
        if nspcc_deposited_on is not None:
            if publication.published_on is None:
                errors["nspcc_deposited_on"] = ["The report can be deposited once it has been published"]
            elif nspcc_deposited_on > timezone.localdate():
                errors["nspcc_deposited_on"] = ["The date must be today or in the past"]
            elif nspcc_deposited_on < publication.published_on:
                errors["nspcc_deposited_on"] = [
                    f"The deposit cannot be before the report was published ({_on(publication.published_on)})"
                ]
        if errors:
            raise InvalidInput(errors)
        publication.board_response = _text(board_response)
        publication.nspcc_deposited_on = nspcc_deposited_on
        publication.save(update_fields=["board_response", "nspcc_deposited_on"])
    return publication


PLAN_TRANSITION = "plan"


def publication_plan(*, actor, publication_id: int, planned_publication_on: date | None) -> Publication:
    """Plan the publication date while the final report is awaited (board users).

    The `report_to_panel` clock (SPEC §3) starts when a planned date is set and is due by the regime's
    rule before it; `send_report` and `schedule` set the date later in the workflow, and only this lets the
    board set it first, so that the clock, its reminders and the case's next deadline can run.
    Once the report is sent the date moves only by scheduling (409 here). The change is audited on
    the publication, the earlier date kept in its history.
    """
    with transaction.atomic():
        publication = publications_for_user(actor).select_for_update(of=("self",)).filter(pk=publication_id).first()
        if publication is None:
            raise Http404("Not found")
        if not actor.is_board_user:
            raise RoleNotPermitted("Only the board plans its publication")
        if publication.state != PublicationState.AWAITING_REPORT:
            raise NotAllowedInState(PLAN_TRANSITION, publication.state, [PublicationState.AWAITING_REPORT])
        today = timezone.localdate()
        if planned_publication_on is None:
            raise InvalidInput({"planned_publication_on": ["Enter the planned publication date"]})
        # The rule `send_report` applies: the report, not sent yet, reaches the panel today at the soonest.
        errors = _planned_errors(publication, planned_publication_on, today, "planned_publication_on")
        if errors:
            raise InvalidInput(errors)
        before = publication.planned_publication_on
        if before == planned_publication_on:
            return publication
        publication.planned_publication_on = planned_publication_on
        publication._change_reason = "Planned publication date"
        publication.save(update_fields=["planned_publication_on"])
        clock_rows_sync(publication)  # the report-to-panel clock starts or moves with the planned date
        AuditEntry.objects.create(
            record=publication,
            board_id=publication.review.board_id,
            transition=PLAN_TRANSITION,
            from_state=publication.state,
            to_state=publication.state,
            event_date=today,
            actor=actor,
            actor_role=actor.role,
            reason=(
                f"Planned for {_on(planned_publication_on)}"
                + (f" (was {_on(before)})" if before else "")
                + f": the final report is due with the panel by {_on(publication.report_to_panel_due())}"
            ),
        )
    return publication
