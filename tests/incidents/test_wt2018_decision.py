"""The decision of a Working Together 2018 case is the rapid review's outcome (SPEC §10): it records
the summary and whether a national review is recommended, which a 2013 case's decision may not; and
the nature `other`, which only the later regimes know."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from incidents.models import Incident
from panel.models import PanelSubmission
from reviews.models import Decision, SeriousCaseReview
from reviews.services import decision_record
from scr_tracker.transitions import InvalidInput
from tests.api import decision_url, session_client, transition_url
from tests.incidents.test_pages import date_fields, decision_post, field_errors
from tests.workflow import RATIONALE, draft, notified, sin_data

TODAY = date(2024, 3, 1)
LIST = "/api/v1/incidents/"

# A Working Together 2018 case, received on Friday 11 January 2019.
WT2018 = {"incident_on": date(2019, 1, 7), "la_aware_on": date(2019, 1, 8)}
WT2018_NOTIFY = {"received_on": date(2019, 1, 11), "ofsted_notified_on": date(2019, 1, 10)}
WT2018_DECIDED_ON = date(2019, 1, 21)
# A Working Together 2013 case (the workflow helpers' own dates): decided on 2 February 2015.
WT2013_DECIDED_ON = date(2015, 2, 2)
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def wt2018_case(chair, **overrides) -> Incident:
    return notified(chair, **WT2018_NOTIFY, **{**WT2018, **overrides})


def wt2013_case(chair) -> Incident:
    return notified(chair)


def decision_json(decided_on: date, **overrides) -> dict:
    data = {"event_date": decided_on.isoformat(), "decision": "not_initiate", "rationale": RATIONALE}
    data.update(overrides)
    return data


def nothing_saved(incident, entries: int) -> None:
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.state == "notified"
    assert not Decision.objects.filter(incident=incident).exists()
    assert not PanelSubmission.objects.filter(decision__incident=incident).exists()
    assert not SeriousCaseReview.objects.filter(incidents=incident).exists()
    assert AuditEntry.objects.for_object(incident).count() == entries


# --- record_decision under Working Together 2018 ---------------------------------------------------------------

REQUIRED = [
    ({}, {"rapid_review_summary", "national_review_recommended"}),
    ({"national_review_recommended": False}, {"rapid_review_summary"}),
    ({"national_review_recommended": True, "rapid_review_summary": "   "}, {"rapid_review_summary"}),
    ({"rapid_review_summary": SUMMARY}, {"national_review_recommended"}),
    ({"rapid_review_summary": SUMMARY, "national_review_recommended": None}, {"national_review_recommended"}),
]


@pytest.mark.parametrize("kind", ["not_initiate", "initiate_scr"])
@pytest.mark.parametrize(("given", "fields"), REQUIRED)
def test_a_2018_decision_needs_the_summary_and_the_national_review_answer_in_the_api(chair_a, kind, given, fields):
    incident = wt2018_case(chair_a)
    entries = AuditEntry.objects.for_object(incident).count()
    response = session_client(chair_a).post(
        transition_url(incident, "record_decision"),
        decision_json(WT2018_DECIDED_ON, decision=kind, **given),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    nothing_saved(incident, entries)


@pytest.mark.parametrize(("given", "fields"), REQUIRED)
def test_a_2018_decision_needs_the_summary_and_the_national_review_answer_in_the_service(chair_a, given, fields):
    incident = wt2018_case(chair_a)
    entries = AuditEntry.objects.for_object(incident).count()
    with pytest.raises(InvalidInput) as refused:
        decision_record(
            actor=chair_a,
            incident_id=incident.pk,
            event_date=WT2018_DECIDED_ON,
            decision="not_initiate",
            rationale=RATIONALE,
            **{key: value for key, value in given.items() if value is not None},
        )
    assert set(refused.value.errors) == fields
    nothing_saved(incident, entries)


def test_a_2018_decision_page_asks_for_the_rapid_review(client, sign_in, chair_a):
    incident = wt2018_case(chair_a)
    entries = AuditEntry.objects.for_object(incident).count()
    sign_in(chair_a)
    url = reverse("incidents:transition", args=[incident.public_id, "record_decision"])
    form = client.get(url).text
    assert 'name="rapid_review_summary"' in form and 'name="national_review_recommended"' in form
    response = client.post(url, decision_post(**date_fields("event_date", WT2018_DECIDED_ON)))
    assert response.status_code == 200
    assert field_errors(response, "rapid_review_summary") == [
        "Enter the rapid review's summary: the facts, immediate actions and learning"
    ]
    assert field_errors(response, "national_review_recommended") == ["Select whether you recommend a national review"]
    nothing_saved(incident, entries)
    response = client.post(
        url,
        decision_post(
            **date_fields("event_date", WT2018_DECIDED_ON),
            rapid_review_summary=SUMMARY,
            national_review_recommended="yes",
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get(incident=incident)
    assert (decision.rapid_review_summary, decision.national_review_recommended) == (SUMMARY, True)


@pytest.mark.parametrize("recommended", [True, False])
def test_the_decision_api_shows_the_rapid_review(chair_a, recommended):
    incident = wt2018_case(chair_a)
    client = session_client(chair_a)
    response = client.post(
        transition_url(incident, "record_decision"),
        decision_json(
            WT2018_DECIDED_ON,
            decision="initiate_scr",
            rapid_review_summary=f"  {SUMMARY}  ",
            national_review_recommended=recommended,
        ),
        format="json",
    )
    assert response.status_code == 200, response.json()
    decision = Decision.objects.get(incident=incident)
    assert (decision.rapid_review_summary, decision.national_review_recommended) == (SUMMARY, recommended)
    body = client.get(decision_url(decision)).json()
    assert (body["rapid_review_summary"], body["national_review_recommended"]) == (SUMMARY, recommended)
    assert body["decision"] == "initiate_scr" and body["decided_on"] == "2019-01-21"


def test_the_decision_api_shows_neither_for_a_2013_case(chair_a):
    incident = wt2013_case(chair_a)
    client = session_client(chair_a)
    response = client.post(transition_url(incident, "record_decision"), decision_json(WT2013_DECIDED_ON), format="json")
    assert response.status_code == 200, response.json()
    body = client.get(decision_url(Decision.objects.get(incident=incident))).json()
    assert (body["rapid_review_summary"], body["national_review_recommended"]) == ("", None)


# --- record_decision under Working Together 2013 ---------------------------------------------------------------

REFUSED_2013 = [
    ({"rapid_review_summary": SUMMARY}, {"rapid_review_summary"}),
    ({"national_review_recommended": False}, {"national_review_recommended"}),
    ({"national_review_recommended": True}, {"national_review_recommended"}),
    (
        {"rapid_review_summary": SUMMARY, "national_review_recommended": False},
        {"rapid_review_summary", "national_review_recommended"},
    ),
]


@pytest.mark.parametrize(("given", "fields"), REFUSED_2013)
def test_a_2013_decision_refuses_the_rapid_review_in_the_api(chair_a, given, fields):
    incident = wt2013_case(chair_a)
    entries = AuditEntry.objects.for_object(incident).count()
    response = session_client(chair_a).post(
        transition_url(incident, "record_decision"), decision_json(WT2013_DECIDED_ON, **given), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == fields
    assert all("not part of a decision under Working Together 2013/2015" in body[field][0] for field in fields)
    nothing_saved(incident, entries)


@pytest.mark.parametrize(("given", "fields"), REFUSED_2013)
def test_a_2013_decision_refuses_the_rapid_review_in_the_service(chair_a, given, fields):
    incident = wt2013_case(chair_a)
    entries = AuditEntry.objects.for_object(incident).count()
    with pytest.raises(InvalidInput) as refused:
        decision_record(
            actor=chair_a,
            incident_id=incident.pk,
            event_date=WT2013_DECIDED_ON,
            decision="not_initiate",
            rationale=RATIONALE,
            **given,
        )
    assert set(refused.value.errors) == fields
    nothing_saved(incident, entries)


def test_a_blank_summary_is_not_a_rapid_review_under_2013(chair_a):
    """An empty summary is what a form without the question sends: it is not refused."""
    incident = wt2013_case(chair_a)
    decision = decision_record(
        actor=chair_a,
        incident_id=incident.pk,
        event_date=WT2013_DECIDED_ON,
        decision="not_initiate",
        rationale=RATIONALE,
        rapid_review_summary="  ",
    )
    assert (decision.rapid_review_summary, decision.national_review_recommended) == ("", None)


# --- The nature `other` ----------------------------------------------------------------------------------------


def sin_json(**overrides) -> dict:
    data = {key: value.isoformat() if isinstance(value, date) else value for key, value in sin_data().items()}
    data.update({key: value.isoformat() if isinstance(value, date) else value for key, value in overrides.items()})
    return data


def test_other_is_accepted_for_a_2018_case_at_create_and_notify(chair_a):
    client = session_client(chair_a)
    response = client.post(LIST, sin_json(nature="other", **WT2018), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["nature"] == "other"
    incident = Incident.objects.get()
    response = client.post(
        transition_url(incident, "notify"),
        {"event_date": "2019-01-11", "ofsted_notified_on": "2019-01-10"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    incident.refresh_from_db()
    assert (incident.state, incident.nature, incident.regime) == ("notified", "other", "wt2018")


def test_other_is_accepted_for_a_2023_case(chair_a):
    incident = draft(chair_a, nature="other", incident_on=date(2024, 1, 8), la_aware_on=date(2024, 1, 9))
    assert incident.nature == "other"


def test_other_is_a_field_error_for_a_2013_case_at_create(chair_a):
    response = session_client(chair_a).post(LIST, sin_json(nature="other"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["nature"]
    assert "this case follows Working Together 2013/2015" in body["nature"][0]
    assert not Incident.objects.exists()


def test_other_is_a_field_error_for_a_2013_case_at_create_in_the_service(chair_a):
    with pytest.raises(InvalidInput) as refused:
        draft(chair_a, nature="other")
    assert list(refused.value.errors) == ["nature"]
    assert not Incident.objects.exists()


def test_other_is_a_field_error_for_a_2013_case_at_notify(chair_a):
    # A draft stored with a nature its regime lacks (as an older import could leave one): notifying it
    # under Working Together 2013 is refused until the SIN's answers are changed.
    incident = draft(chair_a)
    Incident.objects.filter(pk=incident.pk).update(nature="other")
    entries = AuditEntry.objects.for_object(incident).count()
    response = session_client(chair_a).post(
        transition_url(incident, "notify"),
        {"event_date": "2015-01-09", "ofsted_notified_on": "2015-01-08"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["event_date"]
    assert "this case follows Working Together 2013/2015" in body["event_date"][0]
    incident.refresh_from_db()
    assert (incident.state, incident.received_on, incident.regime) == ("draft", None, "")
    assert AuditEntry.objects.for_object(incident).count() == entries


def test_other_on_the_last_day_of_2013_is_refused_and_on_the_first_of_2018_accepted(chair_a):
    with pytest.raises(InvalidInput):
        draft(chair_a, nature="other", incident_on=date(2018, 6, 27), la_aware_on=date(2018, 6, 28))
    incident = draft(chair_a, nature="other", incident_on=date(2018, 6, 27), la_aware_on=date(2018, 6, 29))
    assert incident.regime_rules.code == "wt2018"
