"""National statistics across regimes (SPEC §7, §10): SINs by nature, rapid reviews, national reviews.

Two sets of cases. The first, bulk-created incidents only (counts need nothing else), reproduces
the Department for Education's serious incident notification totals for England for three
financial years, read through the API. The second, built through the workflow's own services,
holds a few cases of each regime whose figures are worked out by hand beside each case.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.choices import IncidentState
from incidents.models import Incident
from panel.choices import Advice
from panel.services import submission_provide_information
from reports.models import ReportKind
from reports.statistics import KEYS, national_statistics
from reviews.choices import DecisionKind
from scr_tracker.models import ClockRow
from scr_tracker.regimes import regime_for
from tests import workflow
from tests.api import token_client
from tests.factories import BoardFactory, ChairFactory
from tests.reports.test_pdf import make, pdf_text, recording_fetcher  # noqa: F401 - fixture
from tests.reports.test_statistics_pages import summary_value

API = reverse("api:statistics-national")
PAGE = reverse("reports:statistics")

# --- 1. The Department for Education's totals -------------------------------------------------

# Serious incident notifications, England, by financial year: (first day, last day), total, and
# deaths, serious harm, other.
DFE_TOTALS = {
    "2022-23": ((date(2022, 4, 1), date(2023, 3, 31)), 456, {"death": 201, "serious_harm": 244, "other": 11}),
    "2023-24": ((date(2023, 4, 1), date(2024, 3, 31)), 405, {"death": 205, "serious_harm": 180, "other": 20}),
    "2024-25": ((date(2024, 4, 1), date(2025, 3, 31)), 338, {"death": 162, "serious_harm": 167, "other": 9}),
}
# A stride prime to every year's total, so that each year's natures are spread over its dates.
STRIDE = 7


def bulk_sins(boards, creator, *, year: str) -> list[Incident]:
    """The year's notifications, one every few days from 1 April to 31 March, boards in turn, each of
    the regime its received_on implies (2023-24 straddles the start of Working Together 2023)."""
    (first, last), total, natures = DFE_TOTALS[year]
    in_order = [nature for nature, count in natures.items() for _ in range(count)]
    assert len(in_order) == total and total % STRIDE  # the stride visits every position once
    span = (last - first).days
    incidents = []
    for i in range(total):
        notified_on = first + timedelta(days=i * span // (total - 1))
        nature = in_order[(i * STRIDE) % total]
        incidents.append(sin_row(boards[i % len(boards)], creator, f"{year}-{i:03d}", notified_on, nature=nature))
    return incidents


def sin_row(board, creator, number: str, notified_on: date, *, nature: str, state=IncidentState.NOTIFIED) -> Incident:
    data = workflow.sin_data(
        nature=nature,
        incident_on=notified_on - timedelta(days=3),
        la_aware_on=notified_on - timedelta(days=2),
        post_mortem="pending" if nature == "death" else "not_applicable",
        regulation_5=["abuse_or_neglect", "child_died" if nature == "death" else "serious_harm_and_concern"],
    )
    return Incident(
        board=board,
        reference=f"{board.code}-{number}",
        regime=regime_for(notified_on).code,
        state=state,
        created_by=creator,
        ofsted_notified_on=notified_on,
        received_on=notified_on,
        **data,
    )


@pytest.fixture
def dfe_years(db):
    names = {"NRT": "Northam", "STH": "Southam", "EST": "Eastwick", "WST": "Westwick", "MID": "Midmere"}
    boards = [BoardFactory(code=code, name=f"{name} Safeguarding Partnership") for code, name in names.items()]
    creator = ChairFactory(board=boards[0], email="chair.northam@test.example")
    incidents = [incident for year in DFE_TOTALS for incident in bulk_sins(boards, creator, year=year)]
    # Just outside the three years, and a withdrawn duplicate inside them: none of them counts.
    incidents += [
        sin_row(boards[1], creator, "before", date(2022, 3, 31), nature="death"),
        sin_row(boards[2], creator, "after", date(2025, 4, 1), nature="other"),
        sin_row(boards[3], creator, "dup", date(2023, 6, 1), nature="serious_harm", state=IncidentState.WITHDRAWN),
    ]
    Incident.objects.bulk_create(incidents)
    return boards


def test_the_departments_totals_by_financial_year(dfe_years, secretariat):
    api = token_client(secretariat)
    for (first, last), total, natures in DFE_TOTALS.values():
        body = api.get(API, {"from": first.isoformat(), "to": last.isoformat()}).json()
        assert list(body) == list(KEYS)
        assert body["sins"] == total
        assert body["sins_by_nature"] == natures
    # The three years together, and the regimes they hold (both 2018 declarations).
    body = api.get(API, {"from": "2022-04-01", "to": "2025-03-31"}).json()
    assert body["sins"] == 456 + 405 + 338
    assert body["sins_by_nature"] == {"death": 568, "serious_harm": 591, "other": 40}
    assert len(set(Incident.objects.values_list("regime", flat=True))) == 2


def test_a_board_of_the_five_gets_its_share(dfe_years, staff_a):
    """Boards take the notifications in turn: the first of five has every fifth of the 456."""
    staff_a.board = dfe_years[0]
    staff_a.save()
    body = token_client(staff_a).get(API, {"from": "2022-04-01", "to": "2023-03-31"}).json()
    assert body["sins"] == 92  # 0, 5, ..., 455
    assert sum(body["sins_by_nature"].values()) == 92


# --- 2. Rapid reviews, national reviews and initiations, worked out by hand ----------------------

# Six financial years from 1 April 2018: Working Together 2013/2015 until 28 June 2018, 2018 from
# 29 June 2018, 2023 from 15 December 2023. "Today" is 3 June 2024.
FROM, TO = date(2018, 4, 1), date(2024, 3, 31)
TODAY = datetime(2024, 6, 3, 12, 0, tzinfo=ZoneInfo("Europe/London"))
SUMMARY = "Fictional rapid review: the facts, immediate actions and learning."


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def case(chair, notified_on: date, nature="death"):
    """A SIN notified to (and received by the board on) `notified_on`, of the regime that date implies."""
    return workflow.notified(
        chair,
        received_on=notified_on,
        ofsted_notified_on=notified_on,
        incident_on=notified_on - timedelta(days=5),
        la_aware_on=notified_on - timedelta(days=4),
        nature=nature,
        post_mortem="pending" if nature == "death" else "not_applicable",
        regulation_5=["abuse_or_neglect", "child_died" if nature == "death" else "serious_harm_and_concern"],
    )


def rapid_review(chair, notified_on, decided_on, submitted_on=None, decision=DecisionKind.NOT_INITIATE, **kwargs):
    """A 2018/2023 case: notified, the rapid review decided on `decided_on`, sent on `submitted_on`."""
    incident = case(chair, notified_on, **kwargs)
    workflow.decide(
        chair,
        incident,
        decision,
        decided_on=decided_on,
        national_review_recommended=False,
        rapid_review_summary=SUMMARY,
    )
    if submitted_on is None:
        return workflow.submission_of(incident)
    return workflow.submit(chair, incident, on=submitted_on)


def provide(chair, submission, on):
    return submission_provide_information(
        actor=chair, submission_id=submission.pk, event_date=on, information="Fictional information."
    )


@pytest.fixture
def regimes_period(frozen, chair_a, chair_b):
    """Board A: two 2013/2015 cases and two 2018 rapid reviews; board B: three 2023 rapid reviews.
    Rapid review due dates (+15 working days from notification, no bank holiday among them) are
    beside each case."""
    cases = {}
    # W1 (2013/2015): SIN 8 May 2018; not initiated 30 May; sent 1 June; the panel agrees 20 June:
    # a non-initiation considered and agreed. Not a rapid review.
    cases["w1"] = workflow.decide(
        chair_a, case(chair_a, date(2018, 5, 8)), DecisionKind.NOT_INITIATE, decided_on=date(2018, 5, 30)
    )
    workflow.advise(workflow.submit(chair_a, cases["w1"].incident, on=date(2018, 6, 1)), on=date(2018, 6, 20))
    # W2 (2013/2015): SIN 1 May 2018, serious harm; an SCR initiated on 21 May.
    cases["w2"] = workflow.decide(
        chair_a,
        case(chair_a, date(2018, 5, 1), "serious_harm"),
        DecisionKind.INITIATE_SCR,
        decided_on=date(2018, 5, 21),
    )
    # R1 (2018): notified Monday 3 September 2018, due Monday 24 September; an LCSPR initiated on
    # 14 September and the rapid review sent on 17 September: on time. The Panel agrees on 10 October.
    cases["r1"] = rapid_review(
        chair_a, date(2018, 9, 3), date(2018, 9, 14), date(2018, 9, 17), decision=DecisionKind.INITIATE_SCR
    )
    workflow.advise(cases["r1"], Advice.AGREE, on=date(2018, 10, 10))
    # R2 (2018, received 2 October 2023, before 15 December): due Monday 23 October; not initiated
    # 16 October, sent 30 October: late. The Panel asks for information on 6 November, then (a second
    # advice) will carry out a national review, on 20 November: a national review of the period.
    cases["r2"] = rapid_review(
        chair_a, date(2023, 10, 2), date(2023, 10, 16), date(2023, 10, 30), nature="serious_harm"
    )
    workflow.advise(cases["r2"], Advice.FURTHER_INFORMATION_REQUESTED, on=date(2023, 11, 6))
    provide(chair_a, cases["r2"], on=date(2023, 11, 10))
    workflow.advise(cases["r2"], Advice.NATIONAL_REVIEW, on=date(2023, 11, 20))
    # R3 (2023): notified Monday 8 January 2024, due Monday 29 January; not initiated 22 January,
    # sent 26 January: on time. Information asked for on 20 February and given on 1 March; the
    # national review advice comes on 10 April 2024, after the period.
    cases["r3"] = rapid_review(chair_b, date(2024, 1, 8), date(2024, 1, 22), date(2024, 1, 26))
    workflow.advise(cases["r3"], Advice.FURTHER_INFORMATION_REQUESTED, on=date(2024, 2, 20))
    provide(chair_b, cases["r3"], on=date(2024, 3, 1))
    workflow.advise(cases["r3"], Advice.NATIONAL_REVIEW, on=date(2024, 4, 10))
    # R4 (2023): notified Monday 5 February 2024, due Monday 26 February; an LCSPR initiated on
    # 20 February, the rapid review sent on 4 March: late. No advice yet.
    cases["r4"] = rapid_review(
        chair_b, date(2024, 2, 5), date(2024, 2, 20), date(2024, 3, 4), decision=DecisionKind.INITIATE_SCR
    )
    # R5 (2023): notified Monday 4 March 2024 (nature other), due Monday 25 March; not initiated on
    # 20 March, sent on 2 April 2024: received after the period (and late).
    cases["r5"] = rapid_review(chair_b, date(2024, 3, 4), date(2024, 3, 20), date(2024, 4, 2), nature="other")
    return cases


def figures(date_from=FROM, date_to=TO, board=None) -> dict:
    return national_statistics(date_from=date_from, date_to=date_to, board=board)


def test_the_cases_are_of_the_regimes_and_clocks_described(regimes_period):
    """The hand-worked figures rest on these: the regimes the dates imply and the rapid review clock rows."""
    incidents = {key: record.incident if hasattr(record, "incident") else record.decision.incident
                 for key, record in regimes_period.items()}  # fmt: skip
    for incident in incidents.values():
        assert incident.regime == regime_for(incident.received_on).code
    assert len({incidents[key].regime for key in ("w1", "r1", "r3")}) == 3  # a case of each regime
    assert incidents["r2"].regime == incidents["r1"].regime
    rows = {
        row.incident_id: (row.due_on, row.ended_on)
        for row in ClockRow.objects.filter(name="rapid_review", incident__in=list(incidents.values()))
    }
    assert rows == {
        incidents["r1"].pk: (date(2018, 9, 24), date(2018, 9, 17)),
        incidents["r2"].pk: (date(2023, 10, 23), date(2023, 10, 30)),
        incidents["r3"].pk: (date(2024, 1, 29), date(2024, 1, 26)),
        incidents["r4"].pk: (date(2024, 2, 26), date(2024, 3, 4)),
        incidents["r5"].pk: (date(2024, 3, 25), date(2024, 4, 2)),
    }
    # Every decision of the 2018/2023 cases opened a rapid review; those to initiate, an LCSPR too.
    assert {key for key, incident in incidents.items() if incident.reviews.exists()} == {"w2", "r1", "r4"}


def test_rapid_reviews_national_reviews_and_initiations_of_the_period(regimes_period):
    statistics = figures()
    assert tuple(statistics) == KEYS
    assert statistics["sins"] == 7
    assert statistics["sins_by_nature"] == {"death": 4, "serious_harm": 2, "other": 1}  # W2, R2; R5
    assert statistics["rapid_reviews_received"] == 4  # R1 to R4 (not R5, sent 2 April 2024)
    assert statistics["rapid_reviews_on_time_pct"] == 50  # R1, R3 of the four
    assert statistics["national_reviews"] == 1  # R2 (R3's advice is after the period)
    assert statistics["scrs_initiated"] == 3  # W2 an SCR; R1, R4 LCSPRs
    # Only the 2013/2015 case is a non-initiation: the rapid reviews not to initiate are not counted.
    assert statistics["non_initiation_considered"] == 1  # W1
    assert statistics["non_initiation_agreed"] == 1
    assert statistics["non_initiation_agreed_pct"] == 100
    assert statistics["boards_contacted_panel"] == 2  # A (W1, R1, R2), B (R3, R4): rapid reviews are contacts


def test_the_financial_year_2023_24(regimes_period):
    """R2, R3 and R4 received, one on time (33.3%); R2's national review; R4's LCSPR."""
    statistics = figures(date_from=date(2023, 4, 1))
    assert statistics["rapid_reviews_received"] == 3
    assert statistics["rapid_reviews_on_time_pct"] == 33
    assert statistics["national_reviews"] == 1
    assert statistics["scrs_initiated"] == 1
    assert statistics["non_initiation_considered"] == 0
    assert statistics["non_initiation_agreed_pct"] is None


def test_a_later_period_counts_each_national_review_once_by_its_first_date(regimes_period):
    """From 1 April 2024: R5 received (late), R3's national review of 10 April; nothing counted twice."""
    statistics = figures(date_from=date(2024, 4, 1), date_to=date(2024, 6, 1))
    assert statistics["rapid_reviews_received"] == 1
    assert statistics["rapid_reviews_on_time_pct"] == 0
    assert statistics["national_reviews"] == 1
    assert statistics["sins"] == 0 and statistics["scrs_initiated"] == 0


