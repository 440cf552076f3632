"""Publishing a Serious Case Review's final report in a real browser: the chair proposes publishing a
summary only (a missing answer is named first), sends the proposal to the national panel, a panel
member records that the panel agrees, and the chair records the publication with its web address
(an early date is refused first: the 7-day rule). The case page then shows the whole history and the
days from completion to publication. axe-core checks every page visited.

The live server runs in another thread, so time is not frozen here: the review and the final report
are dated in the past by the workflow helpers, and the rest of the journey is dated today.
"""

import pytest
from django.utils import timezone

from publication.models import Publication
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import fill_date, heading, sign_in
from tests.browser.test_panel_journey import banner_text, main_text, new_page  # noqa: F401 (a fixture)
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, TOTPDeviceFactory
from tests.workflow import REPORT_SENT_ON, SIGNED_OFF_ON, report_sent

pytestmark = pytest.mark.browser

CHAIR_KEY = "8182838485868788898a8b8c8d8e8f9091929394"
MEMBER_KEY = "9192939495969798999a9b9c9d9e9fa0a1a2a3a4"
URL = "https://www.example.org/publishshire/scr-summary"


def test_a_summary_only_publication_through_the_panel(new_page, live_server, transactional_db):  # noqa: F811
    board = BoardFactory(code="PUB", name="Publishshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@publication-journey.example", full_name="Pip Chair")
    member = PanelMemberFactory(email="member@publication-journey.example", full_name="Max Member")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    TOTPDeviceFactory(user=member, key=MEMBER_KEY)
    today = timezone.localdate()
    publication = report_sent(chair, child_pseudonym="Child S")
    incident = publication.review.incidents.get()
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
    fill_date(chair_page, "When did the board decide to propose this?", today)
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
    fill_date(chair_page, "When was the submission sent to the panel?", today)
    chair_page.get_by_role("button", name="Accept and send to the panel").click()
    assert "Submission sent to the national panel" in banner_text(chair_page)
    submission_url = chair_page.url

    # --- A panel member reads the proposal and records that the panel agrees to a summary only.
    member_page = new_page()
    sign_in(member_page, member.email, MEMBER_KEY)
    member_page.goto(submission_url)
    facts = main_text(member_page)
    assert "Fictional: the family's circumstances are identifiable." in facts
    assert f"the final report reached the panel on {REPORT_SENT_ON.day} {REPORT_SENT_ON:%B %Y}" in facts
    assert_accessible(member_page)
    member_page.get_by_role("button", name="Record the panel's advice").click()
    fill_date(member_page, "When did the panel give its advice?", today)
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
    fill_date(chair_page, "When was the report published?", today)
    chair_page.get_by_label("Web address of the published report").fill("not a web address")
    chair_page.get_by_role("button", name="Record the publication").click()
    assert "Enter a web address starting https://" in chair_page.locator(".govuk-error-summary").inner_text()
    assert_accessible(chair_page)
    chair_page.get_by_label("Web address of the published report").fill(URL)
    chair_page.get_by_role("button", name="Record the publication").click()
    assert "(summary only)" in banner_text(chair_page)
    published = Publication.objects.get(pk=publication.pk)
    assert (published.state, published.mode, published.url) == ("published", "summary_only", URL)
    assert_accessible(chair_page)

    chair_page.goto(f"/cases/{incident.public_id}/")
    section = chair_page.locator("#publication-facts").inner_text()
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
