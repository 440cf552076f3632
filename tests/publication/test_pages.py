"""Publication pages: the list with days from completion to publication, the publication page with its
clocks, the panel's part and history, each transition page (field errors, refusals, 403), the board's
record, the case page's publication section and whole history, the panel's submission page facts,
404 across boards and flat query counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessEvent
from panel.choices import Advice
from publication.models import Publication
from publication.services import publication_publish
from tests.check_answers import post_and_confirm
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.workflow import advise, completed_review, proposed, report_sent

TODAY = date(2015, 11, 2)
LIST = reverse("publication:list")
URL = "https://www.example.org/fictional-report"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 11, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def page(publication) -> str:
    return reverse("publication:publication", args=[publication.public_id])


def transition(publication, name) -> str:
    return reverse("publication:transition", args=[publication.public_id, name])


def case_page(publication) -> str:
    return reverse("incidents:case", args=[publication.review.incidents.get().public_id])


def state_row(text: str) -> str:
    """The words of the state tag in the publication's facts."""
    facts = text[text.index('id="publication-facts"') :]
    tag = facts[facts.index("govuk-tag") :]
    return tag[tag.index(">") + 1 : tag.index("</strong>")].strip()


class TestList:
    def test_shows_days_from_completion_to_publication(self, client, sign_in, chair_a):
        waiting = report_sent(chair_a)
        published = report_sent(chair_a)
        publication_publish(actor=chair_a, publication_id=published.pk, event_date=date(2015, 7, 1), url=URL)
        sign_in(chair_a)
        response = client.get(LIST)
        assert response.status_code == 200
        assert f"{(TODAY - date(2015, 6, 1)).days} days so far" in response.text
        assert "30 days" in response.text
        assert response.text.index(str(waiting.public_id)) < response.text.index(str(published.public_id))

    def test_filters_and_other_boards(self, client, sign_in, chair_a, chair_b):
        report_sent(chair_a)
        completed_review(chair_a)
        sign_in(chair_a)
        assert client.get(LIST, {"state": "report_sent"}).text.count("publication</span></a>") == 1
        assert client.get(LIST, {"state": "nonsense"}).status_code == 200
        client.logout()
        sign_in(chair_b)
        assert "Your board has no signed-off reviews yet." in client.get(LIST).text

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ({"state": "nonsense", "mode": "full"}, "state", "Choose a state from the list"),
            ({"state": "report_sent", "mode": "'; drop table"}, "mode", "Choose a mode from the list"),
        ],
    )
    def test_bad_filters_are_field_errors_in_words_and_ignored(self, client, sign_in, chair_a, query, field, message):
        sent = report_sent(chair_a)
        sign_in(chair_a)
        response = client.get(LIST, query)
        assert response.status_code == 200
        assert "Select a valid choice" not in response.text
        assert error_summary(response) == [message]
        assert field_errors(response, field) == [message]
        assert str(sent.public_id) in response.text  # the bad filter is ignored, the good one applied

    def test_a_good_filter_beside_a_bad_one_still_applies(self, client, sign_in, chair_a):
        sent = report_sent(chair_a)
        awaiting = completed_review(chair_a).publication
        sign_in(chair_a)
        text = client.get(LIST, {"state": "awaiting_report", "mode": "bogus"}).text
        assert str(awaiting.public_id) in text and str(sent.public_id) not in text

    def test_nobody_else_has_the_list(self, client, sign_in, administrator):
        sign_in(administrator)
        assert client.get(LIST).status_code == 404

    @pytest.mark.parametrize("n", [2, 10])
    def test_query_count_does_not_grow(self, client, sign_in, chair_a, django_assert_max_num_queries, n):
        for _ in range(n // 2):
            report_sent(chair_a)
            proposed(chair_a)
        sign_in(chair_a)
        # session, user, device, count, the page (with review, board, incident, submission), and the
        # session's save (update in a savepoint): the same whatever n
        with django_assert_max_num_queries(8 + 1):  # + 1: the page's access events, one INSERT
            response = client.get(LIST)
        assert response.text.count("publication</span></a>") == n


class TestThePublicationPage:
    def test_facts_clocks_actions_and_an_access_event(self, client, sign_in, chair_a):
        publication = report_sent(chair_a, planned_publication_on=date(2015, 7, 1))
        sign_in(chair_a)
        response = client.get(page(publication))
        assert response.status_code == 200
        text = response.text
        assert "Final report to the national panel (at least 7 days before publication)" in text
        assert "Published report online (at least 12 months from publication)" in text
        assert "The earliest it can be published is 12 June 2015" in text
        for name in ("propose", "schedule", "publish"):
            assert transition(publication, name) in text
        assert "Final report sent to the panel" in text  # the timeline
        assert AccessEvent.objects.filter(object_id=publication.pk).count() == 1

    def test_waiting_for_the_panel_says_why(self, client, sign_in, chair_a):
        publication = proposed(chair_a)
        sign_in(chair_a)
        text = client.get(page(publication)).text
        # Said apart from the actions, and not offered as one (issue 17).
        assert "You cannot" not in text and transition(publication, "publish") not in text
        assert '<div class="govuk-inset-text" id="publication-waiting">' in text
        assert "The panel has not yet advised." in text.split('id="publication-waiting"')[1].split("</div>")[0]
        assert reverse("panel:submission", args=[publication.submission.public_id]) in text

    @pytest.mark.parametrize(
        ("mode", "advice", "waits_for"),
        [
            ("summary_only", Advice.AGREE_SUMMARY_ONLY, "To be published as a summary only"),
            ("anonymised", Advice.AGREE_ANONYMOUS_PUBLICATION, "To be published anonymised"),
            ("not_published", Advice.AGREE_NOT_PUBLISH, "To be withheld"),
        ],
    )
    def test_once_the_panel_closes_the_proposal_the_state_says_what_it_waits_for(
        self, client, sign_in, chair_a, mode, advice, waits_for
    ):
        publication = proposed(chair_a, mode=mode)
        sign_in(chair_a)
        assert state_row(client.get(page(publication)).text) == "With the panel"  # the panel has not advised yet
        advise(publication.submission, advice, on=date(2015, 6, 15))
        assert state_row(client.get(page(publication)).text) == waits_for
        review = client.get(reverse("reviews:review", args=[publication.review.public_id])).text
        assert f'{waits_for}<span class="govuk-visually-hidden">: the publication of this review' in review
        assert f">{waits_for}</strong>" in client.get(LIST).text
        case = client.get(case_page(publication)).text
        assert "The panel has closed the proposal not to publish in full. Outcome: Panel agreed" in case
        assert "is with the panel" not in case

    @pytest.mark.parametrize("outsider", ["chair_b", "staff_b", "administrator"])
    def test_another_board_gets_404_everywhere(self, request, client, sign_in, chair_a, outsider):
        publication = report_sent(chair_a)
        sign_in(request.getfixturevalue(outsider))
        assert client.get(page(publication)).status_code == 404
        assert client.get(transition(publication, "publish")).status_code == 404
        assert client.post(transition(publication, "publish"), {"url": URL}).status_code == 404
        assert client.get(reverse("publication:record", args=[publication.public_id])).status_code == 404

    def test_the_panel_reads_but_cannot_write(self, client, sign_in, chair_a, panel_member):
        publication = report_sent(chair_a)
        sign_in(panel_member)
        assert client.get(page(publication)).status_code == 200
        assert client.get(transition(publication, "publish")).status_code == 403
        assert client.get(reverse("publication:record", args=[publication.public_id])).status_code == 403
        assert client.get(page(completed_review(chair_a).publication)).status_code == 404

    def test_an_unknown_transition_is_404(self, client, sign_in, chair_a):
        publication = report_sent(chair_a)
        sign_in(chair_a)
        assert client.get(transition(publication, "unpublish")).status_code == 404


class TestTransitionPages:
    def test_publish_too_early_shows_the_7_day_rule_beside_the_date(self, client, sign_in, chair_a):
        publication = report_sent(chair_a)
        sign_in(chair_a)
        response = client.post(
            transition(publication, "publish"), {**date_fields("event_date", date(2015, 6, 10)), "url": URL}
        )
        assert response.status_code == 200
        assert field_errors(response, "event_date") == [
            "The final report must reach the panel at least 7 days before publication: publish on or after 12 June 2015"
        ]
        assert Publication.objects.get(pk=publication.pk).state == "report_sent"
        response = post_and_confirm(
            client, transition(publication, "publish"), {**date_fields("event_date", date(2015, 6, 12)), "url": URL}
        )
        assert response.status_code == 302
        assert banner(client.get(response.url)) == "Report published on 12 June 2015 (full publication)"

    def test_propose_names_every_missing_answer(self, client, sign_in, chair_a):
        publication = report_sent(chair_a)
        sign_in(chair_a)
        response = client.post(transition(publication, "propose"), date_fields("event_date", date(2015, 6, 8)))
        assert error_summary(response) == [
            "Select how the board proposes to publish the report",
            "Give the board's reasons for not publishing in full",
            "Give the independent advice that publication would put specific individuals at serious risk",
        ]
        assert not Publication.objects.get(pk=publication.pk).submission_id

    def test_propose_then_the_submission_page_shows_its_facts(self, client, sign_in, chair_a, panel_member):
        publication = report_sent(chair_a)
        sign_in(chair_a)
        response = client.post(
            transition(publication, "propose"),
            {
                **date_fields("event_date", date(2015, 6, 8)),
                "mode": "summary_only",
                "reasons": "Fictional reasons.",
                "independent_advice": "Fictional independent advice.",
            },
        )
        publication.refresh_from_db()
        submission_url = reverse("panel:submission", args=[publication.submission.public_id])
        assert response.url == submission_url
        text = client.get(submission_url).text
        assert "Proposed mode of publication" in text
        assert "Fictional independent advice." in text
        assert page(publication) in text

    def test_a_blocked_transition_redirects_with_the_reasons(self, client, sign_in, chair_a):
        publication = proposed(chair_a)
        sign_in(chair_a)
        response = client.get(transition(publication, "withhold"))
        assert response.status_code == 302
        assert banner(client.get(response.url)) == "You cannot withhold the report now: The panel has not yet advised."
        assert Publication.objects.get(pk=publication.pk).state == "with_panel"

    def test_staff_get_403_on_propose(self, client, sign_in, chair_a, staff_a):
        publication = report_sent(chair_a)
        sign_in(staff_a)
        assert client.get(transition(publication, "propose")).status_code == 403


class TestTheBoardsRecord:
    def test_errors_beside_fields_and_saved(self, client, sign_in, chair_a):
        publication = report_sent(chair_a)
        sign_in(chair_a)
        url = reverse("publication:record", args=[publication.public_id])
        response = client.post(url, {"board_response": "x", **date_fields("nspcc_deposited_on", date(2015, 6, 20))})
        assert field_errors(response, "nspcc_deposited_on") == [
            "The report can be deposited once it has been published"
        ]
        assert Publication.objects.get(pk=publication.pk).board_response == ""
        response = client.post(url, {"board_response": "The board's fictional response."})
        assert response.status_code == 302
        assert "The board&#x27;s fictional response." in client.get(page(publication)).text


class TestTheCasePage:
    def test_section_delay_and_the_whole_history(self, client, sign_in, chair_a):
        publication = proposed(chair_a)
        advise(publication.submission, advice=Advice.AGREE_SUMMARY_ONLY, on=date(2015, 6, 20))
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 22), url=URL)
        sign_in(chair_a)
        text = client.get(case_page(publication)).text
        assert 'id="publication"' in text
        assert "Publish the final report" in text and "Published on 22 June 2015" in text  # the task list
        assert "21 days" in text
        assert "Summary only" in text
        for what in (
            "Final report sent to the panel",
            "Publication other than in full proposed",
            "Report published",
        ):
            assert what in text, what
        assert text.index("Final report sent to the panel") < text.index("Report published")

    @pytest.mark.parametrize("n", [1, 6])
    def test_case_list_shows_the_delay_in_flat_queries(
        self, client, sign_in, chair_a, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            report_sent(chair_a)
        sign_in(chair_a)
        with django_assert_max_num_queries(15):  # as tests/incidents (with each case's next move): whatever n
            response = client.get(reverse("incidents:list"))
        assert "Days from completion to publication" in response.text
        assert response.text.count(f"{(TODAY - date(2015, 6, 1)).days} days so far") == n

    def test_the_incidents_api_list_offers_close_without_a_query_a_row(self, chair_a, django_assert_max_num_queries):
        from tests.api import token_client

        for _ in range(3):
            published = report_sent(chair_a)
            publication_publish(actor=chair_a, publication_id=published.pk, event_date=date(2015, 6, 12), url=URL)
        report_sent(chair_a)
        client = token_client(chair_a)
        with django_assert_max_num_queries(3 + 1):  # token and user, count, page, access events
            rows = client.get("/api/v1/incidents/").json()["results"]
        closable = [next(t["blocked_by"] for t in row["available_transitions"] if t["name"] == "close") for row in rows]
        assert sorted(map(len, closable)) == [0, 0, 0, 1]


class TestThePanelsSubmissionPages:
    def test_a_panel_member_reads_the_proposal_and_the_board_lists_it(self, client, sign_in, chair_a, panel_member):
        publication = proposed(chair_a, mode="not_published")
        submission_url = reverse("panel:submission", args=[publication.submission.public_id])
        sign_in(panel_member)
        text = client.get(submission_url).text
        assert "Not published" in text and "Fictional independent advice" in text
        assert publication.review.incidents.get().reference in text
        client.logout()
        sign_in(chair_a)
        assert submission_url in client.get(reverse("panel:submissions")).text

    def test_the_panels_dashboards_and_agenda_show_the_proposal(self, client, sign_in, chair_a, secretariat):
        from panel.services import meeting_create, submission_schedule

        publication = proposed(chair_a)
        meeting = meeting_create(actor=secretariat, meets_on=date(2015, 11, 20))
        sign_in(secretariat)
        assert client.get(reverse("accounts:dashboard")).status_code == 200
        submission_schedule(
            actor=secretariat, submission_id=publication.submission_id, event_date=TODAY, meeting_id=meeting.pk
        )
        response = client.get(reverse("panel:meeting", args=[meeting.public_id]))
        assert response.status_code == 200
        assert reverse("panel:submission", args=[publication.submission.public_id]) in response.text
        assert "Not to publish" in response.text
        assert publication.review.incidents.get().reference in response.text
        assert "Review signed off 1 Jun 2015" in response.text
        dashboard = client.get(reverse("panel:submissions")).text
        assert (
            f'{publication.review.incidents.get().reference}<span class="govuk-visually-hidden"> submission'
            in dashboard
        )