def test_a_period_with_no_rapid_review_has_no_percentage(regimes_period):
    statistics = figures(date_to=date(2018, 6, 30))
    assert statistics["rapid_reviews_received"] == 0
    assert statistics["rapid_reviews_on_time_pct"] is None
    assert statistics["scrs_initiated"] == 1  # W2
    assert statistics["non_initiation_considered"] == 1  # W1


def test_each_board_gets_its_own(regimes_period, board_a, board_b):
    a, b = figures(board=board_a), figures(board=board_b)
    assert (a["sins"], b["sins"]) == (4, 3)
    assert (a["rapid_reviews_received"], b["rapid_reviews_received"]) == (2, 2)  # R1, R2; R3, R4
    assert (a["rapid_reviews_on_time_pct"], b["rapid_reviews_on_time_pct"]) == (50, 50)
    assert (a["national_reviews"], b["national_reviews"]) == (1, 0)
    assert (a["scrs_initiated"], b["scrs_initiated"]) == (2, 1)
    assert (a["non_initiation_considered"], b["non_initiation_considered"]) == (1, 0)
    assert b["sins_by_nature"] == {"death": 2, "serious_harm": 0, "other": 1}


# --- 3. The cost does not grow with the data ----------------------------------------------------


def more_cases(chair_a, chair_b, n: int) -> None:
    """`n` more cases of each kind in the period: 2013/2015 non-initiations advised, 2023 rapid reviews
    (some on time, some late, some with a national review)."""
    for i in range(n):
        day = 1 + i
        decision = workflow.decide(chair_a, case(chair_a, date(2018, 4, day)), decided_on=date(2018, 4, day + 10))
        workflow.advise(workflow.submit(chair_a, decision.incident, on=date(2018, 4, day + 11)), on=date(2018, 5, 1))
        submission = rapid_review(chair_b, date(2024, 1, day), date(2024, 1, day + 10), date(2024, 1, day + 10 + i))
        workflow.advise(submission, Advice.NATIONAL_REVIEW if i % 2 else Advice.AGREE, on=date(2024, 2, 15))


