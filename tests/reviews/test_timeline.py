"""The review's timeline (issue 17): besides the review's own changes, each part as it was recorded (an agency
contribution requested and received, a recommendation added, an action added, a document uploaded), and its
parts' audited changes (an action's status, a withdrawal), each dated, attributed and in one sentence, in the
order things happened; what the reader may read, in a fixed number of queries; and in the case chronology."""

import html
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ReportKind
from reviews import documents
from reviews.models import DocumentKind
from reviews.services import (
    action_add,
    action_begin,
    action_withdraw,
    contribution_receive,
    contribution_request,
    document_withdraw,
    recommendation_add,
    review_begin_drafting,
    review_start,
)
from reviews.timeline import review_timeline_rows
from scr_tracker.notes import note_add
from tests.incidents.test_pages import date_fields
from tests.reports.test_pdf import make, pdf_text
from tests.reviews.test_documents import PDF
from tests.reviews.test_pages import themes
from tests.workflow import decide, final_report_reached_panel, notified

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    return settings.PRIVATE_DOCUMENTS_ROOT


def on(day: int, month: int = 2):
    """Record what follows at noon on that day of 2015 (its recorded time and 'today')."""
    return time_machine.travel(datetime(2015, month, day, 12, 0, tzinfo=LONDON), tick=False)


def page_url(review) -> str:
    return reverse("reviews:review", args=[review.public_id])


def timeline(page: str) -> str:
    """The timeline's table, and nothing after it."""
    text = page[page.index('id="timeline"') :]
    return text[: text.index("</table>")]


def cells(page: str) -> list[list[str]]:
    """Each row of the timeline as the text of its cells."""
    body = timeline(page).split("<tbody", 1)[1]
    rows = []
    for row in body.split('<tr class="govuk-table__row">')[1:]:
        found = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in found])
    return rows


def upload(actor, review, kind=DocumentKind.TERMS_OF_REFERENCE, title="Terms of reference, agreed"):
    return documents.document_upload(
        actor=actor,
        review_id=review.pk,
        kind=kind,
        title=title,
        uploaded_file=SimpleUploadedFile("terms.pdf", PDF, content_type="application/pdf"),
    )


def a_review(chair):
    with on(9):
        review = decide(chair, notified(chair), decision="initiate_scr", decided_on=date(2015, 2, 2)).review
    with on(10):
        return review_start(
            actor=chair,
            review_id=review.pk,
            event_date=date(2015, 2, 10),
            methodology="silp",
            lead_reviewer="A. Reviewer (fictional)",
        )


def a_contribution(actor, review, agency_name="Fictional Constabulary", requested_on=date(2015, 2, 11)):
    return contribution_request(
        actor=actor,
        review_id=review.pk,
        agency="police",
        agency_name=agency_name,
        requested_on=requested_on,
        due_on=date(2015, 3, 20),
    )


def a_recommendation(actor, review):
    return recommendation_add(
        actor=actor,
        review_id=review.pk,
        text="Fictional: share records at the strategy discussion.",
        addressed_to="practitioners",
        theme_ids=[theme.pk for theme in themes()],
    )


def an_action(actor, recommendation, description="Fictional: train health visitors."):
    return action_add(
        actor=actor,
        recommendation_id=recommendation.pk,
        description=description,
        owner_agency="health",
        owner_person="Designated nurse",
        due_on=date(2015, 6, 30),
    )


@pytest.fixture
def worked(chair_a, staff_a):
    """A review worked on over February 2015 by its staff and its chair, each step recorded on its day."""
    review = a_review(chair_a)
    with on(12):
        contribution = a_contribution(staff_a, review)  # requested on the 11th, recorded the next day
    with on(16):
        document = upload(staff_a, review)
    with on(18):
        contribution_receive(actor=chair_a, contribution_id=contribution.pk, received_on=date(2015, 2, 17))
    with on(20):
        review_begin_drafting(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 20))
    with on(23):
        recommendation = a_recommendation(staff_a, review)
    with on(24):
        action = an_action(chair_a, recommendation)
    with on(26):
        action_begin(actor=staff_a, action_id=action.pk, event_date=date(2015, 2, 26))
    with on(27):
        note_add(
            actor=staff_a,
            queryset=review.__class__.objects.all(),
            pk=review.pk,
            kind="call",
            happened_on=date(2015, 2, 27),
            text="Fictional call with the lead reviewer.",
        )
    return {"review": review, "contribution": contribution, "document": document, "action": action}


