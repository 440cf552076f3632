"""The chair corrects a publication's event dates typed by mistake (SPEC §4.0, §4.5, §8 "Corrections"), with
frozen time: the clocks and the delay follow, the rules of the report's notice and time online are named
when refused, the publication's timeline shows both values."""

from datetime import date

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from audit.models import CORRECT_DATE, AuditEntry
from publication.corrections import publication_correct
from publication.models import Publication
from publication.services import publication_publish, publication_take_down
from reports.statistics import national_statistics
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.incidents.test_pages import banner, field_errors
from tests.workflow import report_sent

TODAY = date(2015, 11, 2)
URL = "https://www.example.org/fictional-scr-report"
REASON = "Typed from the wrong letter"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def published(chair, on=date(2015, 7, 1)) -> Publication:
    """Signed off 1 June 2015, the report sent 5 June, published on `on`."""
    publication = report_sent(chair)
    return publication_publish(actor=chair, publication_id=publication.pk, event_date=on, url=URL)


def correct(actor, publication, field, new_value, reason=REASON):
    return publication_correct(
        actor=actor, publication_id=publication.pk, field=field, new_value=new_value, reason=reason
    )


def refused(actor, publication, field, new_value) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        correct(actor, publication, field, new_value)
    return caught.value.errors["new_value"]


def test_a_publication_date_correction_moves_the_online_clock_and_the_delay(chair_a):
    publication = published(chair_a)
    period = {"date_from": date(2015, 4, 1), "date_to": date(2016, 3, 31)}
    assert national_statistics(**period)["delays"]["completion_to_publication_median_days"] == 30

    correct(chair_a, publication, "published_on", date(2015, 7, 10))

    assert Publication.objects.get(pk=publication.pk).published_on == date(2015, 7, 10)
    assert national_statistics(**period)["delays"]["completion_to_publication_median_days"] == 39
    row = ClockRow.objects.get(object_id=publication.pk, name="online_period")
    assert (row.starts_on, row.due_on) == (date(2015, 7, 10), date(2016, 7, 10))
    entry = AuditEntry.objects.for_object(publication).order_by("pk").last()
    publish = AuditEntry.objects.for_object(publication).get(transition="publish")
    assert (entry.transition, entry.corrects, entry.field, entry.old_value, entry.new_value, entry.reason) == (
        CORRECT_DATE,
        publish,
        "published_on",
        "2015-07-01",
        "2015-07-10",
        REASON,
    )


def test_the_reports_notice_and_the_sign_off_are_kept_with_the_rule_named(chair_a):
    publication = published(chair_a)  # report sent 5 June: the earliest publication is 12 June
    assert refused(chair_a, publication, "published_on", date(2015, 6, 10)) == [
        "The final report must reach the panel at least 7 days before publication: "
        "it cannot have been published before 12 June 2015"
    ]
    assert refused(chair_a, publication, "report_sent_on", date(2015, 6, 28)) == [
        "The final report must reach the panel at least 7 days before publication (1 July 2015): "
        "send it by 24 June 2015"
    ]
    assert refused(chair_a, publication, "report_sent_on", date(2015, 5, 30)) == [
        "The report cannot be sent before the review was signed off (1 June 2015)"
    ]
    assert refused(chair_a, publication, "published_on", date(2015, 11, 3)) == ["The date must be today or in the past"]
    correct(chair_a, publication, "report_sent_on", date(2015, 6, 2))
    assert Publication.objects.get(pk=publication.pk).report_sent_on == date(2015, 6, 2)


def test_a_take_down_stays_after_its_time_online(chair_a):
    publication = published(chair_a)
    with time_machine.travel(date(2016, 8, 1), tick=False):
        publication_take_down(actor=chair_a, publication_id=publication.pk, event_date=date(2016, 7, 5))
        assert refused(chair_a, publication, "taken_down_on", date(2016, 6, 30)) == [
            "The report cannot have come down before 1 July 2016, its time online"
        ]
        assert refused(chair_a, publication, "published_on", date(2016, 7, 6)) == [
            "The date cannot be after the publication's next event (5 July 2016)"
        ]
        correct(chair_a, publication, "taken_down_on", date(2016, 7, 1))
    assert Publication.objects.get(pk=publication.pk).taken_down_on == date(2016, 7, 1)


def test_staff_are_refused_and_another_boards_chair_finds_nothing(chair_a, staff_a, chair_b):
    publication = published(chair_a)
    with pytest.raises(RoleNotPermitted):
        correct(staff_a, publication, "published_on", date(2015, 7, 2))
    with pytest.raises(Http404):
        correct(chair_b, publication, "published_on", date(2015, 7, 2))
    assert Publication.objects.get(pk=publication.pk).published_on == date(2015, 7, 1)


def test_the_pages(client, sign_in, chair_a, staff_a, chair_b):
    publication = published(chair_a)
    page = reverse("publication:publication", args=[publication.public_id])
    url = reverse("publication:correct", args=[publication.public_id, "published_on"])
    sign_in(staff_a)
    assert url not in client.get(page).text
    assert client.get(url).status_code == 403
    sign_in(chair_b)
    assert client.get(url).status_code == 404
    sign_in(chair_a)
    assert url in client.get(page).text
    form_page = client.get(url).text
    assert ">Back</a>" in form_page and "<h1" in form_page  # the back link says "Back", not the page's title
    assert client.get(reverse("publication:correct", args=[publication.public_id, "url"])).status_code == 404
    bad = client.post(url, {"new_value_0": "10", "new_value_1": "6", "new_value_2": "2015", "reason": REASON})
    assert field_errors(bad, "new_value")[0].startswith("The final report must reach the panel at least")
    response = client.post(url, {"new_value_0": "10", "new_value_1": "7", "new_value_2": "2015", "reason": REASON})
    assert response.status_code == 302
    shown = client.get(page)
    assert "The date the report was published corrected" in banner(shown)
    assert "Corrected: the date the report was published" in shown.text
    assert "1 Jul 2015 to 10 Jul 2015" in shown.text


def test_another_events_corrected_date_is_that_events_date_now(chair_a):
    """After the publication date is corrected, the report sent cannot follow the corrected publication."""
    publication = published(chair_a)
    correct(chair_a, publication, "published_on", date(2015, 7, 10))
    assert refused(chair_a, publication, "report_sent_on", date(2015, 7, 11)) == [
        "The date cannot be after the publication's next event (10 July 2015)"
    ]