def test_the_figures_cost_the_same_for_few_or_many_cases_of_both_regimes(
    regimes_period, chair_a, chair_b, django_assert_num_queries
):
    # Seven aggregates, and the middle rows of the one median with rows (no review is signed off).
    with django_assert_num_queries(8):
        figures()
    more_cases(chair_a, chair_b, 6)
    with django_assert_num_queries(8):
        statistics = figures()
    assert statistics["rapid_reviews_received"] == 4 + 6
    assert statistics["national_reviews"] == 1 + 3


def test_the_api_and_the_page_cost_the_same_for_few_or_many(regimes_period, chair_a, chair_b, secretariat, client,
                                                             sign_in):  # fmt: skip
    api = token_client(secretariat)
    sign_in(secretariat)
    period = {"from": FROM.isoformat(), "to": TO.isoformat()}
    client.get(PAGE, period)  # warm up: sessions, content types

    def queries(get) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get().status_code == 200
        return len(captured)

    few_api, few_page = queries(lambda: api.get(API, period)), queries(lambda: client.get(PAGE, period))
    more_cases(chair_a, chair_b, 5)
    assert queries(lambda: api.get(API, period)) == few_api
    assert queries(lambda: client.get(PAGE, period)) == few_page


# --- 4. The page and the PDF show them; a board sees its own --------------------------------------


