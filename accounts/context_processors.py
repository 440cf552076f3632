from django.conf import settings
from django.urls import reverse

from accounts.models import Role


def navigation_for(user) -> list[dict]:
    """The service navigation for a user's role (SPEC §8): only links to pages that exist."""
    if not user.is_authenticated:
        return []
    items = [{"text": "Dashboard", "href": reverse("accounts:dashboard")}]
    if user.is_board_user:
        items.append({"text": "Cases", "href": reverse("incidents:list")})
        items.append({"text": "Submissions", "href": reverse("panel:submissions")})
        items.append({"text": "Reviews", "href": reverse("reviews:list")})
        items.append({"text": "Action plan", "href": reverse("reviews:actions")})
        items.append({"text": "Publications", "href": reverse("publication:list")})
        items.append({"text": "Statistics", "href": reverse("reports:statistics")})
        items.append({"text": "Your board", "href": reverse("accounts:board", args=[user.board.code])})
    elif user.role in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT):
        items.append({"text": "Submissions", "href": reverse("panel:submissions")})
        items.append({"text": "Meetings", "href": reverse("panel:meetings")})
        items.append({"text": "Reviews", "href": reverse("reviews:list")})
        items.append({"text": "Publications", "href": reverse("publication:list")})
        items.append({"text": "Statistics", "href": reverse("reports:statistics")})
        items.append({"text": "Boards", "href": reverse("accounts:boards")})
    elif user.role == Role.ADMINISTRATOR:
        items.append({"text": "Boards", "href": reverse("accounts:boards")})
    if user.is_superuser:
        items.append({"text": "Administration", "href": reverse("admin:index")})
    return items


def service(request) -> dict:
    user = getattr(request, "user", None)
    items = navigation_for(user) if user is not None else []
    for item in items:
        item["current"] = request.path == item["href"]
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "navigation_items": items,
    }