# The date it happened, what happened (a state change on a second line), who in what role, when recorded.
EXPECTED = [
    ("10 Feb 2015", "Review commissioned Commissioning to In progress", "Chair of A Board chair", "10 Feb 2015, 12:00"),
    (
        "11 Feb 2015",
        "Agency contribution requested from Fictional Constabulary, due by 20 Mar 2015",
        "Staff of A Board staff",
        "12 Feb 2015, 12:00",
    ),
    (
        "16 Feb 2015",
        "Terms of reference uploaded: Terms of reference, agreed (PDF)",
        "Staff of A Board staff",
        "16 Feb 2015, 12:00",
    ),
    (
        "17 Feb 2015",
        "Agency contribution received from Fictional Constabulary",
        "Chair of A Board chair",
        "18 Feb 2015, 12:00",
    ),
    (
        "20 Feb 2015",
        "Drafting the overview report In progress to Drafting the report",
        "Chair of A Board chair",
        "20 Feb 2015, 12:00",
    ),
    (
        "23 Feb 2015",
        "Recommendation 1 added, addressed to practitioners",
        "Staff of A Board staff",
        "23 Feb 2015, 12:00",
    ),
    (
        "24 Feb 2015",
        "Action added to recommendation 1, owned by Designated nurse (Health) and due by 30 Jun 2015: "
        "Fictional: train health visitors.",
        "Chair of A Board chair",
        "24 Feb 2015, 12:00",
    ),
    (
        "26 Feb 2015",
        "Action of recommendation 1: Work started Open to In progress",
        "Staff of A Board staff",
        "26 Feb 2015, 12:00",
    ),
    ("27 Feb 2015", "Case note: phone call", "Staff of A Board staff", "27 Feb 2015, 12:00"),
]


def test_each_part_is_in_the_timeline_dated_attributed_in_words_and_in_date_order(client, sign_in, chair_a, worked):
    sign_in(chair_a)
    with on(2, 3):
        page = client.get(page_url(worked["review"])).text
    rows = cells(page)
    assert [tuple(row[:4]) for row in rows] == EXPECTED


def test_the_timeline_links_to_nothing_not_even_a_document(client, sign_in, chair_a, worked):
    sign_in(chair_a)
    page = client.get(page_url(worked["review"])).text
    download = reverse("documents:download", args=[worked["document"].public_id])
    assert download in page  # the documents list links to it
    assert "Terms of reference uploaded: Terms of reference, agreed (PDF)" in timeline(page)
    assert "<a " not in timeline(page) and download not in timeline(page)


def test_a_receipt_recorded_on_the_page_names_who_recorded_it(client, sign_in, chair_a, staff_a):
    review = a_review(chair_a)
    with on(12):
        contribution = a_contribution(chair_a, review)
    with on(18):
        sign_in(staff_a)
        url = reverse("reviews:contribution_receive", args=[contribution.public_id])
        assert client.post(url, date_fields("received_on", date(2015, 2, 17))).status_code == 302
        rows = cells(client.get(page_url(review)).text)
    assert ["17 Feb 2015", "Agency contribution received from Fictional Constabulary", "Staff of A Board staff"] in [
        row[:3] for row in rows
    ]


def test_withdrawn_parts_keep_their_entries_and_their_withdrawals_follow(client, sign_in, chair_a, worked):
    with on(28):
        document_withdraw(actor=chair_a, document_id=worked["document"].pk, reason="Fictional: the wrong case's")
        action_withdraw(actor=chair_a, action_id=worked["action"].pk, event_date=date(2015, 2, 28), reason="Twice")
    sign_in(chair_a)
    with on(2, 3):
        rows = cells(client.get(page_url(worked["review"])).text)
    what = [row[1] for row in rows]
    uploaded = what.index("Terms of reference uploaded: Terms of reference, agreed (PDF)")
    added = next(i for i, words in enumerate(what) if words.startswith("Action added to recommendation 1"))
    assert what[-2:] == [
        "Document withdrawn: Terms of reference, agreed Uploaded to Withdrawn",
        "Action withdrawn: Fictional: train health visitors. In progress to Withdrawn",
    ]
    assert uploaded < added < len(what) - 2
    # Withdrawn, they leave the page's lists (their entries are the audit trail's).
    with on(2, 3):
        page = client.get(page_url(worked["review"])).text
    assert "Fictional: train health visitors." not in page[: page.index('id="timeline"')]


@pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
def test_the_panel_reads_what_its_scope_allows_and_no_action_or_note(request, client, sign_in, worked, persona):
    """What the panel may read of a review the board told it of; another board's people read nothing of it."""
    with on(28):
        action_withdraw(
            actor=request.getfixturevalue("chair_a"),
            action_id=worked["action"].pk,
            event_date=date(2015, 2, 28),
            reason="Twice",
        )
    sign_in(request.getfixturevalue(persona))
    # Need to know (decision 0026): while the final report has not reached the panel, no part is in its timeline.
    what = [row[1] for row in cells(client.get(page_url(worked["review"])).text)]
    assert not [words for words in what if "contribution" in words or "Recommendation" in words or "upload" in words]
    final_report_reached_panel(worked["review"])
    page = client.get(page_url(worked["review"])).text
    what = [row[1] for row in cells(page)]
    assert "Agency contribution requested from Fictional Constabulary, due by 20 Mar 2015" in what
    assert "Agency contribution received from Fictional Constabulary" in what
    assert "Terms of reference uploaded: Terms of reference, agreed (PDF)" in what
    assert "Recommendation 1 added, addressed to practitioners" in what
    # Actions are the board's own work (the panel reads no action plan), and case notes its own log.
    assert not [words for words in what if "Action" in words or "Case note" in words]
    assert "Designated nurse" not in timeline(page) and "Twice" not in timeline(page)
    assert not [
        row
        for row in review_timeline_rows(worked["review"], reader=request.getfixturevalue(persona))
        if row.what.startswith("Action") or row.subject.startswith("Action")
    ]
    for other_board in ("chair_b", "staff_b"):
        sign_in(request.getfixturevalue(other_board))
        assert client.get(page_url(worked["review"])).status_code == 404


def _grown(chair, staff, review, n: int) -> None:
    """n of each part: contributions received, recommendations with an action begun, documents."""
    for i in range(n):
        with on(12):
            contribution = a_contribution(staff, review, agency_name=f"Fictional agency {i}")
            upload(staff, review, title=f"Fictional document {i}")
        with on(18):
            contribution_receive(actor=chair, contribution_id=contribution.pk, received_on=date(2015, 2, 17))
        with on(23):
            action = an_action(chair, a_recommendation(staff, review), description=f"Fictional action {i}")
        with on(26):
            action_begin(actor=staff, action_id=action.pk, event_date=date(2015, 2, 26))


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize(("persona", "queries", "per_part"), [("chair_a", 22, 6), ("panel_member", 20, 4)])
def test_the_review_page_query_count_does_not_grow_with_its_timeline(
    request, client, sign_in, chair_a, staff_a, django_assert_max_num_queries, n, persona, queries, per_part
):
    review = a_review(chair_a)
    _grown(chair_a, staff_a, review, n)
    final_report_reached_panel(review)  # the panel reads the parts with the final report (decision 0026)
    sign_in(request.getfixturevalue(persona))
    # The review page's own (tests/reviews/test_pages.py, one more the first time in a process for the content
    # types) with, for the timeline, one read of each kind of part; the panel reads no actions, and no query.
    with on(2, 3), django_assert_max_num_queries(queries):
        page = client.get(page_url(review)).text
    # Commissioned, then each part: requested, received, uploaded, added (and for the board: its action added
    # and begun).
    assert len(cells(page)) == 1 + per_part * n


def test_the_case_chronology_shows_the_parts_as_recorded(chair_a, staff_a, worked, django_capture_on_commit_callbacks):
    incident = worked["review"].decision.incident
    with on(2, 3):
        job = make(
            chair_a,
            ReportKind.CASE_CHRONOLOGY,
            {"incident": str(incident.public_id)},
            django_capture_on_commit_callbacks,
        )
    text = " ".join(pdf_text(job)[0].split())
    for words in (
        "Agency contribution requested from Fictional Constabulary, due by 20 Mar 2015",
        "Agency contribution received from Fictional Constabulary",
        "Terms of reference uploaded: Terms of reference, agreed (PDF)",
        "Recommendation 1 added, addressed to practitioners",
        "Action added to recommendation 1, owned by Designated nurse (Health)",
    ):
        assert words in text, words
