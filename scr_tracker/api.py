"""What every API view shares (SPEC §8): access, errors, pagination, links and the error schemas.

The API answers for itself: an anonymous or token request gets DRF's 401/403 JSON, never the
pages' sign-in redirect, so views are exempt from `LoginRequiredMiddleware` and require
authentication through DRF instead (deny by default all the same). Sessions still pass the
two-factor middleware on the way in. A refused transition becomes 400, 403 or 409 here, and
only here.
"""

import inspect
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.tokens import ApiTokenAuthentication
from audit.services import access_record, access_record_many
from scr_tracker import transitions
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted, TransitionError

# --- Errors -------------------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This is not possible in the record's current state."
    default_code = "conflict"


def _words(name: str) -> str:
    return name.replace("_", " ")


def transition_refusal(exc: TransitionError, record=None) -> APIException:
    """The API's answer to a refused transition (SPEC §8); nothing was saved."""
    if isinstance(exc, InvalidInput):
        return ValidationError(exc.errors)
    if isinstance(exc, RoleNotPermitted):
        return PermissionDenied(str(exc))
    if isinstance(exc, NotAllowedInState):
        return Conflict(
            {
                "detail": f"{_words(exc.name).capitalize()} is not possible while the record is {_words(exc.state)}.",
                "state": exc.state,
                "allowed_from": list(exc.allowed_from),
            }
        )
    if isinstance(exc, Blocked):
        # The state allows it (so it is among allowed_from) but a rule blocks it now.
        if exc.allowed_from is not None:
            allowed = list(exc.allowed_from)
        else:
            allowed = sorted(transitions.allowed_from(record, exc.name)) if record is not None else [exc.state]
        return Conflict(
            {"detail": str(exc), "state": exc.state, "allowed_from": allowed, "blocked_by": list(exc.reasons)}
        )
    return Conflict(str(exc) or None)


# --- Access -------------------------------------------------------------------------------------


class ApiAccess:
    """Token first, so an unauthenticated request gets 401 with `WWW-Authenticate: Token`."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @classmethod
    def as_view(cls, **initkwargs):
        # DRF decides who may come in (401/403 JSON); the pages' middleware would redirect instead.
        return login_not_required(super().as_view(**initkwargs))


class ApiView(ApiAccess, APIView):
    # Base of every SCR Tracker API view: JSON in, JSON out, transition refusals mapped once.
    # (A comment, not a docstring: the schema would show it for every view.)

    parser_classes = [JSONParser]
    # The record a transition is about, once fetched (to explain a blocked transition).
    record = None

    def handle_exception(self, exc):
        if isinstance(exc, TransitionError):
            exc = transition_refusal(exc, self.record)
        return super().handle_exception(exc)


_schema_lock = threading.Lock()


@cache
def _generated_schema() -> dict:
    return spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)


def openapi_schema() -> dict:
    """The API's OpenAPI schema, generated once per process and then served as stored.

    One thread generates it while the others wait: drf-spectacular loads its extensions' classes
    lazily and not thread-safely, so concurrent first generations fail (500) or lose extensions.
    It depends on no request or user (the schema is public to whoever may read it).
    """
    with _schema_lock:
        return _generated_schema()


class SchemaApi(ApiAccess, SpectacularAPIView):
    """The OpenAPI 3 schema, for signed-in users and tokens only (deny by default)."""

    def _get_schema_response(self, request):
        filename = self._get_filename(request, None)
        return Response(data=openapi_schema(), headers={"Content-Disposition": f'inline; filename="{filename}"'})


# --- Lists --------------------------------------------------------------------------------------


class ApiPagination(PageNumberPagination):
    """One page size for every list of the API."""

    page_size = 25


def paginated_response(
    *, view: ApiView, request, queryset, serializer_class, context: dict | None = None, shown: Callable | None = None
):
    """One page of a list view (`pagination_class = ApiPagination` on the view documents it); `shown(rows)`
    is told the page's rows before they are answered (their access events)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if shown is not None:
        shown(page)
    serializer = serializer_class(page, many=True, context={"request": request, **(context or {})})
    return paginator.get_paginated_response(serializer.data)


# --- Query parameters ---------------------------------------------------------------------------

# Taken by every list besides its filters: the page (the paginator answers 404 for a page that is
# not there) and DRF's `format` (JSON only: another is 404).
LIST_PARAMETERS = frozenset({"page", "format"})


def _with_value(message: str, value) -> str:
    shown = str(value)[:100]
    if value is None or f'"{shown}"' in message:
        return message
    return f'{message}{"" if message.endswith(".") else "."} Given: "{shown}".'


