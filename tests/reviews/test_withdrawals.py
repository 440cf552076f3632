"""Records entered by mistake, withdrawn by the chair with a reason (issue 15): a contribution request, a
recommendation (with its actions), an action and a document.

Each withdrawal works for the chair, once; staff (and the panel) are refused, another board gets a 404, a
reason is required (a field error, nothing saved); it writes an audit entry of the record. The withdrawn
record leaves the review page, the action plan, the API's lists and details, the exports, the clock rows
and reminders, and stays in the audit trail and the review's timeline.
"""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEntry
from reminders.services import reminders_plan
from reminders.sources import sources
from reviews import documents
from reviews.models import Action, Contribution, Document, DocumentKind, Recommendation
from reviews.selectors import action_plan, contributions_for_user, review_page
from reviews.services import (
    action_begin,
    action_withdraw,
    contribution_receive,
    contribution_withdraw,
    document_withdraw,
    recommendation_add,
    recommendation_withdraw,
)
from reviews.timeline import review_timeline_rows
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.api import assert_matches_schema, session_client
from tests.check_answers import post_and_confirm
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.reviews.test_documents import PDF
from tests.reviews.test_review_api import (
    STATUSES,
    TODAY,
    action_in,
    action_of,
    contribution_of,
    frozen_today,  # noqa: F401 (the frozen day, autouse)
    recommendation_of,
    review_in,
    theme_ids,
)
from tests.workflow import final_report_reached_panel

REASON = "Entered by mistake: a duplicate of another request."
PANEL = ["panel_member", "secretariat"]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    root = tmp_path / "private-documents"
    settings.PRIVATE_DOCUMENTS_ROOT = root
    return root


@pytest.fixture
def review(chair_a):
    return review_in("drafting", chair_a)


def a_document(actor, review, title="Overview report, wrong case") -> Document:
    return documents.document_upload(
        actor=actor,
        review_id=review.pk,
        kind=DocumentKind.OVERVIEW_REPORT,
        title=title,
        uploaded_file=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
    )


def entries(record) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(record).order_by("pk"))


def clock_rows(record) -> list[ClockRow]:
    return list(record.clock_rows.all())


def page(review) -> str:
    return reverse("reviews:review", args=[review.public_id])


# --- Contributions ------------------------------------------------------------------------------


class TestContributionWithdrawal:
    @pytest.mark.parametrize("received", [False, True])
    def test_the_chair_withdraws_it_audited_and_its_clock_goes(self, chair_a, review, received):
        contribution = contribution_of(review, chair_a)
        if received:
            contribution_receive(actor=chair_a, contribution_id=contribution.pk, received_on=TODAY)
        assert len(clock_rows(contribution)) == 1
        withdrawn = contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=f"  {REASON} ")
        stored = Contribution.all_objects.get(pk=contribution.pk)
        assert (stored.withdrawn_by, stored.withdrawal_reason) == (chair_a, REASON) and stored.withdrawn_at
        assert withdrawn.is_withdrawn and stored.is_withdrawn
        (entry,) = entries(contribution)
        assert (entry.transition, entry.from_state, entry.to_state) == (
            "withdraw",
            "received" if received else "requested",
            "withdrawn",
        )
        assert (entry.reason, entry.actor, entry.actor_role, entry.board_id, entry.event_date) == (
            REASON,
            chair_a,
            "board_chair",
            review.board_id,
            TODAY,
        )
        assert clock_rows(stored) == []
        assert not Contribution.objects.filter(pk=contribution.pk).exists()
        assert list(review.contributions.all()) == []
        assert not contributions_for_user(chair_a).filter(pk=contribution.pk).exists()

    def test_a_second_withdrawal_is_refused(self, chair_a, review):
        contribution = contribution_of(review, chair_a)
        contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=REASON)
        with pytest.raises(NotAllowedInState):
            contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason="Again")
        assert len(entries(contribution)) == 1
        assert Contribution.all_objects.get(pk=contribution.pk).withdrawal_reason == REASON

    @pytest.mark.parametrize("persona", ["staff_a", *PANEL])
    def test_only_the_chair_withdraws(self, request, chair_a, review, persona):
        contribution = contribution_of(final_report_reached_panel(review), chair_a)
        with pytest.raises(RoleNotPermitted):
            contribution_withdraw(
                actor=request.getfixturevalue(persona), contribution_id=contribution.pk, reason=REASON
            )
        assert Contribution.objects.filter(pk=contribution.pk).exists() and entries(contribution) == []

    @pytest.mark.parametrize("persona", ["chair_b", "administrator"])
    def test_another_board_gets_404(self, request, chair_a, review, persona):
        contribution = contribution_of(review, chair_a)
        with pytest.raises(Http404):
            contribution_withdraw(
                actor=request.getfixturevalue(persona), contribution_id=contribution.pk, reason=REASON
            )
        assert Contribution.objects.filter(pk=contribution.pk).exists()

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_a_reason_is_required(self, chair_a, review, reason):
        contribution = contribution_of(review, chair_a)
        with pytest.raises(InvalidInput) as refused:
            contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=reason)
        assert refused.value.errors == {"reason": ["Enter why the agency contribution request is being withdrawn"]}
        assert Contribution.objects.filter(pk=contribution.pk).exists() and entries(contribution) == []
        assert len(clock_rows(contribution)) == 1


