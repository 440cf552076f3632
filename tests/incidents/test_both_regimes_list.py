"""A board's case list holds cases of both regimes (SPEC §10): each row's next deadline follows its
own case's regime, and the list costs the same number of queries however many cases, of whichever
regime, it holds (STYLE point 8)."""

import re
from datetime import date
from itertools import cycle, islice

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api import session_client, token_client
from tests.workflow import decide, notified

TODAY = date(2024, 3, 1)
LIST = reverse("incidents:list")
API_LIST = "/api/v1/incidents/"
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# Each kind of case, and the next deadline its own regime gives it.


def wt2013_notified(chair):
    """Received Friday 9 January 2015: the initiation decision is due a month later."""
    return notified(chair), date(2015, 2, 9), "initiation_decision"


def wt2013_not_initiated(chair):
    """Decided not to initiate on 2 February 2015: the non-initiation goes to the panel within 14 days."""
    incident = notified(chair)
    decide(chair, incident)
    return incident, date(2015, 2, 16), "send_to_panel"


def _wt2018(chair, notified_on, aware_on):
    return notified(
        chair, received_on=notified_on, ofsted_notified_on=notified_on, incident_on=aware_on, la_aware_on=aware_on
    )


def wt2018_notified(chair):
    """Notified Friday 23 December 2022: the rapid review is due 15 working days later, over Christmas."""
    return _wt2018(chair, date(2022, 12, 23), date(2022, 12, 22)), date(2023, 1, 18), "rapid_review"


def wt2018_decided_not_sent(chair):
    """Decided, its rapid review not yet sent to the Panel: the rapid review clock still runs."""
    incident = _wt2018(chair, date(2022, 12, 23), date(2022, 12, 22))
    decide(
        chair,
        incident,
        decided_on=date(2023, 1, 10),
        rapid_review_summary=SUMMARY,
        national_review_recommended=True,
    )
    return incident, date(2023, 1, 18), "rapid_review"


def wt2023_notified(chair):
    """Notified Friday 12 January 2024 (Working Together 2023 keeps the 2018 clocks)."""
    return _wt2018(chair, date(2024, 1, 12), date(2024, 1, 11)), date(2024, 2, 2), "rapid_review"


KINDS = [wt2013_notified, wt2018_notified, wt2013_not_initiated, wt2018_decided_not_sent, wt2023_notified]


def make_cases(chair, kinds) -> dict[str, tuple[date, str, str]]:
    """reference → (next deadline, clock it belongs to, regime)."""
    made = {}
    for kind in kinds:
        incident, due, clock = kind(chair)
        made[incident.reference] = (due, clock, incident.regime)
    return made


def page_rows(response) -> dict[str, str]:
    """reference → the next deadline the list shows."""
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/[^"]+/">([^<]+)</a></th>'
        r"(?:\s*<td[^>]*>.*?</td>){5}\s*<td[^>]*>([^<]+)</td>",
        response.text,
        re.S,
    )
    return {reference: deadline.strip() for reference, deadline in rows}


def queries_for(get) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200
    return len(queries), response


def test_the_cases_are_of_every_regime(chair_a):
    made = make_cases(chair_a, KINDS)
    assert sorted({regime for _, _, regime in made.values()}) == ["wt2013", "wt2018", "wt2023"]


def test_each_rows_next_deadline_on_the_page_follows_its_own_regime(client, sign_in, chair_a):
    made = make_cases(chair_a, KINDS)
    sign_in(chair_a)
    shown = page_rows(client.get(LIST))
    assert shown == {reference: f"{due:%-d %b %Y}" for reference, (due, _, _) in made.items()}


def test_each_rows_next_deadline_in_the_api_follows_its_own_regime(chair_a):
    made = make_cases(chair_a, KINDS)
    body = session_client(chair_a).get(API_LIST).json()
    assert body["count"] == len(KINDS)
    listed = {row["reference"]: row["next_due"] for row in body["results"]}
    assert listed == {reference: due.isoformat() for reference, (due, _, _) in made.items()}
    assert {row["rag"] for row in body["results"]} == {"red"}  # all of them overdue on TODAY


def test_the_next_deadline_is_the_clock_of_the_cases_regime(chair_a):
    from incidents.models import Incident
    from incidents.selectors import with_case_facts

    made = make_cases(chair_a, KINDS)
    facts = with_case_facts(Incident.objects.filter(board=chair_a.board), TODAY)
    assert {case.reference: (case.next_due, case.next_clock) for case in facts} == {
        reference: (due, clock) for reference, (due, clock, _) in made.items()
    }


def test_the_case_list_page_costs_the_same_for_2_and_6_cases_of_mixed_regimes(client, sign_in, chair_a):
    sign_in(chair_a)
    make_cases(chair_a, islice(cycle(KINDS), 2))
    few, response = queries_for(lambda: client.get(LIST))
    assert len(page_rows(response)) == 2
    make_cases(chair_a, islice(cycle(KINDS[2:] + KINDS[:2]), 4))
    many, response = queries_for(lambda: client.get(LIST))
    assert len(page_rows(response)) == 6
    assert many == few


@pytest.mark.parametrize("client_of", [session_client, token_client], ids=["session", "token"])
def test_the_incidents_api_list_costs_the_same_for_2_and_6_cases_of_mixed_regimes(chair_a, client_of):
    api = client_of(chair_a)
    make_cases(chair_a, islice(cycle(KINDS), 2))
    few, response = queries_for(lambda: api.get(API_LIST))
    assert response.json()["count"] == 2
    make_cases(chair_a, islice(cycle(KINDS[2:] + KINDS[:2]), 4))
    many, response = queries_for(lambda: api.get(API_LIST))
    assert response.json()["count"] == 6
    assert {row["reference"][:3] for row in response.json()["results"]} == {"AAA"}
    assert many == few


def test_another_boards_cases_are_not_listed(client, sign_in, chair_a, chair_b):
    make_cases(chair_a, KINDS)
    sign_in(chair_b)
    assert page_rows(client.get(LIST)) == {}
    assert session_client(chair_b).get(API_LIST).json()["count"] == 0
