"""One board's records in the states the access matrix and the canary scan need (SECURITY rows 1, 3, 9).

`board_world(chair, staff, secretariat, mark)` builds, through the services users go through, a
board's cases in several states, a decision and its submissions, a running review with a
contribution, recommendation, action and document, a completed review whose publication is with the
panel, a panel meeting, an import run, a report job, a calendar feed and an API token. Every free
text typed into them carries `mark`, so that a response can be searched for another board's records.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tokens import token_create
from imports.fictional import fictional_rows
from imports.services import import_run_create
from imports.spreadsheets import csv_bytes
from incidents.choices import IncidentState
from incidents.services import incident_refer_to_subgroup, incident_withdraw
from panel.services import submission_update_note
from reminders.services import calendar_feed_create
from reports.models import ReportKind
from reports.services import job_create
from reviews import documents
from reviews.choices import DecisionKind
from reviews.models import DocumentKind, Theme
from reviews.services import (
    action_add,
    contribution_request,
    recommendation_add,
    review_begin_drafting,
    review_start,
    review_update_terms,
)
from tests.factories import StaffFactory
from tests.workflow import case_in, decide, meeting_arranged, notified, proposed, submission_of, submit

TODAY = date(2015, 11, 2)  # every record below is dated on or before it
MEETS_ON = date(2015, 11, 20)


@dataclass
class World:
    board: object
    chair: object
    staff: object
    mark: str
    cases: dict = field(default_factory=dict)  # state -> Incident
    objects: dict = field(default_factory=dict)  # label -> record
    calendar_token: str = ""


def _text(mark: str, what: str) -> str:
    return f"{what} {mark}"


def board_world(chair, staff, secretariat, mark: str, *, meeting: bool = True) -> World:
    from tests.reviews.test_documents import ODT

    world = World(board=chair.board, chair=chair, staff=staff, mark=mark)
    sin = {
        "child_pseudonym": _text(mark, "Child"),
        "outline": _text(mark, "A fictional outline,"),
        "regulation_5": ["abuse_or_neglect", "child_died"],
    }
    for state in (IncidentState.DRAFT, IncidentState.NOTIFIED, IncidentState.DECIDED, IncidentState.CLOSED):
        world.cases[state] = case_in(state, chair, **sin)
    considered = notified(chair, **sin)
    world.cases[IncidentState.UNDER_CONSIDERATION] = incident_refer_to_subgroup(
        actor=chair, incident_id=considered.pk, event_date=date(2015, 1, 12), comment=_text(mark, "Sub-group,")
    )
    withdrawn = notified(chair, **sin)
    world.cases[IncidentState.WITHDRAWN] = incident_withdraw(
        actor=chair, incident_id=withdrawn.pk, event_date=date(2015, 1, 12), reason=_text(mark, "Duplicate,")
    )
    decided = world.cases[IncidentState.DECIDED]
    world.objects["decision"] = decided.decisions.get()
    world.objects["draft_submission"] = submission_update_note(
        actor=chair, submission_id=submission_of(decided).pk, covering_note=_text(mark, "Covering note,")
    )
    # A case whose non-initiation notice is with the panel: the panel reads it and what it links to.
    sent = notified(chair, **sin)
    decide(chair, sent)
    submission = submission_update_note(
        actor=chair, submission_id=submission_of(sent).pk, covering_note=_text(mark, "Covering note,")
    )
    world.cases["sent"] = sent
    world.objects["sent_submission"] = submit(chair, sent)
    world.objects["sent_decision"] = submission.decision
    # The closed case's submission has the panel's advice.
    world.objects["advised_submission"] = submission_of(world.cases[IncidentState.CLOSED])

    world.objects["review"] = review = _running_review(chair, staff, mark, sin)
    world.objects["review_decision"] = review.decision
    world.objects["contribution"] = review.contributions.get()
    world.objects["recommendation"] = recommendation = review.recommendations.get()
    world.objects["action"] = recommendation.actions.get()
    world.cases["review"] = review.decision.incident
    world.objects["document"] = documents.document_upload(
        actor=staff,
        review_id=review.pk,
        kind=DocumentKind.TERMS_OF_REFERENCE,
        title=_text(mark, "Terms of reference,"),
        uploaded_file=SimpleUploadedFile("terms.odt", ODT),
    )
    publication = proposed(chair, **sin)
    world.objects["publication"] = publication
    world.objects["publication_submission"] = publication.submission
    world.objects["completed_review"] = publication.review
    world.cases["published"] = publication.review.decision.incident
    if meeting:
        world.objects["meeting"] = meeting_arranged(secretariat, MEETS_ON, minutes=_text(mark, "Minutes,"))

    table = fictional_rows(2, board_code=chair.board.code)
    world.objects["import_run"] = import_run_create(
        actor=chair, board=chair.board, file_name="history.csv", content=csv_bytes(table)
    )
    world.objects["job"] = job_create(
        user=staff, kind=ReportKind.CASE_CHRONOLOGY, parameters={"incident": str(decided.public_id)}
    )
    world.objects["api_token"], _ = token_create(user=staff, name=_text(mark, "Nightly export,"))
    world.calendar_token = calendar_feed_create(user=staff)
    world.objects["colleague"] = StaffFactory(
        board=chair.board,
        email=f"colleague.{chair.board.code.lower()}@test.example",
        full_name=_text(mark, "Colleague"),
    )
    return world


def _running_review(chair, staff, mark, sin):
    """A Serious Case Review being drafted, with a contribution, a recommendation and an action."""
    review = decide(chair, notified(chair, **sin), decision=DecisionKind.INITIATE_SCR).review
    review_start(
        actor=chair,
        review_id=review.pk,
        event_date=date(2015, 2, 10),
        methodology="silp",
        lead_reviewer=_text(mark, "A. Reviewer"),
    )
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 5, 1))
    review_update_terms(
        actor=chair,
        review_id=review.pk,
        terms_of_reference=_text(mark, "Terms,"),
        scope_from=date(2014, 1, 1),
        scope_to=date(2014, 12, 31),
        independence_statement=_text(mark, "Independent of every agency,"),
    )
    contribution_request(
        actor=chair,
        review_id=review.pk,
        agency="health",
        agency_name=_text(mark, "Hospitals Trust"),
        author=_text(mark, "Named nurse"),
        requested_on=date(2015, 5, 4),
        due_on=date(2015, 6, 4),
    )
    recommendation = recommendation_add(
        actor=chair,
        review_id=review.pk,
        text=_text(mark, "Health visitors should see the child,"),
        addressed_to="practitioners",
        theme_ids=[Theme.objects.first().pk],
    )
    action_add(
        actor=chair,
        recommendation_id=recommendation.pk,
        description=_text(mark, "Audit home visits,"),
        owner_agency="health",
        owner_person=_text(mark, "Head of visiting"),
        due_on=date(2015, 12, 30),
    )
    return type(review).objects.get(pk=review.pk)