# --- Recommendations ----------------------------------------------------------------------------


class TestRecommendationWithdrawal:
    def test_its_actions_are_withdrawn_with_it_each_audited(self, chair_a, review):
        recommendation = recommendation_of(review, chair_a)
        open_action = action_of(recommendation, chair_a)
        done = action_in("completed", chair_a, recommendation=recommendation)
        gone = action_of(recommendation, chair_a, description="Already withdrawn")
        action_withdraw(actor=chair_a, action_id=gone.pk, event_date=TODAY, reason="A duplicate")
        recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=REASON)

        stored = Recommendation.all_objects.get(pk=recommendation.pk)
        assert (stored.withdrawn_by, stored.withdrawal_reason) == (chair_a, REASON) and stored.is_withdrawn
        (entry,) = entries(recommendation)
        assert (entry.transition, entry.from_state, entry.to_state, entry.reason, entry.actor) == (
            "withdraw",
            "recorded",
            "withdrawn",
            REASON,
            chair_a,
        )
        for action, status in ((open_action, "open"), (done, "completed")):
            assert Action.all_objects.get(pk=action.pk).status == "withdrawn"
            last = entries(action)[-1]
            assert (last.transition, last.from_state, last.to_state, last.actor, last.event_date) == (
                "withdraw",
                status,
                "withdrawn",
                chair_a,
                TODAY,
            )
            assert last.reason == f"Recommendation {recommendation.number} withdrawn: {REASON}"
            assert clock_rows(action) == []
        # The action withdrawn before is not withdrawn twice.
        assert [e.transition for e in entries(gone)] == ["withdraw"]
        assert entries(gone)[0].reason == "A duplicate"
        assert list(review.recommendations.all()) == [] and not Action.objects.filter(recommendation=stored).exists()

    def test_a_second_withdrawal_is_refused(self, chair_a, review):
        recommendation = recommendation_of(review, chair_a)
        recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=REASON)
        with pytest.raises(NotAllowedInState):
            recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=REASON)
        assert len(entries(recommendation)) == 1

    @pytest.mark.parametrize("persona", ["staff_a", *PANEL])
    def test_only_the_chair_withdraws(self, request, chair_a, review, persona):
        recommendation = recommendation_of(final_report_reached_panel(review), chair_a)
        action = action_of(recommendation, chair_a)
        with pytest.raises(RoleNotPermitted):
            recommendation_withdraw(
                actor=request.getfixturevalue(persona), recommendation_id=recommendation.pk, reason=REASON
            )
        assert Recommendation.objects.filter(pk=recommendation.pk).exists()
        assert Action.objects.get(pk=action.pk).status == "open" and len(entries(action)) == 0

    def test_another_board_gets_404(self, chair_a, chair_b, review):
        recommendation = recommendation_of(review, chair_a)
        with pytest.raises(Http404):
            recommendation_withdraw(actor=chair_b, recommendation_id=recommendation.pk, reason=REASON)
        assert Recommendation.objects.filter(pk=recommendation.pk).exists()

    def test_a_reason_is_required_and_nothing_is_withdrawn(self, chair_a, review):
        recommendation = recommendation_of(review, chair_a)
        action = action_of(recommendation, chair_a)
        with pytest.raises(InvalidInput) as refused:
            recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=" ")
        assert set(refused.value.errors) == {"reason"}
        assert Recommendation.objects.filter(pk=recommendation.pk).exists()
        assert Action.objects.get(pk=action.pk).status == "open" and len(clock_rows(action)) == 1

    def test_numbering_counts_the_withdrawn_ones(self, chair_a, review):
        first = recommendation_of(review, chair_a)
        second = recommendation_of(review, chair_a)
        recommendation_withdraw(actor=chair_a, recommendation_id=second.pk, reason=REASON)
        third = recommendation_add(
            actor=chair_a,
            review_id=review.pk,
            text="Another recommendation",
            addressed_to="practitioners",
            theme_ids=theme_ids("Neglect"),
        )
        assert (first.number, second.number, third.number) == (1, 2, 3)


