"""Initiation decisions, Serious Case Reviews and what they produce (SPEC §4.2, §4.3)."""

from .actions import Action, Recommendation, Theme
from .decisions import Decision, DecisionQuerySet
from .documents import Document, DocumentKind, DocumentType
from .reviews import Contribution, SeriousCaseReview, StopPeriod

__all__ = [
    "Action",
    "Contribution",
    "Decision",
    "DecisionQuerySet",
    "Document",
    "DocumentKind",
    "DocumentType",
    "Recommendation",
    "SeriousCaseReview",
    "StopPeriod",
    "Theme",
]
