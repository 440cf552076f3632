"""The upload page's form: one file, checked like an uploaded document while it arrives (size) and by its
name (CSV or XLSX); everything else about it is the check's to find, row by row."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings

from reviews.documents import size_limit

from .files import FileRefused, kind_of, max_bytes

SELECT_FILE = "Select a CSV or XLSX file"
EMPTY = "The selected file is empty"
ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def too_big_message() -> str:
    return f"The file must be {size_limit(max_bytes())} or smaller"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        required=False,  # checked in clean_file, so that a file stopped for its size says so
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": EMPTY, "invalid": SELECT_FILE, "missing": SELECT_FILE},
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        self.too_big = too_big
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"A CSV or XLSX file, {size_limit(max_bytes())} or smaller, with at most {settings.IMPORT_MAX_ROWS:,} rows"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template has the token
        self.helper.layout = Layout(Field.text("file", label_size=Size.SMALL), Submit("submit", "Upload and check"))

    def clean_file(self):
        if self.too_big:
            raise forms.ValidationError(too_big_message())
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            raise forms.ValidationError(SELECT_FILE)
        try:
            kind_of(uploaded.name or "")
        except FileRefused as exc:
            raise forms.ValidationError(exc.problems[0].message) from exc
        if uploaded.size > max_bytes():
            raise forms.ValidationError(too_big_message())
        return uploaded
