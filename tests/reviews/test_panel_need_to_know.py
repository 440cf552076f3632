"""Need to know (SPEC §2, decision 0026): the panel reads a running review as its initiation notice;
its contributions, recommendations and documents reach the panel with the final report."""

import pytest
import time_machine
from django.urls import reverse

from tests.reviews.test_documents import ODT, add, upload
from tests.reviews.test_review_api import TODAY, contribution_of, recommendation_of, review_in
from tests.workflow import final_report_reached_panel

HIDDEN = "reach the national panel with the final report"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
def test_the_panel_reads_a_running_reviews_parts_only_once_its_final_report_is_sent(
    client, sign_in, request, chair_a, staff_a, persona
):
    review = review_in("drafting", chair_a)
    contribution_of(review, chair_a)
    recommendation_of(review, chair_a)
    document = add(staff_a, review, upload("terms.odt", ODT), title="Fictional terms, agreed")
    page = reverse("reviews:review", args=[review.public_id])

    sign_in(request.getfixturevalue(persona))
    text = client.get(page).content.decode()
    assert HIDDEN in text
    assert "Alphaford Hospitals NHS Trust" not in text
    assert "Health visitors should see the child" not in text
    assert "Fictional terms, agreed" not in text
    assert client.get(reverse("documents:download", args=[document.public_id])).status_code == 404

    final_report_reached_panel(review)
    text = client.get(page).content.decode()
    assert HIDDEN not in text
    assert "Alphaford Hospitals NHS Trust" in text and "Health visitors should see the child" in text
    assert "Fictional terms, agreed" in text


def test_the_board_reads_its_running_reviews_parts(client, sign_in, chair_a, staff_a):
    review = review_in("drafting", chair_a)
    contribution_of(review, chair_a)
    sign_in(staff_a)
    text = client.get(reverse("reviews:review", args=[review.public_id])).content.decode()
    assert HIDDEN not in text and "Alphaford Hospitals NHS Trust" in text
