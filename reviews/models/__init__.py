"""Initiation decisions, Serious Case Reviews and what they produce (SPEC §4.2, §4.3)."""

from .actions import Action, Recommendation, Theme
from .decisions import Decision, DecisionQuerySet
from .reviews import Contribution, SeriousCaseReview, StopPeriod

__all__ = [
    "Action",
    "Contribution",
    "Decision",
    "DecisionQuerySet",
    "Recommendation",
    "SeriousCaseReview",
    "StopPeriod",
    "Theme",
]
