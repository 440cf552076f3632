"""The PDF reports: each renders through the task, its text (read back with pypdf) holds the
references and figures the workflow recorded, every page is marked OFFICIAL-SENSITIVE and
numbered, and user text can make WeasyPrint fetch nothing (SECURITY row 15)."""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from panel.choices import Advice, BoardResponse
from panel.services import submission_record_board_response
from reports import pdf
from reports.models import JobState, ReportJob, ReportKind
from reports.services import job_create, report_storage
from reports.tasks import render_report
from reviews.choices import DecisionKind
from reviews.models import Theme
from reviews.services import (
    action_add,
    action_begin,
    action_complete,
    recommendation_add,
    review_begin_drafting,
    review_sign_off,
    review_start,
)
from tests.workflow import SIGN_OFF_REASON, advise, decide, notified, proposed, submission_of, submit

TODAY = date(2015, 11, 2)
FILE_IMG = '<img src="file:///etc/passwd">'
REMOTE_IMG = '<img src="http://169.254.169.254/latest/meta-data/">'
HOSTILE = f"Fictional outline. {FILE_IMG} {REMOTE_IMG} <link rel=attachment href=file:///etc/hosts>"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


class RecordingFetcher(pdf.StaticOnlyFetcher):
    """The real fetcher, remembering every URL WeasyPrint asks it for."""

    asked: list[str] = []

    def fetch(self, url, headers=None):
        RecordingFetcher.asked.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def recording_fetcher(monkeypatch):
    RecordingFetcher.asked = []
    monkeypatch.setattr(pdf, "StaticOnlyFetcher", RecordingFetcher)
    return RecordingFetcher


# --- Cases built through the workflow's services ---------------------------------------------------


def case_with_advice_and_review(chair, **overrides):
    """Not initiated, sent, the panel disagreed, the board accepted: an SCR initiated after advice, started."""
    incident = notified(chair, **overrides)
    decide(chair, incident, decided_on=date(2015, 2, 2))
    submission = submit(chair, incident, on=date(2015, 2, 3))
    advise(submission, advice=Advice.DISAGREE, on=date(2015, 2, 20))
    submission_record_board_response(
        actor=chair, submission_id=submission.pk, event_date=date(2015, 3, 2), response=BoardResponse.ACCEPTED
    )
    incident.refresh_from_db()
    review = incident.reviews.get()
    review_start(
        actor=chair, review_id=review.pk, event_date=date(2015, 3, 10), methodology="silp", lead_reviewer="A. Reviewer"
    )
    return incident, submission_of(incident), review


def signed_off_review_with_actions(chair, *, initiated_on=date(2015, 4, 20), recommendations=2, actions=2):
    """A review initiated and signed off in 2015-16, with recommendations and actions in each status."""
    with time_machine.travel(date(2015, 9, 2), tick=False):  # actions are due on or after the day they are made
        review, made = _review_with_actions(chair, initiated_on, recommendations, actions)
    if made:
        action_begin(actor=chair, action_id=made[0].pk, event_date=date(2015, 9, 10))
        action_complete(actor=chair, action_id=made[0].pk, event_date=date(2015, 9, 20))
    return review


def _review_with_actions(chair, initiated_on, recommendations, actions):
    incident = notified(chair, received_on=date(2015, 4, 10), ofsted_notified_on=date(2015, 4, 9))
    review = decide(chair, incident, decision=DecisionKind.INITIATE_SCR, decided_on=initiated_on).review
    review_start(
        actor=chair, review_id=review.pk, event_date=initiated_on, methodology="silp", lead_reviewer="A. Reviewer"
    )
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 8, 1))
    review_sign_off(actor=chair, review_id=review.pk, event_date=date(2015, 9, 1), reason=SIGN_OFF_REASON)
    theme = Theme.objects.first()
    made = []
    for number in range(1, recommendations + 1):
        recommendation = recommendation_add(
            actor=chair,
            review_id=review.pk,
            text=f"Fictional recommendation {number}: agencies share chronologies.",
            addressed_to="senior_managers",
            theme_ids=[theme.pk],
        )
        for index in range(actions):
            action = action_add(
                actor=chair,
                recommendation_id=recommendation.pk,
                description=f"Fictional action {number}.{index + 1}",
                owner_agency="health",
                owner_person="Named lead (fictional)",
                due_on=date(2015, 10, 1),
            )
            made.append(action)
    return review, made


