"""The pages of a Working Together 2018 case, end to end (SPEC §10): the rapid review clock on the case
page, the rapid review submission and the Panel's advice on it, the panel's lists, the LCSPR and a
publication the partners decide themselves. No page assumes the 2013 regime's workflow."""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from panel.choices import Advice
from publication.services import publication_propose, publication_publish, publication_send_report
from reviews.choices import DecisionKind
from reviews.services import review_begin_drafting, review_sign_off, review_start
from scr_tracker.regimes import regime_for
from tests.check_answers import post_and_confirm
from tests.incidents.test_pages import banner, date_fields
from tests.workflow import SIGN_OFF_REASON, advise, decide, notified, submission_of, submit

SUMMARY = "Fictional summary: the facts, the immediate actions and the learning."
# A day when the cases below are history: every event is in the past.
TODAY = date(2023, 6, 1)
REGIME = regime_for(date(2022, 11, 4))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2023, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def rapid_case(chair, **overrides):
    return notified(
        chair,
        incident_on=date(2022, 11, 1),
        la_aware_on=date(2022, 11, 2),
        received_on=date(2022, 11, 4),
        ofsted_notified_on=date(2022, 11, 4),
        child_pseudonym="Child Quill",
        **overrides,
    )


def rapid_decision(chair, incident, decision=DecisionKind.INITIATE_SCR, **kwargs):
    kwargs.setdefault("rapid_review_summary", SUMMARY)
    return decide(
        chair, incident, decision=decision, decided_on=date(2022, 11, 21), national_review_recommended=True, **kwargs
    )


def text_of(response) -> str:
    """The page's main content as a reader sees it: tags dropped, spaces collapsed."""
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])))


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response)


def case_url(incident):
    return reverse("incidents:case", args=[incident.public_id])


def submission_url(submission, name=""):
    if name:
        return reverse("panel:transition", args=[submission.public_id, name])
    return reverse("panel:submission", args=[submission.public_id])


def advice_values(response_text: str) -> list[str]:
    return re.findall(
        r'type="radio"\s+name="advice"\s+class="govuk-radios__input"\s+id="[^"]+"\s+value="([a-z_]+)"', response_text
    )


def test_the_case_is_of_the_later_regime():
    assert REGIME.clock("rapid_review") is not None and not REGIME.panel_advises_on_publication