# --- Actions ------------------------------------------------------------------------------------


class TestActionWithdrawal:
    @pytest.mark.parametrize("status", STATUSES)
    def test_the_chair_withdraws_from_every_status(self, chair_a, status):
        action = action_in(status, chair_a)
        before = entries(action)
        withdrawn = action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
        assert withdrawn.status == "withdrawn" == Action.all_objects.get(pk=action.pk).status
        after = entries(action)
        assert after[: len(before)] == before  # its earlier entries stay
        last = after[-1]
        assert (last.transition, last.from_state, last.to_state, last.reason, last.actor, last.event_date) == (
            "withdraw",
            status,
            "withdrawn",
            REASON,
            chair_a,
            TODAY,
        )
        assert last.state_log is not None and last.state_log.description == REASON
        assert clock_rows(withdrawn) == []
        assert not action_plan(chair_a, today=TODAY).filter(pk=action.pk).exists()

    def test_refused_once_withdrawn(self, chair_a):
        action = action_in("open", chair_a)
        action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
        runs = {
            "withdraw": lambda: action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason="x"),
            "begin": lambda: action_begin(actor=chair_a, action_id=action.pk, event_date=TODAY),
        }
        for name, run in runs.items():
            with pytest.raises(NotAllowedInState) as refused:
                run()
            assert (refused.value.name, refused.value.state) == (name, "withdrawn")
        assert len(entries(action)) == 1

    @pytest.mark.parametrize("persona", ["staff_a"])
    def test_only_the_chair_withdraws(self, request, chair_a, persona):
        action = action_in("in_progress", chair_a)
        with pytest.raises(RoleNotPermitted):
            action_withdraw(actor=request.getfixturevalue(persona), action_id=action.pk, event_date=TODAY, reason="x")
        assert Action.objects.get(pk=action.pk).status == "in_progress"

    @pytest.mark.parametrize("persona", ["chair_b", *PANEL])
    def test_anyone_else_gets_404(self, request, chair_a, persona):
        action = action_in("open", chair_a)
        with pytest.raises(Http404):
            action_withdraw(actor=request.getfixturevalue(persona), action_id=action.pk, event_date=TODAY, reason="x")

    @pytest.mark.parametrize(
        ("event_date", "reason", "field"),
        [
            (TODAY, "  ", "reason"),
            (None, REASON, "event_date"),
            (TODAY - timedelta(days=1), REASON, "event_date"),  # before the action was agreed
            (TODAY + timedelta(days=1), REASON, "event_date"),
        ],
    )
    def test_bad_input_gives_a_field_error_and_saves_nothing(self, chair_a, event_date, reason, field):
        action = action_in("open", chair_a)
        with pytest.raises(InvalidInput) as refused:
            action_withdraw(actor=chair_a, action_id=action.pk, event_date=event_date, reason=reason)
        assert field in refused.value.errors
        assert Action.objects.get(pk=action.pk).status == "open" and entries(action) == []