def query_input(request, serializer_class: type[serializers.Serializer] | None, *, also=frozenset({"format"})) -> dict:
    """The query parameters, validated by `serializer_class`: 400 with field errors otherwise.

    Nothing is silently ignored: a name the endpoint does not take, a parameter given twice and a
    value not allowed are each a field error under the parameter's name, with the value given.
    """
    params = request.query_params
    fields = serializer_class().fields if serializer_class is not None else {}
    taken = sorted({*fields, *also} - {"format"})
    errors: dict[str, list[str]] = {}
    for name in params:
        values = params.getlist(name)
        if name not in fields and name not in also:
            takes = f"it takes {', '.join(taken)}" if taken else "it takes none"
            errors[name] = [_with_value(f"Not a parameter of this endpoint ({takes}).", values[-1])]
        elif len(values) > 1:
            errors[name] = [f"Give one value only. Given: {', '.join(f'{v[:100]!r}' for v in values)}."]
    validated: dict = {}
    if serializer_class is not None:
        data = params.copy()  # a QueryDict still, so that a blank value means no filter
        for name in set(params) - set(fields):
            del data[name]
        serializer = serializer_class(data=data)
        if serializer.is_valid():
            validated = serializer.validated_data
        else:
            for name, messages in serializer.errors.items():
                given = params.get(name)
                errors.setdefault(name, []).extend(_with_value(str(message), given) for message in messages)
    if errors:
        raise ValidationError(errors)
    return validated


# --- Serializers --------------------------------------------------------------------------------


def _json_type_error(field: serializers.Field, value) -> str | None:
    """The message when `value` is not of the JSON type the field is documented with (null is the field's call)."""
    if value is None:
        return None
    if isinstance(field, serializers.ListField | serializers.MultipleChoiceField):
        if not isinstance(value, list):
            return "Must be a list"
        child = field.child if isinstance(field, serializers.ListField) else serializers.ChoiceField(choices=[])
        error = next((error for item in value if (error := _json_type_error(child, item))), None)
        return f"Each item {error[0].lower()}{error[1:]}" if error else None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false"
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Must be a whole number"
    text = (serializers.CharField, serializers.ChoiceField, serializers.DateField, serializers.UUIDField)
    if isinstance(field, text):
        return None if isinstance(value, str) else "Must be text (a JSON string)"
    return None


class StrictInputSerializer(serializers.Serializer):
    # Input that names a field the API does not accept is refused, not silently dropped. No mass
    # assignment (SECURITY row 4): `state`, `reference`, `regime`, owners and audit fields are
    # never among an input serializer's fields, so sending them is a 400 field error.

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {field: ["This field cannot be set"] for field in unknown}
        # JSON types as the schema documents them: DRF would take 0 for a text or "1" for a number.
        for name, field in self.fields.items() if isinstance(data, Mapping) else ():
            if name in data and not field.read_only and (expected := _json_type_error(field, data[name])):
                errors[name] = [expected]
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, Mapping) else {"non_field_errors": exc.detail}
            raise ValidationError({**detail, **errors}) from exc
        if errors:
            raise ValidationError(errors)
        return value


# Transition payloads (SPEC §4 tables). Malformed values are 400 at once; missing ones are left to
# the service, which reports them only after checking the role (403) and the state (409).


