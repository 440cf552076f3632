"""The national statistics page (SPEC §7, §8): the secretariat's and panel's figures for any period,
and a board's own figures for its chair and staff. The service administrator sees no case data."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Board
from incidents.choices import Nature
from panel.choices import Outcome

from .charts import charts_for
from .forms import StatisticsPeriodForm
from .statistics import last_complete_financial_year, national_statistics


def statistics_scope(user) -> Board | None:
    """Whose figures the user may see: None for every board (panel roles), their own board (board
    roles). Anyone else (the service administrator) is refused: the figures are case data."""
    if user.is_board_user:
        return user.board
    if user.is_panel_user:
        return None
    raise PermissionDenied("National statistics are for the panel and the boards")


def figure_rows(figures: dict) -> dict:
    """The figures that are objects as (label, count) rows, for the page and the PDF alike."""
    return {
        "outcome_rows": {
            key: [(Outcome(outcome).label, count) for outcome, count in figures[key].items()]
            for key in ("non_initiation_not_agreed", "non_publication_outcomes")
        },
        "nature_rows": [(Nature(nature).label, count) for nature, count in figures["sins_by_nature"].items()],
    }


@require_http_methods(["GET"])
def statistics_page(request):
    board = statistics_scope(request.user)
    asked = any(key.split("_")[0] in ("from", "to") for key in request.GET)
    start, end = last_complete_financial_year(timezone.localdate())
    form = StatisticsPeriodForm(request.GET if asked else None, initial={"from": start, "to": end})
    context = {"form": form, "board": board, "statistics": None, "charts": []}
    if asked and form.is_valid():
        start, end = form.period()
    if not asked or form.is_valid():
        figures = national_statistics(date_from=start, date_to=end, board=board)
        context["statistics"] = figures
        context.update(figure_rows(figures))
        context["charts"] = charts_for(date_from=start, date_to=end, board=board, statistics=figures)
    return render(request, "reports/statistics.html", context)