# --- Documents ----------------------------------------------------------------------------------


class TestDocumentWithdrawal:
    def test_the_chair_withdraws_it_and_its_download_is_404_but_the_bytes_stay(
        self, client, sign_in, chair_a, review, private_root
    ):
        document = a_document(chair_a, review)
        document_withdraw(actor=chair_a, document_id=document.pk, reason=REASON)
        stored = Document.all_objects.get(pk=document.pk)
        assert (stored.withdrawn_by, stored.withdrawal_reason) == (chair_a, REASON)
        (entry,) = entries(document)
        assert (entry.transition, entry.from_state, entry.to_state, entry.reason) == (
            "withdraw",
            "uploaded",
            "withdrawn",
            REASON,
        )
        assert list(documents.review_documents(review)) == []
        assert (private_root / stored.stored_name).read_bytes() == PDF
        sign_in(chair_a)
        assert client.get(reverse("documents:download", args=[document.public_id])).status_code == 404

    def test_refusals(self, request, chair_a, staff_a, chair_b, review):
        document = a_document(staff_a, review)
        with pytest.raises(RoleNotPermitted):
            document_withdraw(actor=staff_a, document_id=document.pk, reason=REASON)
        with pytest.raises(Http404):
            document_withdraw(actor=chair_b, document_id=document.pk, reason=REASON)
        with pytest.raises(InvalidInput) as refused:
            document_withdraw(actor=chair_a, document_id=document.pk, reason="")
        assert set(refused.value.errors) == {"reason"}
        assert Document.objects.filter(pk=document.pk).exists() and entries(document) == []
        document_withdraw(actor=chair_a, document_id=document.pk, reason=REASON)
        with pytest.raises(NotAllowedInState):
            document_withdraw(actor=chair_a, document_id=document.pk, reason=REASON)
        assert len(entries(document)) == 1


# --- Pages --------------------------------------------------------------------------------------


def withdraw_urls(contribution, recommendation, action, document) -> dict[str, str]:
    return {
        "contribution": reverse("reviews:contribution_withdraw", args=[contribution.public_id]),
        "recommendation": reverse("reviews:recommendation_withdraw", args=[recommendation.public_id]),
        "action": reverse("reviews:action_transition", args=[action.public_id, "withdraw"]),
        "document": reverse("documents:withdraw", args=[document.public_id]),
    }


@pytest.fixture
def records(chair_a, review):
    contribution = contribution_of(review, chair_a, agency_name="Fictional Constabulary, asked twice")
    recommendation = recommendation_of(review, chair_a)
    action = action_of(recommendation, chair_a, description="Fictional action agreed by mistake")
    document = a_document(chair_a, review, title="Fictional report of another case")
    return contribution, recommendation, action, document


