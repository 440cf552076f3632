"""Terms follow the case's regime wherever the case is shown (SPEC §10): three cases of one board,
under Working Together 2013/2015, 2018 and 2023, each say what their own rules call the review, the
panel, the body and its lead, on their pages, in a reminder, the chronology PDF and the CSV export;
the API keeps one set of names. The SIN pages say which rules the dates entered put a case under."""

import csv
import io
import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from incidents.models import Incident
from reminders.services import reminders_sweep
from reminders.stages import next_working_day
from reports.models import ReportKind
from reviews.choices import DecisionKind
from reviews.services import review_begin_drafting, review_sign_off, review_start
from scr_tracker.celery import app
from scr_tracker.regimes import REGIMES, WT2013, WT2018, WT2023
from tests.api import session_client
from tests.reminders.conftest import at
from tests.reports.test_pdf import make, pdf_text
from tests.workflow import SIGN_OFF_REASON, decide, draft, notified, submission_of

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 2)

# Each regime's dates: incident, local authority aware, notified and received, decided, signed off.
DATES = {
    WT2013.code: (date(2015, 1, 5), date(2015, 1, 6), date(2015, 1, 9), date(2015, 2, 2), date(2015, 6, 1)),
    WT2018.code: (date(2022, 11, 10), date(2022, 11, 11), date(2022, 11, 14), date(2022, 11, 28), date(2023, 4, 3)),
    WT2023.code: (date(2026, 1, 28), date(2026, 1, 29), date(2026, 2, 2), date(2026, 2, 16), date(2026, 2, 27)),
}
# The words only a case of each regime may show (lower case; pages are compared in lower case).
OWN = {
    WT2013.code: ("serious case review",),
    WT2018.code: ("local child safeguarding practice review", "child safeguarding practice review panel"),
    WT2023.code: ("local child safeguarding practice review", "child safeguarding practice review panel"),
}
FOREIGN = {
    WT2013.code: ("local child safeguarding practice review", "child safeguarding practice review panel", "lcspr"),
    WT2018.code: ("serious case review", "ofsted", "lscb"),
    WT2023.code: ("serious case review", "ofsted", "lscb"),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=LONDON), tick=False):
        yield


def text_of(html: str) -> str:
    """A page's words, tags removed, in lower case, apostrophes unescaped."""
    body = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()).lower()


def assert_own_words(words: str, code: str) -> None:
    for own in OWN[code]:
        assert own in words, (code, own)
    for foreign in FOREIGN[code]:
        assert foreign not in words, (code, foreign)


def _decide(chair, incident, regime_code: str, decision: str, decided_on: date):
    asks = {}
    if regime_code != WT2013.code:
        asks = {"national_review_recommended": False, "rapid_review_summary": "Fictional rapid review summary."}
    return decide(chair, incident, decision=decision, decided_on=decided_on, **asks)


def case_of(chair, code: str, decision: str = DecisionKind.INITIATE_SCR) -> Incident:
    incident_on, aware, received, decided, _ = DATES[code]
    incident = notified(
        chair,
        received_on=received,
        ofsted_notified_on=received,
        incident_on=incident_on,
        la_aware_on=aware,
        post_mortem="not_applicable",
        nature="serious_harm",
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    assert incident.regime == code
    _decide(chair, incident, code, decision, decided)
    incident.refresh_from_db()
    return incident


def signed_off(chair, code: str):
    """A case of the regime whose local review is signed off (which opens its publication)."""
    incident = case_of(chair, code)
    _, _, _, decided, signed = DATES[code]
    review = incident.reviews.get()
    review_start(actor=chair, review_id=review.pk, event_date=decided, methodology="silp", lead_reviewer="A. Reviewer")
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=signed)
    return incident, review_sign_off(actor=chair, review_id=review.pk, event_date=signed, reason=SIGN_OFF_REASON)


@pytest.fixture
def cases(chair_a):
    """For each regime: a case whose review is signed off, and a case not initiated (sent to the panel)."""
    made = {}
    for code in DATES:
        incident, review = signed_off(chair_a, code)
        not_initiated = case_of(chair_a, code, DecisionKind.NOT_INITIATE)
        made[code] = {
            "incident": incident,
            "review": review,
            "publication": review.publication,
            "submission": submission_of(not_initiated),
            "not_initiated": not_initiated,
        }
    return made


