"""Publishing a Serious Case Review's final report in a real browser: the chair proposes publishing a
summary only (a missing answer is named first), sends the proposal to the national panel, a panel
member records that the panel agrees, and the chair records the publication with its web address
(an early date is refused first: the 7-day rule). The case page then shows the whole history and the
days from completion to publication. axe-core checks every page visited.

A proposal goes through the panel only under Working Together 2013 (its `panel_advises_on_publication`),
so the case is one of 2015 and every date of the journey is fixed in that year: the review and the final
report by the workflow helpers, the proposal, the panel's advice and the publication here. The live server
runs in another thread, so time is not frozen: the one count that runs to today is the days so far before
the report is published.
"""

from datetime import date

import pytest
from django.utils import timezone

from publication.models import Publication
from scr_tracker.regimes import regime_of
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import fill_date, heading, sign_in
from tests.browser.test_panel_journey import banner_text, main_text, new_page  # noqa: F401 (a fixture)
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, TOTPDeviceFactory
from tests.workflow import REPORT_SENT_ON, SIGNED_OFF_ON, report_sent

pytestmark = pytest.mark.browser

CHAIR_KEY = "8182838485868788898a8b8c8d8e8f9091929394"
MEMBER_KEY = "9192939495969798999a9b9c9d9e9fa0a1a2a3a4"
URL = "https://www.example.org/publishshire/scr-summary"
# After the report reached the panel (REPORT_SENT_ON, 5 June 2015): the proposal is made and sent, the panel
# advises, a publication date a week after the report reached the panel is refused, and one after it accepted.
PROPOSED_ON = SENT_ON = date(2015, 6, 8)
ADVISED_ON = date(2015, 6, 9)
TOO_EARLY_ON, PUBLISHED_ON = date(2015, 6, 11), date(2015, 6, 15)


