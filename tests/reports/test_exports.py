"""CSV and XLSX exports of the case list, action plan, submissions, reviews and publications lists:
the page's own filters and scope (another board's rows never appear; a list the user cannot see is a 404), every row
recorded as an export, a flat query count, and no cell a spreadsheet would run as a formula."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessEvent
from publication.services import publication_publish
from reports.exports import neutralise
from reviews.choices import DecisionKind
from reviews.models import Action
from reviews.services import action_add, review_resume_clock, review_stop_clock
from tests.reports.test_pdf import signed_off_review_with_actions
from tests.workflow import case_in, completed_review, decide, draft, notified, proposed, report_sent, submit

TODAY = date(2015, 11, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def export_url(name: str, fmt: str) -> str:
    return reverse("reports:export", args=[name, fmt])


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


# --- Filters and scope --------------------------------------------------------------------------------


def test_the_case_list_export_has_the_pages_rows_with_its_filters(client, sign_in, chair_a, chair_b):
    drafted = draft(chair_a)
    sent = notified(chair_a)
    foreign = notified(chair_b)
    sign_in(chair_a)

    rows = csv_rows(client.get(export_url("cases", "csv")))
    assert rows[0][:3] == ["Reference", "Board", "Child"]
    references = {row[0] for row in rows[1:]}
    assert references == {drafted.reference, sent.reference}
    assert foreign.reference not in references

    rows = csv_rows(client.get(export_url("cases", "csv"), {"state": "draft"}))
    assert [row[0] for row in rows[1:]] == [drafted.reference]
    # A bad filter is ignored, as on the page.
    rows = csv_rows(client.get(export_url("cases", "csv"), {"state": "nonsense", "q": sent.reference}))
    assert [row[0] for row in rows[1:]] == [sent.reference]


def test_the_case_list_page_links_to_its_exports_with_the_same_query(client, sign_in, chair_a):
    notified(chair_a)
    sign_in(chair_a)
    html = client.get(reverse("incidents:list"), {"state": "notified", "nature": "death"}).content.decode()
    assert f'{export_url("cases", "csv")}?state=notified&amp;nature=death">Download CSV' in html
    assert f'{export_url("cases", "xlsx")}?state=notified&amp;nature=death">Download XLSX' in html


def test_another_board_exports_only_its_own_rows(client, sign_in, chair_a, staff_b):
    notified(chair_a)
    mine = notified(staff_b)
    sign_in(staff_b)
    rows = csv_rows(client.get(export_url("cases", "csv")))
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert rows[1][1] == "BBB"


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("panel_member", "cases"),
        ("secretariat", "cases"),
        ("panel_member", "actions"),
        ("administrator", "cases"),
        ("administrator", "actions"),
        ("administrator", "submissions"),
        ("administrator", "reviews"),
        ("administrator", "publications"),
    ],
)
def test_a_list_the_user_cannot_see_cannot_be_exported(client, sign_in, request, persona, name, chair_a):
    notified(chair_a)
    sign_in(request.getfixturevalue(persona))
    for fmt in ("csv", "xlsx"):
        assert client.get(export_url(name, fmt)).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_no_such_export(client, sign_in, chair_a):
    sign_in(chair_a)
    assert client.get("/reports/exports/users.csv").status_code == 404
    assert client.get("/reports/exports/cases.pdf").status_code == 404


def test_the_panel_exports_only_submissions_boards_have_sent(client, sign_in, chair_a, chair_b, panel_member):
    unsent = case_in("decided", chair_a)
    sent = notified(chair_b)
    decide(chair_b, sent)
    submit(chair_b, sent)
    sign_in(panel_member)
    rows = xlsx_rows(client.get(export_url("submissions", "xlsx")))
    assert rows[0][:3] == ("Case", "Board", "Kind")
    assert [row[0] for row in rows[1:]] == [sent.reference]
    assert unsent.reference not in str(rows)
    assert rows[1][4] == date(2015, 2, 3) or rows[1][4].date() == date(2015, 2, 3)  # a real date cell

    filtered = xlsx_rows(client.get(export_url("submissions", "xlsx"), {"outcome": "agreed"}))
    assert filtered[1:] == []


def test_the_action_plan_export_honours_its_filters_and_the_board(client, sign_in, chair_a, chair_b):
    signed_off_review_with_actions(chair_a, recommendations=1, actions=3)
    signed_off_review_with_actions(chair_b, recommendations=1, actions=1)
    sign_in(chair_a)
    rows = csv_rows(client.get(export_url("actions", "csv")))
    assert rows[0] == [
        "Review",
        "Recommendation",
        "Action",
        "Owner agency",
        "Owner",
        "Created",
        "Due",
        "Status",
        "Completed",
        "Overdue",
    ]
    assert sorted(row[2] for row in rows[1:]) == [
        "Fictional action 1.1",
        "Fictional action 1.2",
        "Fictional action 1.3",
    ]
    completed = csv_rows(client.get(export_url("actions", "csv"), {"status": "completed"}))
    assert [(row[2], row[7], row[8]) for row in completed[1:]] == [("Fictional action 1.1", "Completed", "2015-09-20")]
    overdue = csv_rows(client.get(export_url("actions", "csv"), {"overdue": "yes"}))
    assert {row[9] for row in overdue[1:]} == {"Yes"} and len(overdue) == 3, overdue


# --- Access events and queries --------------------------------------------------------------------------


def test_every_exported_row_is_recorded_once(client, sign_in, chair_a):
    cases = [notified(chair_a) for _ in range(3)]
    sign_in(chair_a)
    response = client.get(export_url("cases", "xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="cases-2015-11-02.xlsx"'
    events = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    assert sorted(event.object_id for event in events) == sorted(case.pk for case in cases)
    assert {(event.user_id, event.board_id, event.user_role) for event in events} == {
        (chair_a.pk, chair_a.board_id, "board_chair")
    }


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("cases", "csv"), ("submissions", "xlsx"), ("actions", "csv"), ("reviews", "xlsx"), ("publications", "csv")],
)
def test_an_export_costs_the_same_queries_however_many_rows(client, sign_in, chair_a, name, fmt):
    sign_in(chair_a)
    counts = []
    for _ in range(2):
        for _ in range(3):
            incident = notified(chair_a)
            decide(chair_a, incident)
        signed_off_review_with_actions(chair_a, recommendations=2, actions=2)
        report_sent(chair_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(name, fmt)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Formula injection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_is_made_plain(start):
    assert neutralise(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_other_values_are_left_alone():
    assert neutralise("Fictional text = fine") == "Fictional text = fine"
    assert neutralise(-3) == -3 and neutralise(None) is None and neutralise(date(2015, 1, 1)) == date(2015, 1, 1)


def test_an_action_typed_as_a_formula_is_exported_as_text(client, sign_in, chair_a):
    review = signed_off_review_with_actions(chair_a, recommendations=1, actions=0)
    action_add(
        actor=chair_a,
        recommendation_id=review.recommendations.get().pk,
        description='=HYPERLINK("http://example.invalid","click")',
        owner_agency="police",
        owner_person="@lead+1",
        due_on=date(2015, 12, 1),
    )
    assert Action.objects.count() == 1
    sign_in(chair_a)

    row = csv_rows(client.get(export_url("actions", "csv")))[1]
    assert row[2] == '\'=HYPERLINK("http://example.invalid","click")' and row[4] == "'@lead+1"

    response = client.get(export_url("actions", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    description, owner = sheet.cell(row=2, column=3), sheet.cell(row=2, column=5)
    assert description.data_type == "s" and description.value.startswith("'=")
    assert owner.data_type == "s" and owner.value == "'@lead+1"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_proposal_not_to_publish_is_exported_with_its_case(client, sign_in, chair_a):
    publication = proposed(chair_a)
    sign_in(chair_a)
    rows = csv_rows(client.get(export_url("submissions", "csv"), {"state": "submitted"}))
    assert [(row[0], row[2]) for row in rows[1:]] == [
        (publication.review.decision.incident.reference, "Not to publish")
    ]


# --- Reviews and publications ------------------------------------------------------------------------


def test_the_reviews_export_shows_each_review_with_its_clock_and_only_the_boards_own(client, sign_in, chair_a, chair_b):
    open_review = decide(chair_a, notified(chair_a), decision=DecisionKind.INITIATE_SCR).review
    review_stop_clock(
        actor=chair_a, review_id=open_review.pk, event_date=date(2015, 3, 2), reason="parallel_criminal_proceedings"
    )
    review_resume_clock(actor=chair_a, review_id=open_review.pk, event_date=date(2015, 3, 12))
    done = completed_review(chair_a)
    foreign = completed_review(chair_b)
    sign_in(chair_a)

    rows = csv_rows(client.get(export_url("reviews", "csv")))
    heading = rows[0]
    by_case = {row[0]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    assert set(by_case) == {open_review.decision.incident.reference, done.decision.incident.reference}
    assert foreign.decision.incident.reference not in str(rows)
    stopped = by_case[open_review.decision.incident.reference]
    assert (stopped["Initiated"], stopped["Due (six months)"], stopped["Due (with stopped days)"]) == (
        "2015-02-02",
        "2015-08-02",
        "2015-08-12",
    )
    assert (stopped["Days stopped"], stopped["Signed off"], stopped["Completion"]) == ("10", "", "")
    signed = by_case[done.decision.incident.reference]
    assert (signed["Signed off"], signed["Completion"], signed["Lead reviewer"]) == (
        "2015-06-01",
        "Met",
        "A. Reviewer (fictional)",
    )
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT, user=chair_a).count() == 2


def test_the_panel_exports_the_reviews_of_every_board_it_was_told_of(client, sign_in, chair_a, chair_b, panel_member):
    # A decision to initiate notifies the panel (on the decision date unless another is given).
    ours = decide(chair_a, notified(chair_a), decision=DecisionKind.INITIATE_SCR).review
    theirs = decide(chair_b, notified(chair_b), decision=DecisionKind.INITIATE_SCR).review
    sign_in(panel_member)
    rows = xlsx_rows(client.get(export_url("reviews", "xlsx")))
    assert sorted((row[0], row[1]) for row in rows[1:]) == sorted(
        [
            (ours.decision.incident.reference, chair_a.board.name),
            (theirs.decision.incident.reference, chair_b.board.name),
        ]
    )


def test_the_publications_export_honours_its_filters_and_the_board(client, sign_in, chair_a, chair_b):
    waiting = report_sent(chair_a)
    published = report_sent(chair_a)
    publication_publish(
        actor=chair_a,
        publication_id=published.pk,
        event_date=date(2015, 7, 1),
        url="https://example.org/fictional-report",
    )
    foreign = report_sent(chair_b)
    sign_in(chair_a)

    rows = csv_rows(client.get(export_url("publications", "csv")))
    heading = rows[0]
    by_case = {row[0]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    reference = lambda publication: publication.review.decision.incident.reference  # noqa: E731
    assert set(by_case) == {reference(waiting), reference(published)}
    assert reference(foreign) not in str(rows)
    done = by_case[reference(published)]
    assert (done["Review completed"], done["Published"], done["Days from completion to publication"]) == (
        "2015-06-01",
        "2015-07-01",
        "30",
    )
    assert done["Web address"] == "https://example.org/fictional-report"
    assert by_case[reference(waiting)]["Days from completion to publication"] == str((TODAY - date(2015, 6, 1)).days)

    filtered = csv_rows(client.get(export_url("publications", "csv"), {"state": "published"}))
    assert [row[0] for row in filtered[1:]] == [reference(published)]


def test_the_review_and_publication_lists_link_to_their_exports(client, sign_in, chair_a):
    report_sent(chair_a)
    sign_in(chair_a)
    assert export_url("reviews", "csv") in client.get(reverse("reviews:list")).content.decode()
    html = client.get(reverse("publication:list"), {"state": "report_sent"}).content.decode()
    assert f"{export_url('publications', 'xlsx')}?state=report_sent" in html