def make(user, kind, parameters, django_capture_on_commit_callbacks) -> ReportJob:
    """Ask for the report and let the task run, as a worker would once the request commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_create(user=user, kind=kind, parameters=parameters)
    assert len(callbacks) == 1  # queued after commit, once
    render_report(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.READY, job.error
    return job


def pdf_text(job) -> tuple[str, PdfReader]:
    with report_storage().open(job.stored_name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def assert_marked_and_numbered(text: str, reader: PdfReader) -> None:
    pages = len(reader.pages)
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages  # top and bottom of every page
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text


# --- Each report -----------------------------------------------------------------------------------


def test_case_chronology_holds_dates_decision_advice_review_clocks_and_audit(
    chair_a, recording_fetcher, django_capture_on_commit_callbacks
):
    incident, _submission, _review = case_with_advice_and_review(chair_a, outline=HOSTILE)
    job = make(
        chair_a, ReportKind.CASE_CHRONOLOGY, {"incident": str(incident.public_id)}, django_capture_on_commit_callbacks
    )
    text, reader = pdf_text(job)

    assert_marked_and_numbered(text, reader)
    assert f"Case chronology: {incident.reference}" in text
    assert incident.reference in text and "Alphaford Safeguarding Children Board" in text
    # Dates and events in order, the decision, the advice and the board's response, the review.
    assert "5 January 2015" in text and "Incident" in text
    assert "2 February 2015 Decision: Do not initiate a Serious Case Review" in text
    assert "Panel advice: Disagree" in text
    assert "Accepted the panel's advice" in text
    assert "Serious Case Review initiated" in text and "2 March 2015" in text
    assert "A. Reviewer" in text
    # Clocks met or missed: the SIN arrived in time; the review was due on 2 September 2015.
    assert "9 Feb 2015 Met" in text
    assert "2 Sep 2015 Missed 61 days late" in text
    # The audit trail names who recorded each change.
    assert "Chair of A" in text and "Audit trail" in text
    # User text is shown as text, and nothing it names was fetched.
    assert "file:///etc/passwd" in text and "169.254.169.254" in text
    assert recording_fetcher.asked == []
    assert job.pages == len(reader.pages) and job.size > 1000
    assert not reader.attachments


def test_submission_pack_holds_what_the_panel_needs(chair_a, recording_fetcher, django_capture_on_commit_callbacks):
    incident = notified(chair_a, outline=HOSTILE)
    decide(chair_a, incident, decided_on=date(2015, 2, 2))
    submission = submit(chair_a, incident, on=date(2015, 2, 3))
    advise(submission, advice=Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 2, 20))

    job = make(
        chair_a,
        ReportKind.SUBMISSION_PACK,
        {"submission": str(submission.public_id)},
        django_capture_on_commit_callbacks,
    )
    text, reader = pdf_text(job)

    assert_marked_and_numbered(text, reader)
    assert f"Panel submission pack: {incident.reference}" in text
    assert "Decision not to initiate a Serious Case Review" in text
    assert "Fictional test rationale for" in text  # the rationale against each regulation 5 limb
    assert "Further information requested" in text and "Fictional panel reasons." in text
    assert "3 February 2015" in text  # sent to the panel
    assert "20 Mar 2015" in text  # information due a month after the request
    assert "Send to the national panel" in text and "Met" in text
    assert "file:///etc/passwd" in text
    assert recording_fetcher.asked == []


def test_board_annual_report_counts_the_year_and_lists_every_recommendation_and_action(
    chair_a, chair_b, recording_fetcher, django_capture_on_commit_callbacks
):
    signed_off_review_with_actions(chair_a)
    # Before the year: a review initiated in March 2015 (2014-15), still open and now overdue.
    older = notified(chair_a, received_on=date(2015, 1, 9))
    decide(chair_a, older, decision=DecisionKind.INITIATE_SCR, decided_on=date(2015, 2, 2))
    # Another board's review is never counted.
    signed_off_review_with_actions(chair_b, recommendations=1, actions=1)

    job = make(chair_a, ReportKind.BOARD_ANNUAL, {"board": "AAA", "year": 2015}, django_capture_on_commit_callbacks)
    text, reader = pdf_text(job)

    assert_marked_and_numbered(text, reader)
    assert "AAA 2015-16" in text
    assert "1 April 2015 to 31 March 2016" in text
    lines = text.splitlines()
    assert "Local reviews initiated 1" in lines
    assert "Local reviews completed (signed off) 1" in lines
    assert "Open reviews past their due date 1" in lines
    assert "Recommendations 2" in lines and "Actions 4" in lines
    assert "Completed 1" in lines  # actions by status
    assert "Initiation to sign-off (reviews signed off in the year) 134" in lines  # 20 Apr to 1 Sep 2015
    for number in (1, 2):
        assert f"Fictional recommendation {number}" in text
        assert f"Fictional action {number}.1" in text and f"Fictional action {number}.2" in text
    assert "(overdue)" in text  # due 1 October 2015 and not done
    assert "BBB" not in text and "Betaby" not in text
    assert recording_fetcher.asked == []


def test_a_long_report_breaks_across_pages_with_every_page_numbered(
    chair_a, recording_fetcher, django_capture_on_commit_callbacks
):
    signed_off_review_with_actions(chair_a, recommendations=6, actions=6)
    job = make(chair_a, ReportKind.BOARD_ANNUAL, {"board": "AAA", "year": 2015}, django_capture_on_commit_callbacks)
    text, reader = pdf_text(job)
    assert len(reader.pages) >= 3
    assert_marked_and_numbered(text, reader)
    assert "Fictional action 6.6" in text


# --- The fetcher ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
        f"{pdf.BASE_URL}static/../../etc/passwd",
        f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/settings.py",
        f"{pdf.BASE_URL}static/build/govuk/govuk-frontend.min.js",  # a static file, but not a type reports use
        f"{pdf.BASE_URL}media/anything.png",
        f"{pdf.BASE_URL}static/build/app.css?redirect=http://example.com/",
        "https://scr-tracker.invalid.example.com/static/build/app.css",
        "ftp://example.com/file.css",
    ],
)
def test_the_fetcher_refuses_everything_but_the_apps_static_files(url):
    fetcher = pdf.StaticOnlyFetcher()
    with pytest.raises(pdf.FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.served == []


def test_the_fetcher_serves_a_static_file_by_its_url():
    fetcher = pdf.StaticOnlyFetcher()
    response = fetcher.fetch(f"{pdf.BASE_URL}static/build/app.css")
    assert response.content_type == "text/css"
    assert len(response.read()) > 1000
    assert fetcher.served == [f"{pdf.BASE_URL}static/build/app.css"]


def test_a_template_naming_local_and_remote_files_fetches_nothing_but_a_static_file():
    """Straight to WeasyPrint: markup that would fetch files, metadata and attachments gets none of them."""
    fetcher = RecordingFetcher()
    RecordingFetcher.asked = []
    html = f"""<html><head><style>@import url("file:///etc/hosts"); @import url("/static/build/app.css");</style>
      <link rel="stylesheet" href="http://169.254.169.254/x.css"><link rel="attachment" href="file:///etc/passwd"></head>
      <body><p>Text</p>{FILE_IMG}{REMOTE_IMG}<a rel="attachment" href="file:///etc/group">a</a></body></html>"""
    data, pages = pdf.html_to_pdf(html, url_fetcher=fetcher)
    reader = PdfReader(io.BytesIO(data))
    assert pages == 1 and not reader.attachments
    assert fetcher.served == [f"{pdf.BASE_URL}static/build/app.css"]
    assert {"file:///etc/hosts", "file:///etc/passwd", "http://169.254.169.254/x.css"} <= set(fetcher.refused)
    assert set(RecordingFetcher.asked) == set(fetcher.served) | set(fetcher.refused)
    assert b"root:" not in data


def test_national_statistics_report_has_the_figures_and_the_charts(
    chair_a, chair_b, secretariat, recording_fetcher, django_capture_on_commit_callbacks
):
    # Board A: one SIN notified to Ofsted in the period; not initiated, the panel agreed. Board B: an SCR.
    incident = notified(chair_a, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8))
    decide(chair_a, incident, decided_on=date(2015, 2, 2))
    advise(submit(chair_a, incident, on=date(2015, 2, 3)), advice=Advice.AGREE, on=date(2015, 2, 20))
    scr = notified(chair_b, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8))
    decide(chair_b, scr, decision=DecisionKind.INITIATE_SCR, decided_on=date(2015, 2, 2))

    job = make(
        secretariat,
        ReportKind.NATIONAL_STATISTICS,
        {"from": "2014-04-01", "to": "2015-03-31"},
        django_capture_on_commit_callbacks,
    )
    text, reader = pdf_text(job)

    assert_marked_and_numbered(text, reader)
    assert "National statistics: 1 April 2014 to 31 March 2015" in text
    assert job.reference == "National statistics 2014-04-01 to 2015-03-31" and job.reference in text
    lines = text.splitlines()
    assert "Serious incident notifications 2" in lines
    assert "Local reviews initiated (SCRs and LCSPRs, including after panel advice) 1" in lines
    assert "Considered 1" in lines and "Panel agreed 1 (100%)" in lines
    assert "Boards that contacted the panel 2" in lines
    assert "Median days from incident to decision 28" in lines
    # The charts, drawn as SVG in the PDF, with their tables; nothing fetched for them.
    assert "SINs and local reviews initiated by quarter" in text and "Jan to Mar 2015 2 1" in lines
    assert "Panel advice on decisions not to initiate an SCR" in text
    assert "Panel advice on proposals not to publish in full" in text
    assert recording_fetcher.asked == []


def test_a_board_users_statistics_report_is_of_their_board_only(
    chair_a, chair_b, recording_fetcher, django_capture_on_commit_callbacks
):
    notified(chair_a, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8))
    notified(chair_b, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8))
    notified(chair_b, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8))
    job = make(
        chair_b,
        ReportKind.NATIONAL_STATISTICS,
        {"from": "2015-01-01", "to": "2015-03-31"},
        django_capture_on_commit_callbacks,
    )
    text, _ = pdf_text(job)
    assert job.board == chair_b.board and job.reference.startswith("BBB statistics")
    assert "Statistics for Betaby Safeguarding Children Board" in text
    assert "Serious incident notifications 2" in text.splitlines()


def test_a_proposal_not_to_publish_has_its_pack(chair_a, recording_fetcher, django_capture_on_commit_callbacks):
    publication = proposed(chair_a, outline=HOSTILE)
    incident = publication.review.decision.incident
    job = make(
        chair_a,
        ReportKind.SUBMISSION_PACK,
        {"submission": str(publication.submission.public_id)},
        django_capture_on_commit_callbacks,
    )
    text, reader = pdf_text(job)
    assert_marked_and_numbered(text, reader)
    assert job.reference == incident.reference and f"Panel submission pack: {incident.reference}" in text
    assert "Proposal not to publish a final report in full" in text
    words = " ".join(text.split())
    assert "Summary only" in words and "Fictional reasons: the family's circumstances." in words
    assert "publication would put a named sibling at serious risk" in words
    assert recording_fetcher.asked == []


def test_the_chronology_follows_the_case_to_its_proposal_not_to_publish(
    chair_a, recording_fetcher, django_capture_on_commit_callbacks
):
    publication = proposed(chair_a)
    incident = publication.review.decision.incident
    job = make(
        chair_a, ReportKind.CASE_CHRONOLOGY, {"incident": str(incident.public_id)}, django_capture_on_commit_callbacks
    )
    text, _ = pdf_text(job)
    lines = text.splitlines()
    assert "1 June 2015 Review signed off" in lines
    assert "5 June 2015 Final report sent to the national panel" in lines
    assert "8 June 2015 Sent to the national panel" in lines
    assert "Proposal not to publish a final report in full" in text


def test_clocks_in_a_report_are_in_their_cases_regimes_words():
    """A 2013/2015 case's review clock is named as its regime names it, not as a later regime does."""
    from reports.kinds import clock_label
    from scr_tracker.regimes import regime_for

    earlier, later = regime_for(date(2015, 1, 9)), regime_for(date(2024, 1, 9))
    assert clock_label("scr_completion", earlier) == earlier.clock("scr_completion").described
    assert clock_label("scr_completion", later) == later.clock("scr_completion").described
    assert clock_label("scr_completion", earlier) != clock_label("scr_completion", later)


