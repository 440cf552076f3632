"""The machinery of the access matrix (tests/scr_tracker/test_matrix.py): personas signed in once, paths
filled from the world's records, each request rolled back, and the writes a request made."""

import json
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import sign_in_with_both_factors
from tests.routes import Route, concrete

# The order of the codes in an expectation row.
PERSONAS = ("staff_a", "chair_a", "staff_b", "panel", "secretariat", "admin", "anon")
PAGE_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Tables a request may write to whoever asks: its session, the audit trail of access (SECURITY row 10),
# sign-in throttling and the authenticator's last use. A write anywhere else is a change of state.
BOOKKEEPING = re.compile(r"^(django_session|audit_\w+|axes_\w+|otp_totp_totpdevice)$")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    """What each persona gets from one route, with the record `target` names filled into its kwargs.

    Each method's value is seven codes in PERSONAS order, e.g. "200 200 404 404 404 404 302".
    `args` gives the route's other kwargs (a transition's name, a field)."""

    target: str = ""
    GET: str = ""
    POST: str = ""
    PUT: str = ""
    PATCH: str = ""
    DELETE: str = ""
    args: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what a POST sends; "@label" is that record's public id
    acts: bool = False  # a persona let through (2xx, 302) may change state; otherwise no request may

    def codes(self, method: str) -> tuple[str, ...] | None:
        value = getattr(self, method)
        if not value:
            return None
        codes = tuple(value.split())
        if len(codes) != len(PERSONAS):
            raise ValueError(f"{self.target} {method}: {len(codes)} codes, expected {len(PERSONAS)} ({PERSONAS})")
        return codes


@dataclass
class Answer:
    status: int
    response: object
    writes: list[str]


class Personas:
    """A signed-in client per persona; its cookies put back before each request, so that a request
    that signs out (or rotates the session) does not change the next one."""

    def __init__(self, users: dict):
        self.users = users
        self.clients = {}
        self.cookies = {}
        for persona in PERSONAS:
            client = Client(raise_request_exception=False)
            if persona != "anon":
                sign_in_with_both_factors(client, users[persona])
            self.clients[persona] = client
            self.cookies[persona] = client.cookies.output(header="", sep=";")

    def request(self, persona: str, method: str, path: str, *, api: bool, data: dict | None = None) -> Answer:
        client = self.clients[persona]
        client.cookies = SimpleCookie(self.cookies[persona])
        kwargs = {}
        if api and method in ("POST", "PUT", "PATCH"):
            kwargs = {"data": json.dumps(data or {}), "content_type": "application/json"}
        elif method == "POST" and data:
            kwargs = {"data": data}
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full one would capture none
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(path, **kwargs)
            transaction.set_rollback(True)
        writes = sorted(
            {
                match.group(1)
                for query in queries.captured_queries
                if (match := WRITE.match(query["sql"])) and not BOOKKEEPING.match(match.group(1))
            }
        )
        return Answer(response.status_code, response, writes)


def fill(route: Route, values: dict) -> str:
    """The route's path with `values` for its kwargs (any it has no value for made up)."""
    path = route.route
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), path)
    return concrete(path) + (f"?{values['?']}" if "?" in values else "")


def target_values(route: Route, target: str, args: dict, world) -> dict:
    """The kwargs for `route`: the record `target` names in `world` (board A's), then `args`."""
    values = {}
    if target == "board":
        values = {"code": world.board.code, "public_id": world.board.public_id, "object_id": world.board.pk}
    elif target == "calendar":
        values = {"token": world.calendar_token}
    elif target.startswith("case:"):
        values = {"public_id": world.cases[target.removeprefix("case:")].public_id}
    elif target:
        record = world.objects[target]
        values = {"pk": record.pk, "object_id": record.pk, "id": record.pk}
        if hasattr(record, "public_id"):
            values |= {"public_id": record.public_id, "review_id": record.public_id}
    values |= args
    return {name: values[name] for name in (*route.kwargs, "?") if name in values}


def payload(data: dict, world) -> dict:
    """`data` with each "@label" replaced by the public id of that record of `world`."""
    return {
        key: str(world.objects[value[1:]].public_id) if isinstance(value, str) and value.startswith("@") else value
        for key, value in data.items()
    }
