"""`GET /api/v1/statistics/national/`: exactly the SPEC §7 keys, scoping, 400s, schema and cost."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.statistics import KEYS, as_json, national_statistics
from reviews.choices import DecisionKind
from tests.api import assert_matches_schema, openapi_schema, session_client, token_client
from tests.reports.test_statistics import (  # noqa: F401 - fixtures
    EXPECTED,
    FROM,
    TO,
    constructed_period,
    frozen,
)
from tests.reports.test_statistics_pages import notified_and_decided

URL = reverse("api:statistics-national")
PATH = "/api/v1/statistics/national/"
PERIOD = {"from": "2014-04-01", "to": "2015-03-31"}


def test_the_constructed_period_through_the_api(constructed_period, secretariat):  # noqa: F811
    response = session_client(secretariat).get(URL, PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == list(KEYS)
    assert body == {**EXPECTED, "from": "2014-04-01", "to": "2015-03-31"}
    assert body["non_initiation_agreed_pct"] == 13
    assert body["delays"]["incident_to_decision_median_days"] == 34.5
    assert body["delays"]["completion_to_publication_median_days"] == 43.5
    assert_matches_schema(response, PATH)


def test_a_token_works_and_a_panel_member_sees_the_nation(constructed_period, panel_member):  # noqa: F811
    response = token_client(panel_member).get(URL, PERIOD)
    assert response.status_code == 200
    assert response.json()["sins"] == EXPECTED["sins"]


def test_a_board_user_gets_their_own_board_only(constructed_period, staff_b, board_b):  # noqa: F811
    response = token_client(staff_b).get(URL, PERIOD)
    assert response.status_code == 200
    assert response.json() == as_json(national_statistics(date_from=FROM, date_to=TO, board=board_b))
    assert response.json()["sins"] == 6  # of 12 nationally
    assert response.json()["boards_contacted_panel"] == 1
    assert_matches_schema(response, PATH)


def test_another_boards_cases_never_count(frozen, chair_a, chair_b, staff_a):  # noqa: F811
    for day in range(1, 5):
        notified_and_decided(chair_b, day, DecisionKind.INITIATE_SCR)
    body = token_client(staff_a).get(URL, PERIOD).json()
    assert (body["sins"], body["scrs_initiated"], body["boards_contacted_panel"]) == (0, 0, 0)
    assert body["boards_not_contacted_panel"] == 1
    assert body["delays"]["incident_to_decision_median_days"] is None


NO_FROM = "Give the start of the period as from=YYYY-MM-DD"
NO_TO = "Give the end of the period as to=YYYY-MM-DD"
BAD_FROM = "The start of the period must be a real date written YYYY-MM-DD"
BAD_TO = "The end of the period must be a real date written YYYY-MM-DD"
REVERSED = "The end of the period must be the same as or after the start"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"from": [NO_FROM], "to": [NO_TO]}),
        ({"from": "2014-04-01"}, {"to": [NO_TO]}),
        # A bad value is named in the message (issue 18, finding 8).
        ({"from": "01/04/2014", "to": "2015-03-31"}, {"from": [f'{BAD_FROM}. Given: "01/04/2014".']}),
        ({"from": "2014-04-01", "to": "2015-02-30"}, {"to": [f'{BAD_TO}. Given: "2015-02-30".']}),
        ({"from": "2014-04-01", "to": ""}, {"to": [f'{BAD_TO}. Given: "".']}),
        ({"from": "2015-04-01", "to": "2015-03-31"}, {"to": [f'{REVERSED}. Given: "2015-03-31".']}),
    ],
)
def test_bad_periods_are_400_with_field_errors(secretariat, query, errors):
    response = token_client(secretariat).get(URL, query)
    assert response.status_code == 400
    assert response.json() == errors
    assert_matches_schema(response, PATH)


def test_a_one_day_period_is_allowed(secretariat):
    response = token_client(secretariat).get(URL, {"from": "2014-04-01", "to": "2014-04-01"})
    assert response.status_code == 200
    assert response.json()["from"] == response.json()["to"] == "2014-04-01"


def test_the_administrator_is_refused(administrator):
    response = token_client(administrator).get(URL, PERIOD)
    assert response.status_code == 403
    assert_matches_schema(response, PATH)


def test_anonymous_is_401(client):
    response = client.get(URL, PERIOD)
    assert response.status_code == 401


def test_the_schema_documents_the_parameters_and_every_key(db):
    operation = openapi_schema()["paths"][PATH]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["from"]["required"] and parameters["to"]["required"]
    assert parameters["from"]["schema"] == {"type": "string", "format": "date"}
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = openapi_schema()["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert list(component["properties"]) == list(KEYS)


def test_the_cost_does_not_grow_with_the_data(frozen, chair_a, secretariat):  # noqa: F811
    api = token_client(secretariat)
    notified_and_decided(chair_a, 1)
    notified_and_decided(chair_a, 2, DecisionKind.INITIATE_SCR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(URL, PERIOD).status_code == 200
        return len(captured)

    few = queries()
    for day in range(3, 15):
        notified_and_decided(chair_a, day, DecisionKind.INITIATE_SCR if day % 2 else DecisionKind.NOT_INITIATE)
    assert queries() == few
    assert few <= 12  # token, user, six counts, a median


def test_the_same_figures_as_the_page(constructed_period, secretariat, client, sign_in):  # noqa: F811
    sign_in(secretariat)
    page = client.get(reverse("reports:statistics"), PERIOD)
    api = token_client(secretariat).get(URL, PERIOD)
    assert as_json(page.context["statistics"]) == api.json()
    assert date.fromisoformat(api.json()["from"]) == FROM