CODES = [WT2013.code, WT2018.code, WT2023.code]


@pytest.mark.parametrize("code", CODES)
def test_each_cases_pages_use_its_own_regimes_words(client, sign_in, chair_a, cases, code):
    made = cases[code]
    sign_in(chair_a)
    pages = {
        "case": reverse("incidents:case", args=[made["incident"].public_id]),
        "review": reverse("reviews:review", args=[made["review"].public_id]),
        "publication": reverse("publication:publication", args=[made["publication"].public_id]),
        "submission": reverse("panel:submission", args=[made["submission"].public_id]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        words = text_of(response.text)
        for foreign in FOREIGN[code]:
            at = words.find(foreign)
            assert at < 0, (name, code, words[max(0, at - 150) : at + 60])
        assert any(own in words for own in OWN[code]), (name, code)
    case_words = text_of(client.get(pages["case"]).text)
    assert_own_words(case_words, code)
    submission_words = text_of(client.get(pages["submission"]).text)
    panel = REGIMES_BY_CODE[code].term("panel").lower()
    assert f"submission to the {panel}" in submission_words


REGIMES_BY_CODE = {regime.code: regime for regime in REGIMES}


def test_the_review_page_is_headed_with_its_cases_term(client, sign_in, chair_a, cases):
    sign_in(chair_a)
    headings = {
        code: re.search(
            r"<h1[^>]*>(.*?):", client.get(reverse("reviews:review", args=[made["review"].public_id])).text
        ).group(1)
        for code, made in cases.items()
    }
    assert headings == {
        WT2013.code: "Serious Case Review",
        WT2018.code: "Local child safeguarding practice review",
        WT2023.code: "Local child safeguarding practice review",
    }


def test_the_case_page_says_which_rules_apply_with_the_clock_rows_date(client, sign_in, chair_a, cases):
    sign_in(chair_a)
    said = {
        code: text_of(client.get(reverse("incidents:case", args=[made["not_initiated"].public_id])).text)
        for code, made in cases.items()
    }
    # 15 working days from notification (14 November 2022; 2 February 2026), the rows' dates.
    assert "this case follows working together 2018: the rapid review was due by 5 december 2022." in said["wt2018"]
    assert "this case follows working together 2023: the rapid review was due by 23 february 2026." in said["wt2023"]
    assert (
        "this case follows working together 2013/2015: the initiation decision was due by 9 february 2015"
        in (said["wt2013"])
    )


@pytest.mark.parametrize(
    ("code", "lead"),
    [(WT2013.code, "chair"), (WT2018.code, "safeguarding partners' lead"), (WT2023.code, "lead safeguarding partner")],
)
def test_a_notified_cases_page_names_the_lead_of_its_regime(client, sign_in, chair_a, code, lead):
    incident_on, aware, received, _, _ = DATES[code]
    incident = notified(
        chair_a, received_on=received, ofsted_notified_on=received, incident_on=incident_on, la_aware_on=aware
    )
    sign_in(chair_a)
    words = text_of(client.get(reverse("incidents:case", args=[incident.public_id])).text)
    assert f"only the {lead} records it" in words
    assert f"optional: the {lead} can decide without a referral" in words
    for foreign in FOREIGN[code]:
        assert foreign not in words, foreign
    notified_to = REGIMES_BY_CODE[code].term("notified").lower()
    assert f"{notified_to} notified on" in words


@pytest.mark.parametrize("code", CODES)
def test_the_decision_page_asks_in_the_cases_words(client, sign_in, chair_a, code):
    incident_on, aware, received, _, _ = DATES[code]
    incident = notified(
        chair_a, received_on=received, ofsted_notified_on=received, incident_on=incident_on, la_aware_on=aware
    )
    sign_in(chair_a)
    url = reverse("incidents:transition", args=[incident.public_id, "record_decision"])
    page = client.get(url).text
    review = REGIMES_BY_CODE[code].term("review")
    assert f"Initiate a {review}" in unescape(page)
    assert f"Do not initiate a {review}" in unescape(page)
    for foreign in FOREIGN[code]:
        assert foreign not in text_of(page), foreign
    # The refusal of a missing decision names the review the case's rules call it.
    response = client.post(url, {})
    assert f"Select whether to initiate a {review}" in unescape(response.text)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """deliver(day): the daily sweep on `day`, its emails sent inline as a worker would after commit."""
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True

    def _deliver(day: date):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep(today=day)

    yield _deliver
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.mark.parametrize(
    ("code", "lead", "task"),
    [
        (WT2013.code, "chair", "Record the serious incident notification"),
        (WT2018.code, "safeguarding partners' lead", "Notify the Child Safeguarding Practice Review Panel"),
        (WT2023.code, "lead safeguarding partner", "Notify the Child Safeguarding Practice Review Panel"),
    ],
)
def test_a_reminder_email_uses_its_cases_words(chair_a, staff_a, deliver, code, lead, task):
    incident_on, aware, _, _, _ = DATES[code]
    with time_machine.travel(datetime.combine(aware, datetime.min.time(), tzinfo=LONDON), tick=False):
        incident = draft(staff_a, incident_on=incident_on, la_aware_on=aware)
    # The first working day after the due date: overdue, so the lead is reminded too.
    deliver(next_working_day(incident.case_clock_rows.get(name="sin_notification").due_on))
    to_chair = [message for message in mail.outbox if message.to == [chair_a.email]]
    assert to_chair, [m.to for m in mail.outbox]
    body = to_chair[0].body
    assert task in body
    assert f"You are receiving this as the {lead} because the deadline has passed." in body
    html = unescape(to_chair[0].alternatives[0][0])
    assert f"as the {lead} because" in html


@pytest.mark.parametrize("code", CODES)
def test_the_chronology_pdf_uses_its_cases_words(chair_a, django_capture_on_commit_callbacks, cases, code):
    incident = cases[code]["incident"]
    job = make(
        chair_a, ReportKind.CASE_CHRONOLOGY, {"incident": str(incident.public_id)}, django_capture_on_commit_callbacks
    )
    text, _ = pdf_text(job)
    words = " ".join(text.split()).lower()
    review = REGIMES_BY_CODE[code].term("review").lower()
    assert f"{review} initiated" in words
    assert f"decision: initiate a {review}" in words
    assert REGIMES_BY_CODE[code].title.lower() in words
    for foreign in FOREIGN[code]:
        at = words.find(foreign)
        assert at < 0, words[max(0, at - 150) : at + 60]


def test_the_csv_exports_give_each_row_its_cases_words_under_neutral_headings(client, sign_in, chair_a, cases):
    sign_in(chair_a)
    response = client.get(reverse("reports:export", args=["cases", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    heading, body = rows[0], rows[1:]
    assert not any(word in " ".join(heading).lower() for words in FOREIGN.values() for word in words)
    by_reference = {row[0]: dict(zip(heading, row, strict=True)) for row in body}
    for code, made in cases.items():
        row = by_reference[made["incident"].reference]
        regime = REGIMES_BY_CODE[code]
        assert row["Rules"] == regime.title
        assert row["Current decision"] == f"Initiate a {regime.term('review')}"
        assert by_reference[made["not_initiated"].reference]["Current decision"] == (
            f"Do not initiate a {regime.term('review')}"
        )

    response = client.get(reverse("reports:export", args=["reviews", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    heading, body = rows[0], rows[1:]
    assert not any(word in " ".join(heading).lower() for words in FOREIGN.values() for word in words)
    terms = {
        dict(zip(heading, row, strict=True))["Cases"]: dict(zip(heading, row, strict=True))["Review"] for row in body
    }
    assert terms == {made["incident"].reference: REGIMES_BY_CODE[code].term("review") for code, made in cases.items()}


def test_the_api_keeps_one_set_of_names_whatever_the_regime(chair_a, cases):
    api = session_client(chair_a)
    keys = {}
    for code, made in cases.items():
        incident = api.get(reverse("api:incident-detail", kwargs={"public_id": made["incident"].public_id}))
        review = api.get(reverse("api:review-detail", kwargs={"public_id": made["review"].public_id}))
        submission = api.get(reverse("api:submission-detail", kwargs={"public_id": made["submission"].public_id}))
        assert incident.status_code == review.status_code == submission.status_code == 200
        keys[code] = (sorted(incident.json()), sorted(review.json()), sorted(submission.json()))
        # Values are the contract's, not words: a decision to initiate is `initiate_scr` under every regime.
        assert "local child safeguarding" not in incident.content.decode().lower()
        assert "serious case review" not in incident.content.decode().lower()
    assert keys[WT2013.code] == keys[WT2018.code] == keys[WT2023.code]


# --- The SIN pages: which rules the dates entered put the case under ------------------------------

CHILD = {
    "child_pseudonym": "Child Q",
    "age_at_incident": "3",
    "sex": "male",
    "ethnicity": "not_known",
    "disability": "no",
}


def _dates(name: str, day: date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def incident_answers(aware: date, nature: str = "death") -> dict:
    return {
        "nature": nature,
        "harm_types": ["neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        **_dates("incident_on", aware),
        **_dates("la_aware_on", aware),
    }


STEP = "incidents:sin_step"


@pytest.mark.parametrize(
    ("aware", "said"),
    [
        (
            date(2015, 1, 6),
            "The dates entered put this case under Working Together 2013/2015; the notification is due within "
            "5 working days from the local authority becoming aware. Recording the notification starts the "
            "initiation decision clock: 1 month from the SIN being received.",
        ),
        (
            date(2022, 11, 11),
            "The dates entered put this case under Working Together 2018; the notification is due within "
            "5 working days from the local authority becoming aware. Recording the notification starts the "
            "rapid review clock: 15 working days from notification to the Child Safeguarding Practice Review Panel.",
        ),
        (
            date(2026, 1, 29),
            "The dates entered put this case under Working Together 2023; the notification is due within "
            "5 working days from the local authority becoming aware. Recording the notification starts the "
            "rapid review clock: 15 working days from notification to the Child Safeguarding Practice Review Panel.",
        ),
    ],
)
def test_the_sin_pages_say_which_rules_the_dates_entered_put_the_case_under(client, sign_in, staff_a, aware, said):
    sign_in(staff_a)
    assert client.post(reverse(STEP, args=["child"]), CHILD).status_code == 302
    assert "The dates entered put this case" not in client.get(reverse(STEP, args=["incident"])).text
    assert client.post(reverse(STEP, args=["incident"]), incident_answers(aware)).status_code == 302
    assert said in unescape(client.get(reverse(STEP, args=["investigations"])).text)
    client.post(
        reverse(STEP, args=["investigations"]),
        {"post_mortem": "pending", "police_investigation": "ongoing", "criminal_proceedings": "not_known"},
    )
    client.post(reverse(STEP, args=["agencies"]), {"agencies_involved": ["police"], "outline": "A fictional outline."})
    check = client.get(reverse("incidents:sin_check"))
    assert check.status_code == 200
    assert said in unescape(check.text)


@pytest.mark.parametrize(
    ("aware", "offered"),
    [(date(2015, 1, 6), False), (date(2022, 11, 11), True), (date(2026, 1, 29), True)],
)
def test_nature_other_is_offered_with_its_rules_and_refused_outside_them(client, sign_in, staff_a, aware, offered):
    sign_in(staff_a)
    client.post(reverse(STEP, args=["child"]), CHILD)
    page = unescape(client.get(reverse(STEP, args=["incident"])).text)
    # Offered before the dates are known, with a hint naming the rules that have it.
    assert 'value="other"' in page
    assert "'Other' applies only to a case under Working Together 2018 and Working Together 2023" in page
    response = client.post(reverse(STEP, args=["incident"]), incident_answers(aware, nature="other"))
    if offered:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        group = unescape(response.text.split('id="div_id_nature"')[1].split('id="div_id_')[0])
        assert "is a nature of case under Working Together 2018 and Working Together 2023" in group
        assert "this case follows Working Together 2013/2015" in group


@pytest.mark.parametrize("code", CODES)
def test_the_case_page_and_chronology_show_the_rapid_review_where_the_regime_holds_one(
    client, sign_in, chair_a, code, django_capture_on_commit_callbacks
):
    incident = case_of(chair_a, code, DecisionKind.NOT_INITIATE)
    sign_in(chair_a)
    words = text_of(client.get(reverse("incidents:case", args=[incident.public_id])).text)
    job = make(
        chair_a, ReportKind.CASE_CHRONOLOGY, {"incident": str(incident.public_id)}, django_capture_on_commit_callbacks
    )
    pdf, _reader = pdf_text(job)
    asked = code != WT2013.code
    for shown in (words, pdf.lower()):
        assert ("summary of the rapid review" in shown) is asked
        assert ("fictional rapid review summary." in shown) is asked
        assert ("national review recommended" in shown) is asked
