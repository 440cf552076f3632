"""A review's recommendations, with their themes and the actions that carry them out."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status

from scr_tracker.api import (
    ApiUrlField,
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    api_url,
    error_responses,
)
from scr_tracker.transitions import InvalidInput

from ..choices import AddressedTo
from ..selectors import active_themes_named, recommendation_list, recommendations_with_actions, review_for_user
from ..services import recommendation_add
from . import NOT_IN_SCOPE, ReviewFilter, urls_field

NO_SUCH_THEME = "There is no theme named {name}"


class RecommendationOutput(serializers.Serializer):
    """A review's recommendation: its number, text, who it is addressed to, its themes and actions.

    The queryset prefetches `themes` and the actions the user may see (`visible_actions`).
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:recommendation-detail")
    review = ApiUrlField("api:review-detail", source="review.public_id")
    number = serializers.IntegerField(help_text="Its number in the overview report")
    text = serializers.CharField()
    addressed_to = serializers.ChoiceField(choices=AddressedTo.choices)
    themes = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="Theme names"))
    def get_themes(self, recommendation) -> list[str]:
        return [theme.name for theme in recommendation.themes.all()]

    @urls_field("The actions that carry it out, soonest due first (board users)")
    def get_actions(self, recommendation) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:action-detail", a.public_id) for a in recommendation.visible_actions]


class RecommendationCreateInput(StrictInputSerializer):
    """A recommendation of a review (board users); it is numbered after the review's last one."""

    review = serializers.UUIDField(help_text="The review's id")
    text = serializers.CharField(allow_blank=True, default="", help_text="Required")
    addressed_to = serializers.ChoiceField(
        choices=AddressedTo.choices, allow_null=True, default=None, help_text="Required"
    )
    themes = serializers.ListField(
        child=serializers.CharField(max_length=80),
        default=list,
        help_text="Required: one or more names from the managed list of themes, e.g. Neglect, Domestic abuse",
    )


def _theme_ids(names: list[str]) -> tuple[list[int], dict[str, list[str]]]:
    """The active themes with these names (any case), and the errors for names that match none."""
    wanted = {name.strip().casefold(): name for name in names}
    if not wanted:
        return [], {}
    found = active_themes_named(wanted)
    unknown = [NO_SUCH_THEME.format(name=name) for key, name in wanted.items() if key not in found]
    return list(found.values()), ({"themes": unknown} if unknown else {})


class RecommendationListApi(RecordListApi):
    """The recommendations of the user's reviews, and adding one (board users)."""

    noun = "recommendation"
    summary = "The recommendations of the user's reviews, newest review first, in number order"
    output = RecommendationOutput
    filters = ReviewFilter

    def records(self, user, filters):
        return recommendation_list(user, review=filters.get("review"))

    @staticmethod
    def board_of(recommendation):
        return recommendation.review.board_id

    @extend_schema(
        operation_id="recommendations_create",
        summary="Add a recommendation to a review (board users)",
        request=RecommendationCreateInput,
        responses={
            201: RecommendationOutput,
            **error_responses(400, 401, 403),
            **NOT_IN_SCOPE,
        },
    )
    def post(self, request):
        serializer = RecommendationCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_for_user(request.user, data.pop("review"))
        theme_ids, errors = _theme_ids(data.pop("themes"))
        # The service checks the role first (403), so an unknown theme is reported with its other
        # field errors, and nothing is saved.
        try:
            with transaction.atomic():
                recommendation = recommendation_add(
                    actor=request.user, review_id=review.pk, theme_ids=theme_ids, **data
                )
                if errors:
                    raise InvalidInput(errors)  # undoes what the service saved
        except InvalidInput as exc:
            raise InvalidInput({**exc.errors, **errors}) from exc
        return RecommendationDetailApi.reread(request, recommendation.public_id, status.HTTP_201_CREATED)


class RecommendationDetailApi(RecordDetailApi):
    """One recommendation in the user's scope, with its actions."""

    noun = "recommendation"
    summary = "One recommendation"
    output = RecommendationOutput
    records = staticmethod(recommendations_with_actions)

    @staticmethod
    def board_of(recommendation):
        return recommendation.review.board_id