class TransitionInput(StrictInputSerializer):
    """Every transition's `event_date`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: when it really happened (YYYY-MM-DD)"
    )


def transition_reason(help_text: str | None = None) -> serializers.CharField:
    """The free-text `reason` a transition takes (the history shows it); the service says when it is required."""
    return serializers.CharField(allow_blank=True, default="", help_text=help_text)


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The absolute URL of a record in the API, from its opaque public id."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs["read_only"] = True
        kwargs.setdefault("source", "public_id")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return api_url(self.context.get("request"), self.view_name, value)


def api_url(request, view_name: str, public_id) -> str:
    path = reverse(view_name, kwargs={"public_id": public_id})
    return request.build_absolute_uri(path) if request is not None else path


class ClockOutput(serializers.Serializer):
    """A statutory clock (SPEC §3)."""

    name = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["not_started", "running", "stopped", "met", "missed"])
    days_remaining = serializers.IntegerField(allow_null=True)
    days_late = serializers.IntegerField(allow_null=True)
    rag = serializers.ChoiceField(choices=["red", "amber", "green"], allow_null=True)


class AvailableTransitionOutput(serializers.Serializer):
    name = serializers.CharField()
    blocked_by = serializers.ListField(
        child=serializers.CharField(), help_text="Why it cannot run now; empty when it can"
    )


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


class ConflictOutput(serializers.Serializer):
    detail = serializers.CharField()
    state = serializers.CharField(help_text="The record's state now")
    allowed_from = serializers.ListField(child=serializers.CharField(), help_text="States the transition runs from")
    blocked_by = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The rules that block it, when the state allows it"
    )


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Field name → messages (`non_field_errors` for the request as a whole; `detail` for bad JSON)",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            {"type": "string"},
        ]
    },
}

BAD_INPUT = OpenApiResponse(
    FIELD_ERRORS_SCHEMA,
    description="Bad input, nothing saved: field errors for a field this endpoint does not take (`This field "
    "cannot be set`), a required one missing or left blank, or a value not allowed; `non_field_errors` for the "
    "body as a whole, `detail` for a body that is not JSON",
)

BAD_QUERY = OpenApiResponse(
    FIELD_ERRORS_SCHEMA,
    description="A bad query parameter, each error under the parameter's name with the value given: a value "
    "not allowed, a parameter given twice, or a name this endpoint does not take",
)

ERROR_RESPONSES = {
    400: BAD_INPUT,
    401: OpenApiResponse(ErrorOutput, description="Not signed in and no valid token"),
    403: OpenApiResponse(
        ErrorOutput, description="Not permitted: in scope but this role may not do it, or a session without CSRF token"
    ),
    404: OpenApiResponse(ErrorOutput, description="Not found, or not in the user's scope"),
    409: OpenApiResponse(ConflictOutput, description="Not allowed in the record's current state; nothing saved"),
}


def error_responses(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


def document_strict_input(result, generator, **kwargs):
    """drf-spectacular post-processing hook: every request body takes its documented fields only.

    `StrictInputSerializer` refuses any other field (400 `This field cannot be set`); the schema says
    so with `additionalProperties: false` on each component a request body refers to.
    """
    components = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                name = content.get("schema", {}).get("$ref", "").rpartition("/")[2]
                component = components.get(name)
                if component is not None and component.get("type") == "object":
                    component["additionalProperties"] = False
    return result


BLANK = {"type": "string", "maxLength": 0}


def _takes_blank(schema: dict) -> bool:
    if "enum" in schema:
        return "" in schema["enum"]
    return schema.get("type") == "string" and not ({"format", "pattern", "minLength"} & set(schema))


def document_blank_filters(result, generator, **kwargs):
    """drf-spectacular post-processing hook: a list's filter left blank means no filter, as the schema says."""
    for item in result.get("paths", {}).values():
        operation = item.get("get", {})
        if not operation.get("operationId", "").endswith("s_list"):
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] != "page" and not _takes_blank(parameter["schema"]):
                parameter["schema"] = {"anyOf": [parameter["schema"], BLANK]}
    return result


# --- Lists and details ---------------------------------------------------------------------------


class RecordListApi(ApiView):
    # `GET <nouns>/`: one page of the user's records of one kind. A subclass declares its `noun`
    # (operation id `<noun>s_list`), `summary`, `output` (one row), `filters` (the query parameters
    # besides `page`, or None; any other is 400) and `records`: the scoped selector, narrowed by the
    # filters and in the list's order.
    # Each subclass is documented with its own metadata when it is declared.

    pagination_class = ApiPagination
    noun: str
    summary: str
    output: type[serializers.Serializer]
    filters: type[serializers.Serializer] | None = None
    today = None  # the request's date, for `records` and the serializer
    access_event = True  # an AccessEvent row for each case record a page lists, all in one INSERT

    @staticmethod
    def board_of(record) -> int | None:  # the board of the access event, when the record has none of its own
        return None

    def accessed(self, rows) -> Iterable:  # the case records a page of rows shows (the rows themselves)
        return rows

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        extend_schema_view(
            get=extend_schema(
                operation_id=f"{cls.noun}s_list",
                summary=cls.summary,
                parameters=[cls.filters] if cls.filters is not None else None,
                # 404 for a page that is not there.
                responses={200: cls.output(many=True), 400: BAD_QUERY, **error_responses(401, 403, 404)},
            )
        )(cls)

    def records(self, user, filters: dict) -> QuerySet:  # the user's records, filtered, in order
        raise NotImplementedError

    def context(self) -> dict:  # what the output serializer needs besides the request
        return {"today": self.today}

    def get(self, request):
        self.today = timezone.localdate()
        filters = query_input(request, self.filters, also=LIST_PARAMETERS)
        return paginated_response(
            view=self,
            request=request,
            queryset=self.records(request.user, filters),
            serializer_class=self.output,
            context=self.context(),
            shown=self.record_access if self.access_event else None,
        )

    def record_access(self, rows) -> None:
        access_record_many(request=self.request, records=self.accessed(rows), board_of=self.board_of)


