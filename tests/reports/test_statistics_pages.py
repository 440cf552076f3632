"""The national statistics page: who sees which figures, the period form, charts, links and cost."""

from datetime import date

import pytest
from django.urls import reverse

from reports.forms import StatisticsPeriodForm
from reviews.choices import DecisionKind
from tests import workflow
from tests.reports.test_statistics import FROM, TO, frozen, sin  # noqa: F401 - fixtures

URL = reverse("reports:statistics")
PERIOD = {"from": "2014-04-01", "to": "2015-03-31"}


def notified_and_decided(chair, day: int, decision=DecisionKind.NOT_INITIATE):
    """A SIN on `day` May 2014 and its decision on `day` June 2014 (both in the period)."""
    incident = sin(chair, incident_on=date(2014, 5, day), ofsted=date(2014, 5, day + 1))
    return workflow.decide(chair, incident, decision, decided_on=date(2014, 6, day))


def summary_value(html: str, key: str) -> str:
    """The value beside a summary list key (the page's figures are in summary lists)."""
    start = html.index(f'<dt class="govuk-summary-list__key">{key}</dt>')
    value_start = html.index('<dd class="govuk-summary-list__value">', start) + len(
        '<dd class="govuk-summary-list__value">'
    )
    return html[value_start : html.index("</dd>", value_start)].strip()


@pytest.fixture
def two_boards(frozen, chair_a, chair_b):  # noqa: F811
    notified_and_decided(chair_a, 1)
    notified_and_decided(chair_b, 2)
    notified_and_decided(chair_b, 3, DecisionKind.INITIATE_SCR)


def test_secretariat_sees_every_board_with_the_last_financial_year_by_default(client, sign_in, secretariat, two_boards):
    sign_in(secretariat)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">National statistics</h1>' in html
    # Frozen on 1 June 2015: the last complete financial year is April 2014 to March 2015.
    assert response.context["statistics"]["from"] == FROM
    assert response.context["statistics"]["to"] == TO
    assert "1 April 2014 to 31 March 2015" in html
    assert summary_value(html, "Serious incident notifications") == "3"
    assert summary_value(html, "Boards that contacted the panel") == "1"  # B notified the panel of its SCR
    assert html.count("<svg") == 8
    assert html.count("as a table</caption>") == 8
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_panel_member_sees_the_national_figures(client, sign_in, panel_member, two_boards):
    sign_in(panel_member)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["board"] is None
    assert response.context["statistics"]["sins"] == 3


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_a_board_sees_its_own_figures_only(client, sign_in, request, persona, two_boards):
    user = request.getfixturevalue(persona)
    sign_in(user)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistics for Alphaford Safeguarding Children Board" in html
    assert response.context["board"] == user.board
    assert summary_value(html, "Serious incident notifications") == "1"  # not board B's two
    assert summary_value(html, "Local reviews initiated").startswith("0")
    assert summary_value(html, "Boards that contacted the panel") == "0"
    assert summary_value(html, "Active boards that did not") == "1"


def test_the_administrator_sees_no_case_figures(client, sign_in, administrator):
    sign_in(administrator)
    assert client.get(URL, PERIOD).status_code == 403


def test_signed_out_goes_to_sign_in(client):
    response = client.get(URL, PERIOD)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


def test_dates_typed_in_the_boxes(client, sign_in, secretariat, two_boards):
    sign_in(secretariat)
    response = client.get(
        URL, {"from_0": "1", "from_1": "5", "from_2": "2014", "to_0": "31", "to_1": "5", "to_2": "2014"}
    )
    assert response.status_code == 200
    assert response.context["statistics"]["from"] == date(2014, 5, 1)
    assert response.context["statistics"]["sins"] == 3
    assert 'value="31"' in response.content.decode()


REVERSED = "The end of the period must be the same as or after the start"
SHORT_YEAR = "The year of the end of the period must include 4 numbers"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"to": "2015-03-31"}, "from", "Enter the start of the period"),
        ({"from": "2015-04-01", "to": "2015-03-31"}, "to", REVERSED),
        ({"from": "2014-02-30", "to": "2015-03-31"}, "from", "The start of the period must be a real date"),
        ({"from": "last year", "to": "2015-03-31"}, "from", "The start of the period must be a real date"),
        ({"from_0": "1", "from_2": "2014", "to": "2015-03-31"}, "from", "The start of the period must include a month"),
        ({"from": "2014-04-01", "to_0": "31", "to_1": "3", "to_2": "26"}, "to", SHORT_YEAR),
        ({"from": "1900-01-01", "to": "2015-03-31"}, "from", "The period must be 20 years or shorter"),
    ],
)
def test_bad_dates_are_explained_next_to_the_field(client, sign_in, secretariat, query, field, message):
    sign_in(secretariat)
    response = client.get(URL, query)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'<div id="div_id_{field}" class="govuk-form-group govuk-form-group--error">' in html
    period_form = html.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert "csrfmiddlewaretoken" not in period_form  # a GET form: nothing secret in the address
    assert message in html
    assert response.context["statistics"] is None
    assert "<svg" not in html


def test_the_form_reads_a_whole_date_from_the_address():
    form = StatisticsPeriodForm({"from": "2014-04-01", "to": "2014-04-01"})
    assert form.is_valid(), form.errors
    assert form.period() == (date(2014, 4, 1), date(2014, 4, 1))


@pytest.mark.parametrize("persona", ["secretariat", "panel_member", "chair_a", "staff_a"])
def test_dashboards_link_to_the_statistics(client, sign_in, request, persona):
    sign_in(request.getfixturevalue(persona))
    assert f'href="{URL}"' in client.get(reverse("accounts:dashboard")).content.decode()


def test_the_page_costs_the_same_whatever_the_data(client, sign_in, secretariat, chair_a, frozen):  # noqa: F811
    sign_in(secretariat)
    notified_and_decided(chair_a, 1)
    notified_and_decided(chair_a, 2, DecisionKind.INITIATE_SCR)
    client.get(URL, PERIOD)  # warm up: sessions, content types

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, PERIOD).status_code == 200
        return len(captured)

    few = queries()
    for day in range(3, 13):
        notified_and_decided(chair_a, day, DecisionKind.INITIATE_SCR if day % 2 else DecisionKind.NOT_INITIATE)
    assert queries() == few
    assert few <= 25


def test_the_period_shown_can_be_downloaded_as_a_pdf(client, sign_in, secretariat):
    sign_in(secretariat)
    html = client.get(URL, PERIOD).content.decode()
    pdf_form = html.split(f'<form method="post" action="{reverse("reports:national_pdf")}"', 1)[1].split("</form>")[0]
    assert '<input type="hidden" name="from" value="2014-04-01">' in pdf_form
    assert '<input type="hidden" name="to" value="2015-03-31">' in pdf_form
    assert "csrfmiddlewaretoken" in pdf_form
    assert "Create PDF" in pdf_form
    assert html.count(reverse("reports:national_pdf")) == 1


def test_the_key_figures_come_first_and_the_charts_use_the_apps_font(client, sign_in, secretariat, two_boards):
    from defusedxml import ElementTree

    sign_in(secretariat)
    html = client.get(URL).content.decode()
    main = html.split("<main", 1)[1]
    key = main.index('id="key-figures"')
    assert key < main.index("Notifications and reviews") < main.index('id="charts"')
    figures = main[key : main.index("Every figure follows")]
    assert '<span class="app-key-figure__number">3</span> serious incident notifications' in figures
    svg = main[main.index("<svg") : main.index("</svg>") + len("</svg>")]
    assert ElementTree.fromstring(svg).get("font-family").startswith("Arial")
