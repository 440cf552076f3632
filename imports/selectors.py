"""Reading imports for the upload page: a board's runs and one run, in the user's scope.

An import belongs to its board: another board's run is not found (404), whatever the user's role. Within
the board only its chair imports (SPEC §8), so the pages refuse staff with the 403 page; the file's bytes
are never read for a page.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import ImportRun
from .services import import_refusal

RECENT = 20


def import_board_or_404(user):
    """The board whose imports this user works with: a board user's own (anyone else: 404)."""
    if not user.is_board_user or user.board_id is None:
        raise Http404("Not found")
    return user.board


def import_chair_board(user):
    """The user's board when they may import into it: 404 outside the boards, 403 for the board's staff."""
    board = import_board_or_404(user)
    refusal = import_refusal(user, board)
    if refusal:
        raise PermissionDenied(refusal)
    return board


def _runs(board) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(board=board).select_related("uploaded_by").defer("content")


def import_runs_recent(board) -> list[ImportRun]:
    """The board's latest imports, the newest first, for the upload page (one query, however many)."""
    return list(_runs(board).defer("content", "summary", "problems").order_by("-created_at", "-pk")[:RECENT])


def import_run_for_user(user, public_id) -> ImportRun:
    """One of the board's imports, for its chair: 404 outside the user's board (whatever their role), then
    403 for the board's staff."""
    board = import_board_or_404(user)
    try:
        run = _runs(board).get(public_id=public_id)
    except ImportRun.DoesNotExist as exc:
        raise Http404("Not found") from exc
    import_chair_board(user)
    return run
