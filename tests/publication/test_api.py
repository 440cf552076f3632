"""The publications API (SPEC §8): list and detail with clocks and transitions, every transition by
POST, the board's record by PATCH, the panel's read-only view, 404 across boards, flat query counts."""

from datetime import date

import pytest
import time_machine

from audit.models import AccessEvent, AuditEntry
from panel.choices import Advice
from publication.api import TRANSITION_APIS
from publication.models import PUBLICATION_TRANSITIONS, Publication
from tests.api import assert_matches_schema, session_client, token_client
from tests.workflow import advise, completed_review, proposed, report_sent

TODAY = date(2015, 11, 2)
LIST = "/api/v1/publications/"
DETAIL = "/api/v1/publications/{public_id}/"
URL = "https://www.example.org/fictional-report"


def transition_path(name):
    return f"/api/v1/publications/{{public_id}}/transitions/{name}/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def detail(publication) -> str:
    return DETAIL.format(public_id=publication.public_id)


def post(client, publication, name, **body):
    return client.post(transition_path(name).format(public_id=publication.public_id), body, format="json")


def test_every_transition_has_a_route():
    assert set(TRANSITION_APIS) == set(PUBLICATION_TRANSITIONS)


class TestReading:
    def test_detail_shows_every_field_clocks_and_transitions(self, chair_a):
        publication = report_sent(chair_a, planned_publication_on=date(2015, 7, 1))
        response = token_client(chair_a).get(detail(publication))
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL)
        body = response.json()
        assert body["state"] == "report_sent"
        assert body["mode"] == "full"
        assert body["report_sent_on"] == "2015-06-05"
        assert body["completed_on"] == "2015-06-01"
        assert body["days_to_publication"] == (TODAY - date(2015, 6, 1)).days
        assert body["submission"] is None
        assert [c["name"] for c in body["clocks"]] == ["report_to_panel", "online_period"]
        assert body["clocks"][0]["status"] == "met"
        assert body["clocks"][1]["status"] == "not_started"
        names = {t["name"]: t["blocked_by"] for t in body["available_transitions"]}
        assert names == {"propose": [], "schedule": [], "publish": []}
        assert body["review"].endswith(f"/api/v1/reviews/{publication.review.public_id}/")
        assert AccessEvent.objects.filter(object_id=publication.pk).count() == 1

    def test_the_review_links_to_its_publication(self, chair_a, panel_member):
        review = completed_review(chair_a)
        body = token_client(chair_a).get(f"/api/v1/reviews/{review.public_id}/").json()
        assert body["publication"].endswith(detail(review.publication))
        # The panel sees the review (the initiation notice) but not the publication until the report is sent.
        assert token_client(panel_member).get(f"/api/v1/reviews/{review.public_id}/").json()["publication"] is None

    def test_blocked_transitions_explain_the_panels_part(self, chair_a):
        publication = proposed(chair_a)
        body = token_client(chair_a).get(detail(publication)).json()
        assert body["available_transitions"] == [
            {"name": "schedule", "blocked_by": ["The panel has not yet advised"]},
            {"name": "publish", "blocked_by": ["The panel has not yet advised"]},
            {"name": "withhold", "blocked_by": ["The panel has not yet advised"]},
        ]
        assert body["panel_outcome"] == "not_yet_advised"
        assert body["submission"].endswith(f"/api/v1/submissions/{publication.submission.public_id}/")

    @pytest.mark.parametrize("outsider", ["chair_b", "staff_b", "administrator"])
    def test_another_boards_publication_is_404_everywhere(self, request, chair_a, outsider):
        publication = report_sent(chair_a)
        client = token_client(request.getfixturevalue(outsider))
        assert client.get(detail(publication)).status_code == 404
        assert client.get(LIST).json()["results"] == []
        assert client.patch(detail(publication), {"board_response": "x"}, format="json").status_code == 404
        for name in TRANSITION_APIS:
            response = post(client, publication, name, event_date="2015-06-20")
            assert response.status_code == 404, name
        assert Publication.objects.get(pk=publication.pk).state == "report_sent"

    def test_the_panel_reads_sent_reports_only_and_writes_nothing(self, chair_a, panel_member):
        waiting = completed_review(chair_a).publication
        sent = report_sent(chair_a)
        client = token_client(panel_member)
        assert [p["id"] for p in client.get(LIST).json()["results"]] == [str(sent.public_id)]
        assert client.get(detail(waiting)).status_code == 404
        body = client.get(detail(sent)).json()
        assert body["available_transitions"] == []
        response = post(client, sent, "publish", event_date="2015-06-20", url=URL)
        assert response.status_code == 403
        assert client.patch(detail(sent), {"board_response": "x"}, format="json").status_code == 403

    def test_filters(self, chair_a):
        report_sent(chair_a)
        completed_review(chair_a)
        client = token_client(chair_a)
        assert len(client.get(LIST, {"state": "report_sent"}).json()["results"]) == 1
        assert len(client.get(LIST, {"mode": "full"}).json()["results"]) == 2
        response = client.get(LIST, {"state": "nonsense"})
        assert response.status_code == 400
        assert "state" in response.json()

    @pytest.mark.parametrize("n", [2, 8])
    def test_list_query_count_does_not_grow(self, chair_a, django_assert_max_num_queries, n):
        for _ in range(n // 2):
            report_sent(chair_a)
            proposed(chair_a)
        client = token_client(chair_a)
        # token and user, count, the page with review, board, incident and submission
        with django_assert_max_num_queries(4):
            response = client.get(LIST)
        assert response.status_code == 200
        assert_matches_schema(response, LIST)
        assert response.json()["count"] == n


class TestTransitions:
    def test_send_report_then_publish_a_week_later(self, chair_a, staff_a):
        publication = completed_review(chair_a).publication
        client = session_client(staff_a)
        response = post(client, publication, "send_report", event_date="2015-06-05")
        assert response.status_code == 200
        assert_matches_schema(response, transition_path("send_report"), "post")
        assert response.json()["state"] == "report_sent"
        early = post(client, publication, "publish", event_date="2015-06-11", url=URL)
        assert early.status_code == 400
        assert "at least 7 days before publication" in early.json()["event_date"][0]
        response = post(client, publication, "publish", event_date="2015-06-12", url=URL)
        assert response.status_code == 200
        body = response.json()
        assert (body["state"], body["mode"], body["published_on"], body["publication_url"]) == (
            "published",
            "full",
            "2015-06-12",
            URL,
        )
        assert body["days_to_publication"] == 11
        assert AuditEntry.objects.for_object(publication).count() == 2

    def test_a_summary_only_proposal_through_the_panel(self, chair_a):
        publication = report_sent(chair_a)
        client = token_client(chair_a)
        bad = post(
            client, publication, "propose", event_date="2015-06-08", mode="full", reasons="", independent_advice=""
        )
        assert bad.status_code == 400
        assert set(bad.json()) == {"mode"}  # malformed at once: `full` is not a proposal
        missing = post(client, publication, "propose", event_date="2015-06-08", mode="summary_only")
        assert missing.status_code == 400
        assert set(missing.json()) == {"reasons", "independent_advice"}
        response = post(
            client,
            publication,
            "propose",
            event_date="2015-06-08",
            mode="summary_only",
            reasons="Fictional reasons.",
            independent_advice="Fictional independent advice.",
        )
        assert response.status_code == 200
        publication.refresh_from_db()
        submission = publication.submission
        sent = client.post(
            f"/api/v1/submissions/{submission.public_id}/transitions/submit/",
            {"event_date": "2015-06-08"},
            format="json",
        )
        assert sent.status_code == 200, sent.json()
        advise(submission, advice=Advice.AGREE_SUMMARY_ONLY, on=date(2015, 6, 20))
        refused = post(client, publication, "withhold", event_date="2015-06-21", reason="x")
        assert refused.status_code == 409
        assert refused.json()["blocked_by"] == ["The outcome is to publish: the report cannot be withheld"]
        response = post(client, publication, "publish", event_date="2015-06-21", url=URL)
        assert response.status_code == 200
        assert (response.json()["mode"], response.json()["panel_outcome"]) == ("summary_only", "agreed_summary")

    def test_wrong_state_is_409_and_unknown_fields_400(self, chair_a):
        publication = completed_review(chair_a).publication
        client = token_client(chair_a)
        response = post(client, publication, "publish", event_date="2015-06-20", url=URL)
        assert response.status_code == 409
        assert response.json()["state"] == "awaiting_report"
        response = post(client, publication, "send_report", event_date="2015-06-05", state="published")
        assert response.status_code == 400
        assert response.json()["state"] == ["This field cannot be set"]
        assert post(client, publication, "send_report", event_date="not a date").status_code == 400
        assert Publication.objects.get(pk=publication.pk).state == "awaiting_report"

    def test_staff_cannot_propose(self, chair_a, staff_a):
        publication = report_sent(chair_a)
        response = post(
            token_client(staff_a),
            publication,
            "propose",
            event_date="2015-06-08",
            mode="anonymised",
            reasons="x",
            independent_advice="y",
        )
        assert response.status_code == 403


class TestTheBoardsRecord:
    def test_patch_keeps_what_is_not_sent(self, chair_a):
        publication = report_sent(chair_a)
        client = token_client(chair_a)
        response = client.patch(detail(publication), {"board_response": "Fictional response."}, format="json")
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL, "patch")
        bad = client.patch(detail(publication), {"nspcc_deposited_on": "2015-06-20"}, format="json")
        assert bad.status_code == 400
        assert "once it has been published" in bad.json()["nspcc_deposited_on"][0]
        assert client.patch(detail(publication), {"url": URL}, format="json").status_code == 400
        assert Publication.objects.get(pk=publication.pk).board_response == "Fictional response."


def test_a_proposal_in_the_submissions_api_names_its_case_and_publication(chair_a, panel_member):
    publication = proposed(chair_a)
    incident = publication.review.incidents.get()
    path = "/api/v1/submissions/{public_id}/"
    for user in (chair_a, panel_member):
        response = token_client(user).get(path.format(public_id=publication.submission.public_id))
        assert response.status_code == 200
        assert_matches_schema(response, path)
        body = response.json()
        assert (body["kind"], body["reference"], body["decision"]) == ("non_publication", incident.reference, None)
        assert body["incident"].endswith(f"/api/v1/incidents/{incident.public_id}/")
        assert body["publication"].endswith(detail(publication))
        assert body["missing"] == []
