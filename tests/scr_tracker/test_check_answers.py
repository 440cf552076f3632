"""Issue 17, "Confirmation before what cannot be undone": the pages of the sign-off, the publication, the
withholding, the take-down and the withdrawals (of a case, a submission, an action, a contribution request,
a recommendation and a document) show a "check your answers" page (`scr_tracker.pages.Confirm`).

For each: the form's "Continue" shows the answers and saves nothing (no audit entry, the state unchanged);
"Confirm and …" runs the service with its audit entry; "Change" returns to the form filled with the answers;
bad input is shown on the form, not the check page; a token is used once; another board's user gets 404 on
the check page and its confirmation; a state changed between the check and the confirmation is refused in
words; the check page's queries do not grow with the record's data.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from incidents.models import IncidentState
from incidents.services import incident_withdraw
from panel.choices import Advice
from panel.services import submission_withdraw
from publication.services import publication_publish, publication_take_down, publication_withhold
from reviews.services import (
    action_withdraw,
    contribution_withdraw,
    document_withdraw,
    recommendation_withdraw,
    review_sign_off,
)
from scr_tracker.pages import ANSWERS_GONE
from tests.api import session_client
from tests.check_answers import TOKEN, confirm, token_of
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.panel.test_pages import submission_in
from tests.reviews.test_review_api import action_of, contribution_of, recommendation_of, review_in
from tests.workflow import advise, case_in, overview_report, proposed, report_sent

URL = "https://www.example.org/fictional-report"
REASON = "Entered by mistake: a fictional duplicate."


def _reload(record):
    """The record as stored now, withdrawn or not."""
    model = type(record)
    return getattr(model, "all_objects", model.objects).get(pk=record.pk)


@dataclass(frozen=True)
class Case:
    """One transition with a check page: how to reach it, what to answer and what it changes."""

    today: date
    make: Callable  # make(chair, secretariat) -> the record, in a state that allows the transition
    url: Callable  # url(record) -> its page
    data: dict  # answers it accepts
    shown: list[str]  # what its check page shows of them
    bad: dict  # answers it refuses
    bad_error: tuple[str, str]  # the field and its message
    button: str
    changed: Callable  # changed(record) -> what the confirmation changes (state, or the withdrawal)
    audited: Callable = lambda record: record  # the record its audit entry is about
    acts: Callable | None = None  # acts(chair, record): someone else runs it between check and confirm
    refused: str = ""  # the banner then; empty: the record is gone (a withdrawn record is not found)
    changed_field: str = "reason"  # a field the Change test edits
    more: Callable = field(default=lambda chair, record, n: None)  # adds n more of its data (query counts)


def _signed_off_review(chair, secretariat):
    review = review_in("drafting", chair)
    overview_report(chair, review)
    return review


def _withholdable(chair, secretariat):
    publication = proposed(chair, mode="not_published")
    advise(publication.submission, advice=Advice.AGREE_NOT_PUBLISH, on=date(2015, 6, 20))
    return publication


def _published(chair, secretariat):
    publication = report_sent(chair)
    return publication_publish(actor=chair, publication_id=publication.pk, event_date=date(2015, 7, 1), url=URL)


def _action(chair, secretariat):
    return action_of(recommendation_of(review_in("drafting", chair), chair), chair)


def _more_of_the_review(chair, review, n):
    for i in range(n):
        contribution_of(review, chair, agency_name=f"Fictional agency {i}")
        action_of(recommendation_of(review, chair), chair)


def _more_of_its_review(chair, recommendation, n):
    # Its own actions are withdrawn with it, one by one with an audit entry each: the service's work,
    # which the check page's rolled-back run does too. The rest of the review is not read.
    _more_of_the_review(chair, recommendation.review, n)


def _url(name: str, namespace: str):
    return lambda record: reverse(f"{namespace}:transition", args=[record.public_id, name])


def _state(record):
    return _reload(record).state


def _withdrawn(record):
    return _reload(record).is_withdrawn


DATED_REASON = {**date_fields("event_date", date(2015, 2, 9)), "reason": REASON}

CASES = {
    "sign_off": Case(
        today=date(2015, 3, 2),
        make=_signed_off_review,
        url=_url("sign_off", "reviews"),
        data=date_fields("event_date", date(2015, 2, 27)),
        shown=["27 February 2015"],
        bad=date_fields("event_date", date(2015, 3, 9)),
        bad_error=("event_date", "The date of the sign-off must be today or in the past"),
        button="Confirm and sign off",
        changed=_state,
        acts=lambda chair, review: review_sign_off(actor=chair, review_id=review.pk, event_date=date(2015, 2, 28)),
        refused="You cannot sign off the review now: the review is completed.",
        changed_field="event_date",
        more=_more_of_the_review,
    ),
    "publish": Case(
        today=date(2015, 11, 2),
        make=lambda chair, secretariat: report_sent(chair),
        url=_url("publish", "publication"),
        data={**date_fields("event_date", date(2015, 6, 12)), "url": URL},
        shown=["12 June 2015", URL],
        bad={**date_fields("event_date", date(2015, 6, 10)), "url": URL},
        bad_error=(
            "event_date",
            "The final report must reach the panel at least 7 days before publication: "
            "publish on or after 12 June 2015",
        ),
        button="Confirm and publish",
        changed=_state,
        acts=lambda chair, p: publication_publish(
            actor=chair, publication_id=p.pk, event_date=date(2015, 6, 20), url=URL
        ),
        refused="You cannot record the publication now: the publication is published.",
        changed_field="url",
    ),
    "withhold": Case(
        today=date(2015, 11, 2),
        make=_withholdable,
        url=_url("withhold", "publication"),
        data={**date_fields("event_date", date(2015, 6, 22)), "reason": "The panel agreed: fictional reasons."},
        shown=["22 June 2015", "The panel agreed: fictional reasons."],
        bad=date_fields("event_date", date(2015, 6, 22)),
        bad_error=("reason", "Enter the reason the report is withheld"),
        button="Confirm and withhold",
        changed=_state,
        acts=lambda chair, p: publication_withhold(
            actor=chair, publication_id=p.pk, event_date=date(2015, 6, 22), reason="Fictional"
        ),
        refused="You cannot withhold the report now: the publication is withheld.",
    ),
    "take_down": Case(
        today=date(2016, 8, 1),
        make=_published,
        url=_url("take_down", "publication"),
        data={**date_fields("event_date", date(2016, 7, 2)), "reason": "Fictional: its time online is over."},
        shown=["2 July 2016", "Fictional: its time online is over."],
        bad=date_fields("event_date", date(2016, 6, 30)),  # within its 12 months online: the service refuses it
        bad_error=("event_date", None),
        button="Confirm and take down",
        changed=_state,
        acts=lambda chair, p: publication_take_down(actor=chair, publication_id=p.pk, event_date=date(2016, 7, 5)),
        refused="You cannot take the report down now: the publication is taken down.",
    ),
    "case_withdraw": Case(
        today=date(2015, 2, 10),
        make=lambda chair, secretariat: case_in(IncidentState.NOTIFIED, chair),
        url=_url("withdraw", "incidents"),
        data=DATED_REASON,
        shown=["9 February 2015", REASON],
        bad=date_fields("event_date", date(2015, 2, 9)),
        bad_error=("reason", "Enter the reason"),
        button="Confirm and withdraw",
        changed=_state,
        acts=lambda chair, incident: incident_withdraw(
            actor=chair, incident_id=incident.pk, event_date=date(2015, 2, 9), reason="Fictional"
        ),
        refused="You cannot withdraw the case now: the case is withdrawn.",
    ),
    "submission_withdraw": Case(
        today=date(2015, 2, 10),
        make=lambda chair, secretariat: submission_in("scheduled", chair, secretariat),
        url=_url("withdraw", "panel"),
        data={**date_fields("event_date", date(2015, 2, 10)), "reason": REASON},
        shown=["10 February 2015", REASON],
        bad=date_fields("event_date", date(2015, 2, 10)),
        bad_error=("reason", "Enter the reason"),
        button="Confirm and withdraw",
        changed=_state,
        acts=lambda chair, submission: submission_withdraw(
            actor=chair, submission_id=submission.pk, event_date=date(2015, 2, 10), reason="Fictional"
        ),
        refused="You cannot withdraw the submission now: the submission is withdrawn.",
    ),
    "action_withdraw": Case(
        today=date(2015, 3, 2),
        make=_action,
        url=lambda action: reverse("reviews:action_transition", args=[action.public_id, "withdraw"]),
        data={**date_fields("event_date", date(2015, 3, 2)), "reason": REASON},
        shown=["2 March 2015", REASON],
        bad=date_fields("event_date", date(2015, 3, 2)),
        bad_error=("reason", "Enter why the action is being withdrawn"),
        button="Confirm and withdraw",
        changed=_withdrawn,
        acts=lambda chair, action: action_withdraw(
            actor=chair, action_id=action.pk, event_date=date(2015, 3, 2), reason="Fictional"
        ),
    ),
    "contribution_withdraw": Case(
        today=date(2015, 3, 2),
        make=lambda chair, secretariat: contribution_of(review_in("drafting", chair), chair),
        url=lambda c: reverse("reviews:contribution_withdraw", args=[c.public_id]),
        data={"reason": REASON},
        shown=[REASON],
        bad={"reason": " "},
        bad_error=("reason", "Enter why the agency contribution request is being withdrawn"),
        button="Confirm and withdraw",
        changed=_withdrawn,
        acts=lambda chair, c: contribution_withdraw(actor=chair, contribution_id=c.pk, reason="Fictional"),
    ),
    "recommendation_withdraw": Case(
        today=date(2015, 3, 2),
        make=lambda chair, secretariat: recommendation_of(review_in("drafting", chair), chair),
        url=lambda r: reverse("reviews:recommendation_withdraw", args=[r.public_id]),
        data={"reason": REASON},
        shown=[REASON],
        bad={"reason": ""},
        bad_error=("reason", "Enter why the recommendation is being withdrawn"),
        button="Confirm and withdraw",
        changed=_withdrawn,
        acts=lambda chair, r: recommendation_withdraw(actor=chair, recommendation_id=r.pk, reason="Fictional"),
        more=_more_of_its_review,
    ),
    "document_withdraw": Case(
        today=date(2015, 3, 2),
        make=lambda chair, secretariat: overview_report(chair, review_in("drafting", chair)),
        url=lambda d: reverse("documents:withdraw", args=[d.public_id]),
        data={"reason": REASON},
        shown=[REASON],
        bad={"reason": ""},
        bad_error=("reason", "Enter why the document is being withdrawn"),
        button="Confirm and withdraw",
        changed=_withdrawn,
        acts=lambda chair, d: document_withdraw(actor=chair, document_id=d.pk, reason="Fictional"),
    ),
}
NAMES = list(CASES)
TRANSITION = {name: "withdraw" if name.endswith("withdraw") else name for name in NAMES}


@pytest.fixture(params=NAMES)
def name(request):
    return request.param


@pytest.fixture
def case(name) -> Case:
    return CASES[name]


@pytest.fixture
def today(case):
    with time_machine.travel(
        datetime.combine(case.today, datetime.min.time().replace(hour=12), ZoneInfo("Europe/London")), tick=False
    ):
        yield case.today


@pytest.fixture
def record(case, today, chair_a, secretariat):
    return case.make(chair_a, secretariat)


def summary_rows(response) -> list[tuple[str, str]]:
    text = response.content.decode()
    rows = re.findall(
        r'govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', text, re.S
    )
    return [(unescape(key.strip()), unescape(re.sub(r"<br>", "\n", value).strip())) for key, value in rows]


def change_links(response) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*\?change=[^"]*)"', response.content.decode())]


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- The check page ------------------------------------------------------------------------------


def test_continue_shows_the_answers_and_saves_nothing(client, sign_in, chair_a, case, record):
    before, entries = case.changed(record), audit_count()
    sign_in(chair_a)
    form = client.get(case.url(record))
    assert form.status_code == 200 and 'value="Continue"' in form.text
    response = client.post(case.url(record), case.data)
    assert response.status_code == 200
    token_of(response)
    assert "Check your answers before you" in response.text
    values = [value for _, value in summary_rows(response)]
    assert all(any(shown in value for value in values) for shown in case.shown), values
    assert "govuk-warning-text" in response.text and "cannot be undone" in response.text
    assert f">{case.button}</button>" in response.text
    assert f'action="{case.url(record)}"' in response.text  # posts to the page itself, never to a Change link
    assert len(change_links(response)) >= len(case.shown)
    assert case.changed(record) == before and audit_count() == entries


def test_confirm_runs_it_with_its_audit_entry(client, sign_in, chair_a, name, case, record):
    before, entries = case.changed(record), audit_count()
    sign_in(chair_a)
    response = confirm(client, client.post(case.url(record), case.data))
    assert response.status_code == 302
    assert case.changed(record) != before
    assert audit_count() > entries
    entry = AuditEntry.objects.for_object(case.audited(_reload(record))).order_by("-pk").first()
    assert entry.transition == TRANSITION[name] and entry.actor == chair_a
    if "reason" in case.data:
        assert entry.reason == case.data["reason"]
    assert "govuk-notification-banner--success" in client.get(response.url).text


def test_change_returns_to_the_form_filled_with_the_answers(client, sign_in, chair_a, case, record):
    sign_in(chair_a)
    check = client.post(case.url(record), case.data)
    links = change_links(check)
    form = client.get(links[0].split("#")[0])
    assert form.status_code == 200 and 'value="Continue"' in form.text
    assert error_summary(form) == []
    for value in case.data.values():
        assert value.strip() in unescape(form.text), value
    # Changed and continued: the new answer is checked, and the first token is spent.
    data = dict(case.data)
    if case.changed_field == "event_date":
        data.update(date_fields("event_date", date(2015, 2, 26)))
        shown = "26 February 2015"
    elif case.changed_field == "url":
        data["url"] = shown = "https://www.example.org/fictional-report-corrected"
    else:
        data["reason"] = shown = "Fictional: the reason, as it should read."
    again = client.post(case.url(record), data)
    assert any(shown in value for _, value in summary_rows(again))
    stale = client.post(case.url(record), {"answers": token_of(check)})
    assert stale.status_code == 302 and stale.url == case.url(record)
    assert confirm(client, again).status_code == 302


def test_bad_input_shows_on_the_form_not_the_check_page(client, sign_in, chair_a, case, record):
    before, entries = case.changed(record), audit_count()
    sign_in(chair_a)
    response = client.post(case.url(record), case.bad)
    assert response.status_code == 200
    assert not TOKEN.search(response.text)
    name, message = case.bad_error
    errors = field_errors(response, name)
    assert errors and (message is None or message in errors), errors
    assert case.changed(record) == before and audit_count() == entries


def test_a_token_confirms_once(client, sign_in, chair_a, case, record):
    sign_in(chair_a)
    check = client.post(case.url(record), case.data)
    assert confirm(client, check).status_code == 302
    entries = audit_count()
    replayed = client.post(case.url(record), {"answers": token_of(check)}, follow=True)
    assert audit_count() == entries
    if case.refused:  # the record is still there to be asked about: back to its form, with the reason
        assert replayed.status_code == 200
    else:  # a withdrawn record has no page
        assert replayed.status_code == 404


def test_an_unknown_token_goes_back_to_the_form_with_a_message(client, sign_in, chair_a, case, record):
    before, entries = case.changed(record), audit_count()
    sign_in(chair_a)
    response = client.post(case.url(record), {"answers": "not-a-token"}, follow=True)
    assert response.redirect_chain == [(case.url(record), 302)]
    assert f"{ANSWERS_GONE}." in unescape(response.text)
    assert 'value="Continue"' in response.text
    assert client.get(f"{case.url(record)}?change=not-a-token").status_code == 302
    assert case.changed(record) == before and audit_count() == entries


def test_a_token_of_another_page_is_refused(client, sign_in, chair_a, case, record, secretariat):
    other = case.make(chair_a, secretariat)
    before, entries = (case.changed(record), case.changed(other)), audit_count()
    sign_in(chair_a)
    token = token_of(client.post(case.url(other), case.data))
    response = client.post(case.url(record), {"answers": token})
    assert response.status_code == 302 and response.url == case.url(record)
    assert (case.changed(record), case.changed(other)) == before and audit_count() == entries


def test_another_board_gets_404_on_the_check_page_and_its_confirmation(client, sign_in, chair_a, chair_b, case, record):
    sign_in(chair_a)
    token = token_of(client.post(case.url(record), case.data))
    before, entries = case.changed(record), audit_count()
    sign_in(chair_b)
    assert client.post(case.url(record), case.data).status_code == 404
    assert client.post(case.url(record), {"answers": token}).status_code == 404
    assert client.get(f"{case.url(record)}?change={token}").status_code == 404
    assert case.changed(record) == before and audit_count() == entries


def test_a_state_changed_between_check_and_confirm_is_refused(client, sign_in, chair_a, case, record):
    sign_in(chair_a)
    check = client.post(case.url(record), case.data)
    case.acts(chair_a, _reload(record))  # someone else acted meanwhile
    entries = audit_count()
    response = confirm(client, check)
    assert audit_count() == entries
    if case.refused:
        assert response.status_code == 302
        assert banner(client.get(response.url)) == case.refused
    else:  # withdrawn meanwhile: a withdrawn record is not found
        assert response.status_code == 404


@pytest.mark.parametrize("name", ["sign_off", "recommendation_withdraw"])
def test_the_check_page_queries_do_not_grow_with_data(client, sign_in, chair_a, case, record):
    sign_in(chair_a)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(case.url(record), case.data)
        token_of(response)
        return len(queries)

    case.more(chair_a, record, 1)
    counted()  # the session's first answers
    few = counted()
    case.more(chair_a, record, 5)
    assert counted() == few


def test_the_api_has_no_check_page(chair_a):
    """The API's sign-off runs at once: the check page is the pages' alone."""
    with time_machine.travel(date(2015, 3, 2), tick=False):
        review = _signed_off_review(chair_a, None)
        client = session_client(chair_a)
        response = client.post(
            f"/api/v1/reviews/{review.public_id}/transitions/sign_off/",
            {"event_date": "2015-02-27"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert _reload(review).state == "completed"