class TestPages:
    def test_the_chair_has_a_withdraw_link_beside_each_record_and_staff_none(
        self, client, sign_in, chair_a, staff_a, review, records
    ):
        urls = withdraw_urls(*records)
        sign_in(chair_a)
        text = client.get(page(review)).text
        assert all(f'href="{href}"' in text for href in urls.values()), urls
        sign_in(staff_a)
        text = client.get(page(review)).text
        assert not any(href in text for href in urls.values())

    @pytest.mark.parametrize("kind", ["contribution", "recommendation", "action", "document"])
    def test_the_page_warns_asks_why_and_its_check_page_has_a_red_button(self, client, sign_in, chair_a, records, kind):
        sign_in(chair_a)
        response = client.get(withdraw_urls(*records)[kind])
        assert response.status_code == 200
        text = response.text
        assert "govuk-warning-text" in text and 'value="Continue"' in text and "govuk-button--warning" not in text
        assert '<textarea name="reason"' in text and 'for="id_reason"' in text
        assert "govuk-back-link" in text
        check = client.post(withdraw_urls(*records)[kind], {"reason": REASON, **date_fields("event_date", TODAY)})
        assert "govuk-warning-text" in check.text and "govuk-button--warning" in check.text
        assert ">Confirm and withdraw<" in check.text

    @pytest.mark.parametrize("kind", ["contribution", "recommendation", "action", "document"])
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_staff_get_the_403_page_and_nothing_is_saved(self, client, sign_in, staff_a, records, kind, method):
        sign_in(staff_a)
        data = {"reason": REASON, **date_fields("event_date", TODAY)} if method == "post" else None
        response = getattr(client, method)(withdraw_urls(*records)[kind], data)
        assert response.status_code == 403
        assert not AuditEntry.objects.filter(transition="withdraw").exists()

    @pytest.mark.parametrize("kind", ["contribution", "recommendation", "action", "document"])
    def test_another_board_gets_404(self, client, sign_in, chair_b, records, kind):
        sign_in(chair_b)
        assert client.get(withdraw_urls(*records)[kind]).status_code == 404
        assert client.post(withdraw_urls(*records)[kind], {"reason": REASON}).status_code == 404

    @pytest.mark.parametrize("kind", ["contribution", "recommendation", "action", "document"])
    def test_no_reason_is_a_field_error_and_nothing_is_saved(self, client, sign_in, chair_a, records, kind):
        sign_in(chair_a)
        response = client.post(withdraw_urls(*records)[kind], {"reason": " ", **date_fields("event_date", TODAY)})
        assert response.status_code == 200
        what = {"contribution": "agency contribution request"}.get(kind, kind)
        message = f"Enter why the {what} is being withdrawn"
        assert error_summary(response) == [message]
        assert field_errors(response, "reason") == [message]
        assert not AuditEntry.objects.filter(transition="withdraw").exists()

    @pytest.mark.parametrize("kind", ["contribution", "recommendation", "action", "document"])
    def test_withdrawn_it_leaves_the_review_page_and_shows_in_its_timeline(
        self, client, sign_in, chair_a, review, records, kind
    ):
        names = {
            "contribution": "Fictional Constabulary, asked twice",
            "recommendation": 'id="recommendation-1"',
            "action": "Fictional action agreed by mistake",
            "document": "Fictional report of another case",
        }
        sign_in(chair_a)
        assert names[kind] in client.get(page(review)).text
        response = post_and_confirm(
            client, withdraw_urls(*records)[kind], {"reason": REASON, **date_fields("event_date", TODAY)}, follow=True
        )
        assert response.redirect_chain[-1][0] == page(review)
        assert "withdrawn" in banner(response)
        text = response.text
        timeline = text[text.index("Every change to this review") :]
        assert REASON in timeline
        words = {
            "contribution": "Agency contribution request withdrawn: Fictional Constabulary, asked twice",
            "recommendation": "Recommendation withdrawn: number 1",
            "action": "Action withdrawn: Fictional action agreed by mistake",
            "document": "Document withdrawn: Fictional report of another case",
        }
        assert words[kind] in timeline
        again = client.get(page(review)).text  # without the banner, which names it
        assert names[kind] not in again[: again.index("Every change to this review")]
        # Its page is gone too.
        assert client.get(withdraw_urls(*records)[kind]).status_code == 404

    def test_the_action_plan_and_its_export_leave_it_out(self, client, sign_in, chair_a, records):
        _, recommendation, action, _ = records
        kept = action_of(recommendation, chair_a, description="Fictional action kept")
        action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
        sign_in(chair_a)
        plan = client.get(reverse("reviews:actions")).text
        assert "Fictional action kept" in plan and "Fictional action agreed by mistake" not in plan
        response = client.get(reverse("reports:export", args=["actions", "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
        assert [row[2] for row in rows[1:]] == [kept.description]
        withdrawn_filter = client.get(reverse("reviews:actions"), {"status": "withdrawn"})
        assert withdrawn_filter.status_code == 200  # not a choice: shown as a field error, ignored

    @pytest.mark.parametrize("n", [2, 20])
    def test_the_review_page_query_count_does_not_grow_with_withdrawals(
        self, client, sign_in, chair_a, review, django_assert_max_num_queries, n
    ):
        for i in range(n):
            contribution = contribution_of(review, chair_a, agency_name=f"Fictional agency {i}")
            contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=REASON)
            recommendation = recommendation_of(review, chair_a)
            action = action_of(recommendation, chair_a)
            action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
            recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=REASON)
            document_withdraw(actor=chair_a, document_id=a_document(chair_a, review).pk, reason=REASON)
        sign_in(chair_a)
        # The page's 16 (tests/reviews/test_pages.py) and the timeline's parts as recorded, withdrawn ones too,
        # one read of each kind (which also names the withdrawals).
        with django_assert_max_num_queries(16 + 4):
            response = client.get(page(review))
        assert response.text.count("Agency contribution request withdrawn") == n

    @pytest.mark.parametrize("n", [2, 20])
    def test_the_action_plan_query_count_does_not_grow_with_withdrawals(
        self, client, sign_in, chair_a, review, django_assert_max_num_queries, n
    ):
        recommendation = recommendation_of(review, chair_a)
        for _ in range(n):
            action_of(recommendation, chair_a)
            withdrawn = action_of(recommendation, chair_a)
            action_withdraw(actor=chair_a, action_id=withdrawn.pk, event_date=TODAY, reason=REASON)
        sign_in(chair_a)
        with django_assert_max_num_queries(9 + 1):  # as tests/reviews/test_pages.py (+ 1: access events)
            client.get(reverse("reviews:actions"))


# --- The API ------------------------------------------------------------------------------------

ACTION_WITHDRAW = "/api/v1/actions/{public_id}/transitions/withdraw/"


class TestApi:
    def action_url(self, action) -> str:
        return reverse("api:action-withdraw", kwargs={"public_id": action.public_id})

    @pytest.mark.parametrize("status", STATUSES)
    def test_the_chair_withdraws_an_action_and_it_leaves_the_api(self, chair_a, status):
        action = action_in(status, chair_a)
        client = session_client(chair_a)
        response = client.post(
            self.action_url(action), {"event_date": TODAY.isoformat(), "reason": REASON}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, ACTION_WITHDRAW, "post")
        body = response.json()
        assert (body["status"], body["state"], body["available_transitions"]) == ("withdrawn", "withdrawn", [])
        assert entries(action)[-1].reason == REASON
        assert client.get(reverse("api:action-detail", kwargs={"public_id": action.public_id})).status_code == 404
        assert str(action.public_id) not in client.get(reverse("api:action-list")).text

    def test_a_second_withdrawal_is_409(self, chair_a):
        action = action_in("open", chair_a)
        client = session_client(chair_a)
        payload = {"event_date": TODAY.isoformat(), "reason": REASON}
        client.post(self.action_url(action), payload, format="json")
        response = client.post(self.action_url(action), payload, format="json")
        assert response.status_code == 409
        assert_matches_schema(response, ACTION_WITHDRAW, "post")
        assert response.json()["state"] == "withdrawn"
        assert len(entries(action)) == 1

    def test_staff_403_another_board_404_and_a_reason_required(self, chair_a, staff_a, chair_b):
        action = action_in("open", chair_a)
        payload = {"event_date": TODAY.isoformat(), "reason": REASON}
        assert session_client(staff_a).post(self.action_url(action), payload, format="json").status_code == 403
        assert session_client(chair_b).post(self.action_url(action), payload, format="json").status_code == 404
        response = session_client(chair_a).post(self.action_url(action), {**payload, "reason": ""}, format="json")
        assert response.status_code == 400 and "reason" in response.json()
        assert Action.objects.get(pk=action.pk).status == "open" and entries(action) == []

    def test_withdrawn_contributions_and_recommendations_leave_the_lists_and_details(self, chair_a, review):
        contribution = contribution_of(review, chair_a)
        kept = contribution_of(review, chair_a, agency_name="Kept agency")
        recommendation = recommendation_of(review, chair_a)
        contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=REASON)
        recommendation_withdraw(actor=chair_a, recommendation_id=recommendation.pk, reason=REASON)
        client = session_client(chair_a)
        contributions = client.get(reverse("api:contribution-list")).json()
        assert [item["id"] for item in contributions["results"]] == [str(kept.public_id)]
        assert client.get(reverse("api:recommendation-list")).json()["results"] == []
        for name, record in (("contribution", contribution), ("recommendation", recommendation)):
            assert client.get(reverse(f"api:{name}-detail", kwargs={"public_id": record.public_id})).status_code == 404
        detail = client.get(reverse("api:review-detail", kwargs={"public_id": review.public_id})).json()
        assert len(detail["contributions"]) == 1 and str(kept.public_id) in detail["contributions"][0]
        assert detail["recommendations"] == []


