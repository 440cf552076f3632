"""The arithmetic of the statistics: percentages rounded half up, medians from the middle rows,
the default period, and the SPEC's own figures for July 2014 to June 2015 as a check."""

from datetime import date

import pytest

from reports.statistics import (
    NON_INITIATION_NOT_AGREED,
    NON_PUBLICATION_OUTCOMES,
    last_complete_financial_year,
    median_of_middle,
    middle_slice,
    percentage,
)
from tests.reports.test_statistics import EXPECTED


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (86, 107, 80),  # the panel's second annual report: 86 of 107 agreed, "80%"
        (1, 8, 13),  # 12.5: half up, not to the even 12
        (5, 8, 63),  # 62.5: half up, not to the even 62
        (1, 200, 1),  # 0.5
        (1, 3, 33),
        (2, 3, 67),
        (0, 5, 0),
        (5, 5, 100),
        (4, 14, 29),
    ],
)
def test_percentages_are_rounded_half_up(part, whole, expected):
    assert percentage(part, whole) == expected


def test_a_percentage_of_nothing_is_null():
    assert percentage(0, 0) is None


def middle(values: list[int]) -> list[int]:
    """What the database returns: the ordered values' middle row or rows."""
    return sorted(values)[middle_slice(len(values))]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([7], 7),
        ([3, 1, 2], 2),  # odd: the middle one
        ([1, 2, 3, 4], 2.5),  # even: the mean of the middle two
        ([10, 20], 15),  # a whole mean stays a whole number
        ([0, 0, 1, 1], 0.5),
        ([90, 11, 35, 34, 50, 20], 34.5),
    ],
)
def test_medians(values, expected):
    assert median_of_middle(middle(values), len(values)) == expected
    assert isinstance(median_of_middle(middle(values), len(values)), type(expected))


def test_the_median_of_nothing_is_null():
    assert median_of_middle([], 0) is None


@pytest.mark.parametrize(("count", "rows"), [(1, slice(0, 1)), (2, slice(0, 2)), (5, slice(2, 3)), (6, slice(2, 4))])
def test_the_middle_rows(count, rows):
    assert middle_slice(count) == rows


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2015, 11, 23), (date(2014, 4, 1), date(2015, 3, 31))),
        (date(2015, 4, 1), (date(2014, 4, 1), date(2015, 3, 31))),  # the year ended yesterday
        (date(2015, 3, 31), (date(2013, 4, 1), date(2014, 3, 31))),  # the year ends today: not complete
        (date(2015, 1, 1), (date(2013, 4, 1), date(2014, 3, 31))),
    ],
)
def test_the_default_period_is_the_last_complete_financial_year(today, period):
    assert last_complete_financial_year(today) == period


def test_the_specs_own_figures_fit_these_definitions():
    """July 2014 to June 2015 (SPEC §7): the parts add up to the wholes and 86/107 is the 80% reported."""
    considered, agreed = 107, 86
    not_agreed = {
        "scr_initiated_after_advice": 6,
        "awaiting_information": 2,
        "satisfied_after_explanation": 10,
        "advice_not_accepted": 3,
        "pending_board_response": 0,
        "pending_panel_view": 0,
    }
    assert set(not_agreed) == set(NON_INITIATION_NOT_AGREED)
    assert agreed + sum(not_agreed.values()) == considered
    assert percentage(agreed, considered) == 80
    non_publication = {
        "agreed_not_publish": 8,
        "agreed_anonymous": 2,
        "agreed_summary": 1,
        "disagreed_published": 2,
        "disagreed_not_published": 2,
        "awaiting_information": 1,
        "pending_board_response": 0,
    }
    assert set(non_publication) == set(NON_PUBLICATION_OUTCOMES)
    assert sum(non_publication.values()) == 16
    # "of 5 disagreed: 2 published, 2 not published, 1 awaiting information"
    assert non_publication["disagreed_published"] + non_publication["disagreed_not_published"] + 1 == 5


def test_the_constructed_periods_parts_add_up():
    """In the constructed period every considered case has been advised, so the outcome counts add up."""
    assert (
        EXPECTED["non_initiation_agreed"] + sum(EXPECTED["non_initiation_not_agreed"].values())
        == EXPECTED["non_initiation_considered"]
    )
    assert sum(EXPECTED["non_publication_outcomes"].values()) == EXPECTED["non_publication_considered"]
    assert EXPECTED["boards_never_contacted_panel"] <= EXPECTED["boards_not_contacted_panel"]
