"""One board's records in the states the access matrix and the canary scan need (SECURITY rows 1, 3, 9).

`board_world(chair, staff, secretariat, mark)` builds, through the services users go through, a
board's cases in several states, a decision and its submissions, a running review with a
contribution, recommendation, action and document, a completed review whose publication is with the
panel, a panel meeting, an import run, a report job, a calendar feed and an API token. Every free
text typed into them carries a canary, so that a response can be searched for a board's records:
`mark` in what reaches the national panel (through a sent submission, an initiation notice or a final
report), `hidden` in what the panel must not read (SPEC §2, decision 0026), `people` in the names of
the board's people (which the administrator manages, and no other board or the panel reads).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp_webauthn.models import WebAuthnCredential

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


# What a row of the access matrix may name as its `target` (see `World` and tests/scr_tracker/matrix.py).
TARGETS = (
    *(f"case:{state}" for state in ("draft", "notified", "under_consideration", "withdrawn", "decided", "closed")),
    "case:sent",  # its non-initiation notice is with the panel
    "case:review",  # its Serious Case Review is being drafted
    "case:published",  # its review is completed and the publication proposed to the panel
    "decision",
    "sent_decision",
    "review_decision",
    "draft_submission",
    "sent_submission",
    "advised_submission",
    "publication_submission",
    "review",
    "completed_review",
    "contribution",
    "recommendation",
    "action",
    "document",
    "publication",
    "meeting",
    "import_run",
    "job",  # staff_a's
    "api_token",  # staff_a's
    "passkey",  # staff_a's
    "colleague",  # another member of the board's staff
    "board",
    "calendar",  # staff_a's calendar feed
)


@dataclass
class World:
    board: object
    chair: object
    staff: object
    mark: str
    hidden: str
    people: str
    cases: dict = field(default_factory=dict)  # state -> Incident
    objects: dict = field(default_factory=dict)  # label -> record
    calendar_token: str = ""


def _text(mark: str, what: str) -> str:
    return f"{what} {mark}"


def board_world(chair, staff, secretariat, mark: str, *, meeting: bool = True) -> World:
    from tests.reviews.test_documents import ODT

    hidden = mark.replace("CANARY", "SECRET")
    people = mark.replace("CANARY", "PERSON")
    world = World(board=chair.board, chair=chair, staff=staff, mark=mark, hidden=hidden, people=people)
    sin = _sin(mark)
    for state in (IncidentState.DRAFT, IncidentState.NOTIFIED, IncidentState.DECIDED):
        world.cases[state] = case_in(state, chair, **_sin(hidden))
    world.cases[IncidentState.CLOSED] = case_in(IncidentState.CLOSED, chair, **sin)  # its submission was sent
    considered = notified(chair, **_sin(hidden))
    world.cases[IncidentState.UNDER_CONSIDERATION] = incident_refer_to_subgroup(
        actor=chair, incident_id=considered.pk, event_date=date(2015, 1, 12), comment=_text(hidden, "Sub-group,")
    )
    withdrawn = notified(chair, **_sin(hidden))
    world.cases[IncidentState.WITHDRAWN] = incident_withdraw(
        actor=chair, incident_id=withdrawn.pk, event_date=date(2015, 1, 12), reason=_text(hidden, "Duplicate,")
    )
    decided = world.cases[IncidentState.DECIDED]
    world.objects["decision"] = decided.decisions.get()
    world.objects["draft_submission"] = submission_update_note(
        actor=chair, submission_id=submission_of(decided).pk, covering_note=_text(hidden, "Covering note,")
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

    world.objects["review"] = review = _running_review(chair, staff, mark, hidden, sin)
    world.objects["review_decision"] = review.decision
    world.objects["contribution"] = review.contributions.get()
    world.objects["recommendation"] = recommendation = review.recommendations.get()
    world.objects["action"] = recommendation.actions.get()
    world.cases["review"] = review.decision.incident
    world.objects["document"] = documents.document_upload(
        actor=staff,
        review_id=review.pk,
        kind=DocumentKind.TERMS_OF_REFERENCE,
        title=_text(hidden, "Terms of reference,"),
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
    world.objects["api_token"], _ = token_create(user=staff, name=_text(hidden, "Nightly export,"))
    world.objects["passkey"] = WebAuthnCredential.objects.create(
        user=staff, name="Work laptop", credential_id=b"matrix-" + chair.board.code.encode(), public_key=b"-"
    )
    world.calendar_token = calendar_feed_create(user=staff)
    world.objects["colleague"] = StaffFactory(
        board=chair.board,
        email=f"colleague.{chair.board.code.lower()}@test.example",
        full_name=_text(people, "Colleague"),
    )
    return world


def _sin(mark: str) -> dict:
    return {
        "child_pseudonym": _text(mark, "Child"),
        "outline": _text(mark, "A fictional outline,"),
        "regulation_5": ["abuse_or_neglect", "child_died"],
    }


def _running_review(chair, staff, mark, hidden, sin):
    """A Serious Case Review being drafted, with a contribution, a recommendation and an action: the
    review reaches the panel as its initiation notice, its parts only with the final report."""
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
        agency_name=_text(hidden, "Hospitals Trust"),
        author=_text(hidden, "Named nurse"),
        requested_on=date(2015, 5, 4),
        due_on=date(2015, 6, 4),
    )
    recommendation = recommendation_add(
        actor=chair,
        review_id=review.pk,
        text=_text(hidden, "Health visitors should see the child,"),
        addressed_to="practitioners",
        theme_ids=[Theme.objects.first().pk],
    )
    action_add(
        actor=chair,
        recommendation_id=recommendation.pk,
        description=_text(hidden, "Audit home visits,"),
        owner_agency="health",
        owner_person=_text(hidden, "Head of visiting"),
        due_on=date(2015, 12, 30),
    )
    return type(review).objects.get(pk=review.pk)