def test_the_annual_report_holds_the_years_recommendations_not_every_one_since_the_board_began(
    chair_a, recording_fetcher, django_capture_on_commit_callbacks
):
    """Issue 19: a recommendation whose actions were all done before the year is in that year's report."""
    incident = notified(
        chair_a,
        received_on=date(2014, 4, 10),
        ofsted_notified_on=date(2014, 4, 9),
        incident_on=date(2014, 4, 1),
        la_aware_on=date(2014, 4, 2),
    )
    review = decide(chair_a, incident, decision=DecisionKind.INITIATE_SCR, decided_on=date(2014, 5, 1)).review
    review_start(
        actor=chair_a, review_id=review.pk, event_date=date(2014, 5, 1), methodology="silp", lead_reviewer="A. Reviewer"
    )
    theme = Theme.objects.first()
    made = {}
    with time_machine.travel(date(2014, 9, 2), tick=False):
        for name in ("done", "open"):
            recommendation = recommendation_add(
                actor=chair_a,
                review_id=review.pk,
                text=f"Fictional {name} recommendation",
                addressed_to="senior_managers",
                theme_ids=[theme.pk],
            )
            made[name] = action_add(
                actor=chair_a,
                recommendation_id=recommendation.pk,
                description=f"Fictional {name} action",
                owner_agency="health",
                owner_person="Named lead (fictional)",
                due_on=date(2015, 1, 30),
            )
    action_begin(actor=chair_a, action_id=made["done"].pk, event_date=date(2014, 10, 1))
    action_complete(actor=chair_a, action_id=made["done"].pk, event_date=date(2015, 2, 20))  # 2014-15

    reports = {}
    for year in (2014, 2015):
        job = make(chair_a, ReportKind.BOARD_ANNUAL, {"board": "AAA", "year": year}, django_capture_on_commit_callbacks)
        reports[year] = pdf_text(job)[0]
    assert "Fictional done recommendation" in reports[2014] and "Fictional open recommendation" in reports[2014]
    assert "Recommendations 2" in reports[2014].splitlines() and "Actions 2" in reports[2014].splitlines()
    assert "Fictional open recommendation" in reports[2015] and "Fictional open action" in reports[2015]
    assert "Fictional done recommendation" not in reports[2015] and "Fictional done action" not in reports[2015]
    assert "Recommendations 1" in reports[2015].splitlines() and "Actions 1" in reports[2015].splitlines()
