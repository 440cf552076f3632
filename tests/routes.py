"""The URL resolver walked once, for every test that goes over all of the service's URLs (SECURITY rows
1, 2, 6, 9 and 10): each pattern's route, its name (namespaced, as `reverse` takes it) and its kwargs."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, "cases/<uuid:public_id>/"
    name: str  # "incidents:case"; "" for an unnamed pattern
    kwargs: tuple[str, ...]  # the pattern's keyword arguments, in order

    @property
    def key(self) -> str:
        """What an expectation table names the pattern by: its name, or its route when it has none."""
        return self.name or self.route


def walk_routes(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk_routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(route, name, _kwargs(route))


def _kwargs(route: str) -> tuple[str, ...]:
    return tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))


def walk(resolver=None, prefix: str = ""):
    """Every pattern's route as written."""
    for route in walk_routes(resolver, prefix):
        yield route.route


def concrete(route: str) -> str:
    """A path that matches `route`, with made-up arguments (an object that does not exist)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<uuid:\w+>", "00000000-0000-4000-8000-000000000001", route)  # so the route resolves
    route = re.sub(r"<(?:\w+:)?(\w+)>", "x1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"[\^$?*+()\[\]\\]", "", route)
    return "/" + route