def test_the_page_shows_the_new_figures(regimes_period, secretariat, client, sign_in):
    sign_in(secretariat)
    html = client.get(PAGE, {"from": FROM.isoformat(), "to": TO.isoformat()}).content.decode()
    assert summary_value(html, "Rapid reviews received by the Child Safeguarding Practice Review Panel") == "4"
    assert summary_value(html, "Rapid reviews on time") == "50%"
    assert summary_value(html, "National reviews") == "1"
    assert summary_value(html, "Nature: Death") == "4"
    assert summary_value(html, "Nature: Serious harm") == "2"
    assert summary_value(html, "Nature: Other (notified although the criteria are not met)") == "1"
    assert summary_value(html, "Local reviews initiated").startswith("3 ")
    assert "SINs by nature" in html and "Rapid reviews received and on time by year" in html


def test_a_board_user_sees_their_boards_figures_only(regimes_period, chair_b, client, sign_in):
    sign_in(chair_b)
    html = client.get(PAGE, {"from": FROM.isoformat(), "to": TO.isoformat()}).content.decode()
    assert "Statistics for Betaby Safeguarding Children Board" in html
    assert summary_value(html, "Rapid reviews received by the Child Safeguarding Practice Review Panel") == "2"
    assert summary_value(html, "National reviews") == "0"  # board A's R2 is not B's
    assert summary_value(html, "Nature: Other (notified although the criteria are not met)") == "1"
    assert summary_value(html, "Considered") == "0"  # board A's W1 is not B's
    body = token_client(chair_b).get(API, {"from": FROM.isoformat(), "to": TO.isoformat()}).json()
    assert (body["rapid_reviews_received"], body["national_reviews"], body["scrs_initiated"]) == (2, 0, 1)