@pytest.mark.django_db
def test_a_rapid_review_case_from_notification_to_publication(client, sign_in, chair_a, panel_member, secretariat):
    incident = rapid_case(chair_a)
    sign_in(chair_a)
    page = get(client, case_url(incident))
    assert REGIME.clock("rapid_review").described in page
    form = client.get(reverse("incidents:transition", args=[incident.public_id, "record_decision"])).text
    assert "The rapid review" in form and 'name="rapid_review_summary"' in form
    assert 'name="national_review_recommended"' in form
    get(client, reverse("incidents:list"))
    get(client, reverse("accounts:dashboard"))

    rapid_decision(chair_a, incident)
    submission = submission_of(incident)
    assert submission.kind == "rapid_review"
    page = get(client, case_url(incident))
    assert f"Send the rapid review to the {REGIME.term('panel')}" in page
    page = get(client, submission_url(submission))
    assert SUMMARY in page and "National review recommended Yes" in page and "Kind Rapid review" in page
    assert SUMMARY in get(client, reverse("panel:check", args=[submission.public_id]))
    get(client, reverse("panel:note", args=[submission.public_id]))
    assert "Rapid review" in get(client, reverse("panel:submissions"))
    get(client, reverse("accounts:dashboard"))

    submit(chair_a, incident, on=date(2022, 11, 22))
    # The submission page shows the case's rapid review clock, which sending it ended.
    assert re.search(r"Rapid review \(.*?\) 4 Nov 2022 25 Nov 2022 Met", get(client, submission_url(submission)))
    page = get(client, case_url(incident))
    assert re.search(r"Rapid review \(.*?\) 4 Nov 2022 25 Nov 2022 Met", page)
    for user in (panel_member, secretariat):
        sign_in(user)
        assert incident.reference in get(client, reverse("accounts:dashboard"))
        assert "Rapid review" in get(client, reverse("panel:submissions"))
        get(client, submission_url(submission))
        form = client.get(submission_url(submission, "record_advice")).text
        # The decision was to hold a local review: the Panel cannot disagree with it.
        assert advice_values(form) == list(submission.advice_allowed())
        assert "national_review" in advice_values(form) and "disagree" not in advice_values(form)
        get(client, case_url(incident))

    advise(submission, Advice.NATIONAL_REVIEW, on=date(2022, 12, 5))
    assert "Outcome: National review" in get(client, submission_url(submission))
    assert "National review" in get(client, reverse("panel:submissions"))
    sign_in(chair_a)
    get(client, submission_url(submission))
    review = incident.decisions.order_by("-pk").first().review
    review_url = reverse("reviews:review", args=[review.public_id])
    get(client, review_url)
    get(client, reverse("reviews:list"))
    review_start(
        actor=chair_a, review_id=review.pk, event_date=date(2022, 12, 1), methodology="silp", lead_reviewer="A. R."
    )
    review_begin_drafting(actor=chair_a, review_id=review.pk, event_date=date(2023, 3, 1))
    review_sign_off(actor=chair_a, review_id=review.pk, event_date=date(2023, 4, 3), reason=SIGN_OFF_REASON)
    review.refresh_from_db()
    publication = review.publication
    pub_url = reverse("publication:publication", args=[publication.public_id])
    # Signed off, not yet published: the LCSPR's clock runs to publication.
    phrase = REGIME.clock("scr_completion").phrase
    assert phrase.endswith("to publication") and f"The clock {phrase.capitalize()}" in get(client, review_url)
    get(client, pub_url)
    get(client, reverse("publication:list"))
    get(client, reverse("publication:transition", args=[publication.public_id, "send_report"]))
    publication_send_report(actor=chair_a, publication_id=publication.pk, event_date=date(2023, 4, 5))
    get(client, pub_url)
    intro = get(client, reverse("publication:transition", args=[publication.public_id, "propose"]))
    assert "advises on the proposal" not in intro and f"does not go to the {REGIME.term('panel')}" in intro
    publication_propose(
        actor=chair_a,
        publication_id=publication.pk,
        event_date=date(2023, 4, 6),
        mode="anonymised",
        reasons="Fictional reasons.",
        independent_advice="Fictional independent advice: a named sibling would be at risk.",
    )
    publication.refresh_from_db()
    assert publication.submission_id is None
    page = get(client, pub_url)
    assert "State Proposed: not in full" in page and "without the panel" in page
    get(client, reverse("publication:transition", args=[publication.public_id, "publish"]))
    withhold = get(client, reverse("publication:transition", args=[publication.public_id, "withhold"]))
    assert "the panel agreed, or" not in withhold
    publication_publish(
        actor=chair_a, publication_id=publication.pk, event_date=date(2023, 5, 2), url="https://example.org/r"
    )
    get(client, pub_url)
    assert re.search(r"to publication\) 21 Nov 2022 21 May 2023 Met", get(client, case_url(incident)))
    get(client, review_url)
    for user in (panel_member, secretariat):
        sign_in(user)
        get(client, reverse("accounts:dashboard"))
        get(client, reverse("panel:submissions"))
        get(client, pub_url)


@pytest.mark.django_db
def test_a_not_initiate_rapid_review_offers_disagree_and_names_what_is_missing(client, sign_in, chair_a, panel_member):
    incident = rapid_case(chair_a, agencies_involved=[])
    rapid_decision(chair_a, incident, decision=DecisionKind.NOT_INITIATE)
    submission = submission_of(incident)
    sign_in(chair_a)
    page = get(client, submission_url(submission))
    from panel.services import submission_missing

    missing = submission_missing(submission)
    assert missing and all(item.lower() in page.lower() for item in missing)
    sign_in(panel_member)
    incident.agencies_involved = ["police"]
    incident.save(update_fields=["agencies_involved"])
    submit(chair_a, incident, on=date(2022, 11, 22))
    form = client.get(submission_url(submission, "record_advice")).text
    assert advice_values(form) == list(REGIME.advice_for("rapid_review", DecisionKind.NOT_INITIATE))
    assert "disagree" in advice_values(form)


def test_signing_off_an_lcspr_says_its_completion_clock_runs_on_to_publication(client, sign_in, chair_a):
    incident = rapid_case(chair_a)
    review = rapid_decision(chair_a, incident).review
    review_start(
        actor=chair_a, review_id=review.pk, event_date=date(2022, 12, 1), methodology="silp", lead_reviewer="A. R."
    )
    review_begin_drafting(actor=chair_a, review_id=review.pk, event_date=date(2023, 3, 1))
    due = REGIME.due("scr_completion", date(2022, 11, 21))
    # Signed off on the day, before the clock's due date: the clock is not met yet, nor missed.
    with time_machine.travel(datetime(2023, 4, 3, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        sign_in(chair_a)
        response = post_and_confirm(
            client,
            reverse("reviews:transition", args=[review.public_id, "sign_off"]),
            {**date_fields("event_date", date(2023, 4, 3)), "reason": SIGN_OFF_REASON},  # no overview report
            follow=True,
        )
    assert banner(response) == (
        f"Review signed off. The completion clock runs until the report is published: due by {due:%-d %B %Y}"
    )
    review.refresh_from_db()
    assert (review.state, review.signed_off_on) == ("completed", date(2023, 4, 3))
