"""The reviews API (SPEC §8), one module per resource: `decisions`, `reviews` with their transitions,
agency `contributions`, `recommendations`, and `actions` with their transitions.

Thin views, as in `incidents.api`: parse with an input serializer, fetch through the scoped
selector (board users: their board's records; panel: the reviews the board told them it initiated,
with their contributions and recommendations, read-only; actions are the board's own work), call
one service, render with an output serializer. Refusals are mapped to 400/403/409 in
`scr_tracker.api`; a record outside the user's scope is 404, and so is a review or recommendation
named in a new record's body.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from scr_tracker.api import ErrorOutput


def urls_field(help_text: str):
    """Document a method field that lists records by their API URLs."""
    return extend_schema_field(serializers.ListField(child=serializers.URLField(), help_text=help_text))


NOT_IN_SCOPE = {
    404: OpenApiResponse(ErrorOutput, description="Not found, or not in the user's scope (also the record named)")
}


class ReviewFilter(serializers.Serializer):
    """Narrow a list to one review (blank means every review the user may see)."""

    review = serializers.UUIDField(required=False, allow_null=True, help_text="The review's id")