def test_the_page_without_rapid_reviews_says_so(regimes_period, secretariat, client, sign_in):
    sign_in(secretariat)
    html = client.get(PAGE, {"from": "2018-04-01", "to": "2018-06-30"}).content.decode()
    assert summary_value(html, "Rapid reviews on time") == "No rapid reviews received in the period"


def test_the_national_pdf_shows_the_new_figures(
    regimes_period,
    secretariat,
    chair_b,
    recording_fetcher,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    job = make(secretariat, ReportKind.NATIONAL_STATISTICS, {"from": "2023-04-01", "to": "2024-03-31"},
               django_capture_on_commit_callbacks)  # fmt: skip
    text = " ".join(pdf_text(job)[0].split())
    assert "Rapid reviews received by the Child Safeguarding Practice Review Panel 3" in text
    assert "Rapid reviews on time 33%" in text
    assert "National reviews 1" in text
    assert "Nature: Death 2 Nature: Serious harm 1 Nature: Other (notified although the criteria are not met) 1" in text
    assert "SINs by nature" in text and "Rapid reviews received and on time by quarter" in text
    assert recording_fetcher.asked == []

    job = make(chair_b, ReportKind.NATIONAL_STATISTICS, {"from": "2023-04-01", "to": "2024-03-31"},
               django_capture_on_commit_callbacks)  # fmt: skip
    text = " ".join(pdf_text(job)[0].split())
    assert "Rapid reviews received by the Child Safeguarding Practice Review Panel 2" in text  # R3, R4
    assert "Rapid reviews on time 50%" in text
    assert "National reviews 0" in text