# --- Clocks, reminders, the calendar and the audit trail ----------------------------------------


class TestClocksAndAudit:
    def test_withdrawn_records_leave_the_reminders_and_the_calendar(self, chair_a, review):
        contribution = contribution_of(review, chair_a, due_on=TODAY + timedelta(days=1))
        action = action_of(recommendation_of(review, chair_a), chair_a, due_on=TODAY + timedelta(days=1))

        def reminded() -> set[tuple[str, int]]:
            return {(p.due_clock.clock, p.due_clock.object_id) for p in reminders_plan(TODAY)}

        def in_calendar() -> set[tuple[str, int]]:
            limit = TODAY + timedelta(days=60)
            return {(c.clock, c.object_id) for s in sources().values() for c in s.due_clocks(limit=limit, today=TODAY)}

        mine = {("agency_contribution", contribution.pk), ("action_due", action.pk)}
        assert mine <= reminded() and mine <= in_calendar()
        contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=REASON)
        action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
        assert not mine & reminded() and not mine & in_calendar()
        assert not ClockRow.objects.filter(object_id__in=[contribution.pk, action.pk], name__in=dict(mine)).exists()

    def test_the_clock_rows_are_not_remade_by_a_later_sync(self, chair_a, review):
        from scr_tracker.clock_rows import clock_rows_rebuild

        contribution = contribution_of(review, chair_a)
        action = action_of(recommendation_of(review, chair_a), chair_a)
        contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason=REASON)
        action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason=REASON)
        clock_rows_rebuild()
        assert not ClockRow.objects.filter(name__in=["agency_contribution", "action_due"]).exists()

    def test_the_review_timeline_keeps_every_withdrawal_and_the_records_entries_stay(self, chair_a, review):
        contribution = contribution_of(review, chair_a, agency_name="Fictional trust")
        action = action_in("completed", chair_a, recommendation=recommendation_of(review, chair_a))
        contribution_withdraw(actor=chair_a, contribution_id=contribution.pk, reason="Wrong trust")
        action_withdraw(actor=chair_a, action_id=action.pk, event_date=TODAY, reason="Wrong review")
        rows = review_timeline_rows(review_page(chair_a, review.public_id))
        withdrawals = [(row.what, row.change, row.reason) for row in rows if "withdrawn" in row.what]
        assert withdrawals == [
            ("Agency contribution request withdrawn: Fictional trust", "Requested to Withdrawn", "Wrong trust"),
            ("Action withdrawn: Audit home visits", "Completed to Withdrawn", "Wrong review"),
        ]
        assert [e.transition for e in entries(action)] == ["begin", "complete", "withdraw"]
        assert rows[0].what == "Review commissioned"  # the review's own entries are there, first