def test_a_summary_only_publication_through_the_panel(new_page, live_server, transactional_db):  # noqa: F811
    board = BoardFactory(code="PUB", name="Publishshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@publication-journey.example", full_name="Pip Chair")
    member = PanelMemberFactory(email="member@publication-journey.example", full_name="Max Member")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    TOTPDeviceFactory(user=member, key=MEMBER_KEY)
    today = timezone.localdate()
    publication = report_sent(chair, child_pseudonym="Child S")
    incident = publication.review.incidents.get()
    regime = regime_of(incident)
    assert regime.panel_advises_on_publication  # the journey's premise: its regime sends proposals to the panel
    days = (today - SIGNED_OFF_ON).days

    # --- The chair opens the case, sees the publication waiting, and goes to the publication page.
    chair_page = new_page()
    sign_in(chair_page, chair.email, CHAIR_KEY)
    chair_page.goto(f"/cases/{incident.public_id}/")
    section = chair_page.locator("#publication-facts").inner_text()
    assert "Final report sent to the panel" in section and f"{days} days so far" in section
    assert_accessible(chair_page)
    chair_page.get_by_role("link", name="Go to the publication page").click()
    assert heading(chair_page) == f"Publication: {incident.reference}"
    assert_accessible(chair_page)

    # --- The chair proposes a summary only; a missing answer is named first.
    chair_page.get_by_role("button", name="Propose not publishing in full").click()
    assert heading(chair_page) == "Propose not publishing in full"
    assert_accessible(chair_page)
    fill_date(chair_page, "When did the board decide to propose this?", PROPOSED_ON)
    chair_page.get_by_label("Summary only").check()
    chair_page.get_by_label("The board's reasons").fill("Fictional: the family's circumstances are identifiable.")
    chair_page.get_by_role("button", name="Propose and prepare the submission").click()
    summary = chair_page.locator(".govuk-error-summary").inner_text()
    assert "Give the independent advice that publication would put specific individuals at serious risk" in summary
    assert_accessible(chair_page)
    chair_page.get_by_label("The independent advice").fill("Fictional: an independent adviser found a sibling at risk.")
    chair_page.get_by_role("button", name="Propose and prepare the submission").click()
    assert "Proposal recorded" in banner_text(chair_page)
    assert "Proposed mode of publication" in main_text(chair_page) and "Summary only" in main_text(chair_page)
    assert_accessible(chair_page)

    # --- The chair checks the answers and sends the proposal to the panel.
    chair_page.get_by_role("button", name="Check and send to the panel").click()
    assert heading(chair_page) == "Check your answers before sending the submission"
    assert "Fictional: an independent adviser found a sibling at risk." in main_text(chair_page)
    assert_accessible(chair_page)
    fill_date(chair_page, "When was the submission sent to the panel?", SENT_ON)
    chair_page.get_by_role("button", name="Accept and send to the panel").click()
    assert "Submission sent to the national panel" in banner_text(chair_page)
    submission_url = chair_page.url

    # --- A panel member reads the proposal and records that the panel agrees to a summary only.
    member_page = new_page()
    sign_in(member_page, member.email, MEMBER_KEY)
    member_page.goto(submission_url)
    facts = main_text(member_page)
    assert "Fictional: the family's circumstances are identifiable." in facts
    reached = f"the final report reached the {regime.term('panel')} on {REPORT_SENT_ON.day} {REPORT_SENT_ON:%B %Y}"
    assert reached in facts
    assert_accessible(member_page)
    member_page.get_by_role("button", name="Record the panel's advice").click()
    fill_date(member_page, "When did the panel give its advice?", ADVISED_ON)
    member_page.get_by_label("Agree to publishing a summary only").check()
    member_page.get_by_label("The panel's reasons").fill("Fictional: a summary protects the sibling.")
    member_page.get_by_role("button", name="Record the advice").click()
    assert "Panel agreed a summary only" in main_text(member_page)
    assert_accessible(member_page)

    # --- The chair records the publication with its web address; then the case page tells it all.
    chair_page.goto(f"/publications/{publication.public_id}/")
    assert "Panel agreed a summary only" in main_text(chair_page)
    assert_accessible(chair_page)
    chair_page.get_by_role("button", name="Record the publication").click()
    assert "It will be published as: summary only." in main_text(chair_page)
    assert_accessible(chair_page)
    fill_date(chair_page, "When was the report published?", TOO_EARLY_ON)
    chair_page.get_by_label("Web address of the published report").fill("not a web address")
    chair_page.get_by_role("button", name="Continue").click()
    errors = chair_page.locator(".govuk-error-summary").inner_text()
    assert "Enter a web address starting https://" in errors
    assert regime.clock("report_to_panel").duration in errors and "12 June 2015" in errors  # the 7-day rule
    assert_accessible(chair_page)
    fill_date(chair_page, "When was the report published?", PUBLISHED_ON)
    chair_page.get_by_label("Web address of the published report").fill(URL)
    chair_page.get_by_role("button", name="Continue").click()
    assert heading(chair_page) == "Check your answers before you record the publication"
    assert URL in chair_page.locator(".govuk-summary-list").inner_text()
    assert Publication.objects.get(pk=publication.pk).state != "published"
    assert_accessible(chair_page)
    chair_page.get_by_role("button", name="Confirm and publish").click()
    assert "(summary only)" in banner_text(chair_page)
    published = Publication.objects.get(pk=publication.pk)
    assert (published.state, published.mode, published.url) == ("published", "summary_only", URL)
    assert published.published_on == PUBLISHED_ON
    assert_accessible(chair_page)

    chair_page.goto(f"/cases/{incident.public_id}/")
    section = chair_page.locator("#publication-facts").inner_text()
    days = (PUBLISHED_ON - SIGNED_OFF_ON).days
    assert f"{days} days" in section and "so far" not in section and "Summary only" in section
    history = chair_page.locator("#timeline + table").inner_text()
    for what in (
        "Final report sent to the panel",
        "Publication other than in full proposed",
        "Sent to the panel",
        "Panel's advice recorded",
        "Report published",
    ):
        assert what.lower() in history.lower(), what
    assert history.index("Publication other than in full proposed") < history.index("Report published")
    assert_accessible(chair_page)
