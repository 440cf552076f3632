"""The decisions API (SPEC §8): read-only, scoped through the incident's board."""

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from incidents.choices import IncidentState
from reviews.choices import DecisionKind
from reviews.models import Decision
from tests.api import assert_matches_schema, decision_url, incident_url, session_client, token_client
from tests.workflow import RATIONALE, case_in, decide, notified, reconsidered

TODAY = date(2015, 3, 2)
LIST = "/api/v1/decisions/"
DETAIL = "/api/v1/decisions/{public_id}/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_decision_with_its_flags_and_clock(chair_a, staff_a):
    incident = notified(chair_a, post_mortem="complete", post_mortem_on=date(2015, 1, 7))
    decision = decide(
        chair_a,
        incident,
        decision=DecisionKind.INITIATE_SCR,
        decided_on=date(2015, 2, 2),
        subgroup_recommendation=DecisionKind.INITIATE_SCR,
        subgroup_recommended_on=date(2015, 1, 30),
        panel_notified_on=date(2015, 2, 3),
    )
    response = session_client(staff_a).get(decision_url(decision))
    assert response.status_code == 200
    assert_matches_schema(response, DETAIL)
    body = response.json()
    assert body["id"] == str(decision.public_id)
    assert body["url"] == f"http://testserver{decision_url(decision)}"
    assert body["incident"] == f"http://testserver{incident_url(incident)}"
    assert (body["decision"], body["decided_on"], body["rationale"]) == ("initiate_scr", "2015-02-02", RATIONALE)
    assert (body["subgroup_recommendation"], body["subgroup_recommended_on"]) == ("initiate_scr", "2015-01-30")
    assert (body["panel_notified_on"], body["following_panel_advice"], body["alternative_review"]) == (
        "2015-02-03",
        False,
        "",
    )
    assert (body["premature"], body["late"], body["delay_days"]) == (False, False, 28)
    assert body["clocks"] == [
        {
            "name": "scr_completion",
            "starts_on": "2015-02-02",
            "due": "2015-08-02",
            "status": "running",
            "days_remaining": 153,
            "days_late": None,
            "rag": "green",
        }
    ]


def test_the_list_holds_the_boards_decisions_newest_first(chair_a, chair_b, staff_a):
    incident = case_in(IncidentState.DECIDED, chair_a)
    reconsidered(chair_a, incident)
    latest = decide(chair_a, incident, decision=DecisionKind.INITIATE_SCR, decided_on=date(2015, 2, 10))
    decide(chair_b, notified(chair_b))
    response = session_client(staff_a).get(LIST)
    assert response.status_code == 200
    assert_matches_schema(response, LIST)
    body = response.json()
    assert body["count"] == 2
    assert [row["decided_on"] for row in body["results"]] == ["2015-02-10", "2015-02-02"]
    assert body["results"][0]["url"].endswith(decision_url(latest))
    assert {row["incident"] for row in body["results"]} == {f"http://testserver{incident_url(incident)}"}
    # The incident lists both, oldest first; its flags follow the current (latest) one.
    detail = session_client(staff_a).get(incident_url(incident)).json()
    assert [url.rsplit("/", 2)[-2] for url in detail["decisions"]] == [
        str(d.public_id) for d in incident.decisions.order_by("decided_on")
    ]
    assert detail["flags"]["delay_days"] == 36


@pytest.mark.parametrize("persona", ["chair_b", "staff_b", "panel_member", "secretariat", "administrator"])
def test_another_boards_decision_is_404_and_not_listed(request, chair_a, persona):
    decision = decide(chair_a, notified(chair_a))
    client = session_client(request.getfixturevalue(persona))
    response = client.get(decision_url(decision))
    assert response.status_code == 404
    assert_matches_schema(response, DETAIL)
    assert client.get(LIST).json()["count"] == 0


def test_an_unknown_decision_is_404(chair_a):
    decision = decide(chair_a, notified(chair_a))
    client = session_client(chair_a)
    assert client.get("/api/v1/decisions/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_decisions_are_read_only(chair_a, method):
    decision = decide(chair_a, notified(chair_a))
    client = session_client(chair_a)
    payload = {"decision": "initiate_scr", "rationale": RATIONALE, "decided_on": "2015-02-01"}
    assert getattr(client, method)(decision_url(decision), payload, format="json").status_code == 405
    assert getattr(client, method)(LIST, payload, format="json").status_code in (405,)
    decision.refresh_from_db()
    assert (decision.decision, decision.decided_on, Decision.objects.count()) == ("not_initiate", date(2015, 2, 2), 1)


def test_anonymous_is_401_and_a_token_works(chair_a):
    decision = decide(chair_a, notified(chair_a))
    anonymous = APIClient()
    assert anonymous.get(LIST).status_code == 401
    assert anonymous.get(decision_url(decision)).status_code == 401
    client = token_client(chair_a)
    assert client.get(LIST).json()["count"] == 1
    assert client.get(decision_url(decision)).status_code == 200


@pytest.mark.parametrize("cases", [5, 50])
def test_query_count_does_not_grow_with_the_list(chair_a, django_assert_max_num_queries, cases):
    for n in range(cases):
        kind = DecisionKind.INITIATE_SCR if n % 2 else DecisionKind.NOT_INITIATE
        decide(chair_a, notified(chair_a), decision=kind)
    client = token_client(chair_a)
    # token and user, count, page with incidents and reviews, then the reviews' stop periods (at most two)
    with django_assert_max_num_queries(5):
        response = client.get(LIST)
    assert response.json()["count"] == cases
    assert len(response.json()["results"]) == min(cases, 25)