class RecordDetailApi(ApiView):
    # `GET <nouns>/<id>/`: one record in the user's scope (404 outside it), with an access event. A
    # subclass declares its `noun` (operation id `<noun>s_retrieve`), `summary`, `output` and
    # `records`: the scoped selector (user → queryset). Every read of the record goes through it:
    # this GET, and the answer after a PATCH, a transition or a create (`reread`). Each subclass is
    # documented with its own metadata when it is declared.

    noun: str
    summary: str
    output: type[serializers.Serializer]
    records: Callable[..., QuerySet]
    lookup_field = "public_id"
    access_event = True  # an AccessEvent row for each view of a case record

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        extend_schema_view(
            get=extend_schema(
                operation_id=f"{cls.noun}s_retrieve",
                summary=cls.summary,
                responses={200: cls.output, **error_responses(401, 403, 404)},
            )
        )(cls)

    @staticmethod
    def board_of(record) -> int | None:  # the board of the access event, when the record has none of its own
        return None

    @classmethod
    def fetch(cls, user, key):
        """The record in the user's scope, or 404 whatever the reason it is out of reach."""
        try:
            return cls.records(user).get(**{cls.lookup_field: key})
        except ObjectDoesNotExist as exc:
            raise Http404("Not found") from exc

    @classmethod
    def context(cls, record) -> dict:  # what the output serializer needs besides the request
        return {"today": timezone.localdate()}

    @classmethod
    def answer(cls, request, record, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as the output serializer shows it; a created one with its `Location`."""
        data = cls.output(record, context={"request": request, **cls.context(record)}).data
        headers = {"Location": data["url"]} if status_code == status.HTTP_201_CREATED else None
        return Response(data, status=status_code, headers=headers)

    @classmethod
    def reread(cls, request, key, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as it now is, read again through the scope (after a write)."""
        return cls.answer(request, cls.fetch(request.user, key), status_code)

    def get(self, request, public_id):
        record = self.fetch(request.user, public_id)
        if self.access_event:
            access_record(request=request, record=record, board_id=self.board_of(record))
        return self.answer(request, record)


# --- Transitions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionApiSpec:
    """One transition's API: its input serializer, the service it calls (with the input's fields), a summary."""

    input: type[serializers.Serializer]
    run: Callable
    summary: str


class TransitionApi(ApiView):
    # Runs one named transition with its event date and payload (SPEC §8); `transition_api_view`
    # builds one subclass per record kind and transition name, so each is documented with its payload.

    spec: TransitionApiSpec
    detail: type[RecordDetailApi]

    @staticmethod
    def fetch(user, public_id):  # the record in the user's scope, or 404
        raise NotImplementedError

    def post(self, request, public_id):
        self.record = self.fetch(request.user, public_id)
        serializer = self.spec.input(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.spec.run(actor=request.user, **{f"{self.detail.noun}_id": self.record.pk}, **serializer.validated_data)
        return self.detail.reread(request, public_id)


def transition_api_view(
    name: str,
    spec: TransitionApiSpec,
    *,
    detail: type[RecordDetailApi],
    fetch: Callable | None = None,
    bad_input: OpenApiResponse | None = None,
):
    """The view for `POST <nouns>/<id>/transitions/<name>/`: `fetch(user, public_id)` finds the record
    (404 out of scope; the detail's own read unless given), `spec.run` is called with `<noun>_id` = its
    pk, and the answer is the record as the detail view shows it now."""
    noun = detail.noun
    view_class = type(
        f"{noun.title()}{name.title().replace('_', '')}Api",
        (TransitionApi,),
        {"spec": spec, "detail": detail, "fetch": staticmethod(fetch or detail.fetch)},
    )
    responses = {
        200: OpenApiResponse(detail.output, description=f"The {noun} as it now is"),
        **error_responses(400, 401, 403, 404, 409),
    }
    if bad_input is not None:
        responses[400] = bad_input
    extend_schema_view(
        post=extend_schema(
            operation_id=f"{noun}s_transitions_{name}",
            summary=spec.summary,
            description=inspect.getdoc(spec.run),
            request=spec.input,
            responses=responses,
        )
    )(view_class)
    return view_class.as_view()
