"""The demo publications: plainly fictional, one in every publication state, added once."""

from datetime import date

import pytest
import time_machine

from accounts.demo import seed_demo
from accounts.models import User
from audit.models import AuditEntry
from publication.choices import PublicationState
from publication.models import Publication


@pytest.fixture(autouse=True)
def frozen():
    # A Monday after a bank holiday weekend's month end: demo dates are all relative to today.
    with time_machine.travel(date(2015, 6, 1), tick=False):
        yield


@pytest.mark.django_db
def test_every_state_once_fictional_and_not_added_twice():
    seed_demo()
    publications = list(Publication.objects.select_related("review__board", "submission"))
    assert {p.state for p in publications} == set(PublicationState.values)
    assert {p.review.board.code for p in publications} == {"WBK"}
    for publication in publications:
        assert publication.review.signed_off_on <= date(2015, 6, 1)
        for text in (publication.reasons, publication.independent_advice, publication.board_response):
            assert not text or "fictional" in text.lower()
        assert not publication.url or publication.url.startswith("https://www.example.org/")
        assert AuditEntry.objects.for_object(publication).count() >= (publication.state != "awaiting_report")
    modes = {p.state: p.mode for p in publications}
    assert modes["withheld"] == "not_published"
    assert "anonymised" in {p.mode for p in publications if p.state == "published"}
    count = len(publications)
    seed_demo()
    assert Publication.objects.count() == count
    assert User.objects.filter(email="chair@northfield.example").exists()
