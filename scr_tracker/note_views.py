"""The page that adds a case note, shared by the case and review pages (their apps give the record)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from audit.services import access_record

from .forms import NoteForm
from .notes import note_add
from .pages import run_for_page
from .regimes import regime_of


def note_page(request, *, record, queryset, back: str, caption: str, about: str):
    """Add a note to `record` (already read in the user's scope); back to `back`'s timeline when saved."""
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board's chair and staff write case notes")
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        added, _ = run_for_page(
            lambda: note_add(actor=request.user, queryset=queryset, pk=record.pk, **form.cleaned_data),
            form,
            state_reason=lambda state: "notes cannot be added now",
        )
        if added is not None:
            messages.success(request, "Note added. It is in the timeline.")
            return redirect(f"{back}#timeline")
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "back": back,
        "caption": caption,
        "about": about,
        "reference": record.clock_case.reference,
        "panel": regime_of(record).term("panel"),
    }
    access_record(request=request, record=record)  # the page shows the record: one access event
    return render(request, "includes/note.html", context, status=status)
