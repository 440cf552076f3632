"""A review's uploaded documents: checked by their contents, stored privately, read through scope (SECURITY row 14).

What a file is comes from its bytes, never from the browser's content type: a PDF starts with
`%PDF-`; DOCX and ODT are ZIP archives (a DOCX holds `[Content_Types].xml` and
`word/document.xml`; an ODT's first member is `mimetype`, holding exactly the ODT type). The
name's extension must say the same thing the contents do. Archives are looked into without being
unpacked, and refused when they could harm whoever opens them (a zip bomb, a member named with an
absolute path or `..`, Word macros).

An accepted file is stored under a name the server makes (a random UUID and the extension of
the detected type) in `settings.PRIVATE_DOCUMENTS_ROOT`, which no URL serves: the download view
reads it back after the same scope check as the review itself.
"""

import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from scr_tracker.transitions import InvalidInput, RoleNotPermitted

from .models import Document, DocumentKind, DocumentType
from .selectors import review_parts_for_user, reviews_for_user

EXTENSIONS = {DocumentType.PDF: ".pdf", DocumentType.DOCX: ".docx", DocumentType.ODT: ".odt"}
TYPE_OF_EXTENSION = {extension: content_type for content_type, extension in EXTENSIONS.items()}

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: Word 97-2003 documents, and Office documents protected with a password.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = DocumentType.ODT.value.encode("ascii")

# Limits on what an archive may unpack to: generous for real documents, far below a zip bomb.
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100

TITLE_MAX = 200
NAME_MAX = 255

# --- Messages (GOV.UK style: what is wrong and how to put it right) ----------------------------

SELECT_FILE = "Select a file"
EMPTY = "The selected file is empty"
WRONG_TYPE = "The file must be a PDF, DOCX or ODT"
MISMATCH = "The file's contents do not match its name"
NOT_SAFE = "The file cannot be checked safely: save it again as a PDF, DOCX or ODT and upload the new copy"
MACROS = "The file contains macros: save it as a DOCX without macros, or as a PDF"
PROTECTED = "The file is protected with a password or in an old Word format: save it as a PDF, DOCX or ODT"
SELECT_KIND = "Select what the document is"
ENTER_TITLE = "Enter a title for the document"
TITLE_TOO_LONG = f"The title must be {TITLE_MAX} characters or fewer"


def size_limit(max_bytes: int | None = None) -> str:
    """The size limit in words, "20 MB"."""
    max_bytes = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    return f"{max_bytes / (1024 * 1024):g} MB"


def too_big_message(max_bytes: int | None = None) -> str:
    return f"The file must be smaller than {size_limit(max_bytes)}"


class DocumentRefused(Exception):
    """The file is not one we accept; `message` says why, for the person who chose it."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Storage ----------------------------------------------------------------------------------


class PrivateDocumentStorage(FileSystemStorage):
    """Files readable by the service's user only, and with no URL of their own."""

    def url(self, name):
        raise NotImplementedError("Private documents have no URL: they are served by the download view")


def document_storage() -> PrivateDocumentStorage:
    """The private store, at the settings' location (read each time, so tests can move it)."""
    return PrivateDocumentStorage(
        location=settings.PRIVATE_DOCUMENTS_ROOT, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


# --- Names ------------------------------------------------------------------------------------


def display_name(name: str | None) -> str:
    """The uploader's file name, cleaned for display: no folders, no control characters, a sane length."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(char for char in name if char.isprintable())
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = stem[: NAME_MAX - len(extension) - 1] + dot + extension if dot and len(extension) <= 10 else name
        name = name[:NAME_MAX]
    return name


def extension_of(name: str) -> str:
    _, dot, extension = display_name(name).rpartition(".")
    return f".{extension.lower()}" if dot else ""


def download_name(document: Document) -> str:
    """A safe ASCII file name for `Content-Disposition`, with the extension of the detected type."""
    extension = EXTENSIONS[DocumentType(document.content_type)]
    stem = document.original_name
    if stem.lower().endswith(extension):
        stem = stem[: -len(extension)]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem)
    stem = re.sub(r"[_ ]{2,}", "_", stem).strip(" ._-")[:100]
    return f"{stem or document.kind.replace('_', '-')}{extension}"


# --- Checking a file by its contents ----------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def _size(file: IO[bytes]) -> int:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def _unsafe_member_name(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None or ".." in parts or "\x00" in name


def _zip_type(file: IO[bytes], size: int) -> str | None:
    """DOCX, ODT or None for a ZIP archive; `DocumentRefused` when opening it could do harm."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if not members:
                return None
            if len(members) > ZIP_MAX_MEMBERS:
                raise DocumentRefused(NOT_SAFE)
            unpacked = sum(member.file_size for member in members)
            if unpacked > ZIP_MAX_UNCOMPRESSED or unpacked > ZIP_MAX_RATIO * size:
                raise DocumentRefused(NOT_SAFE)
            if any(_unsafe_member_name(member.filename) for member in members):
                raise DocumentRefused(NOT_SAFE)
            names = {member.filename for member in members}
            first = members[0]
            if first.filename == "mimetype" and first.file_size == len(ODT_MIMETYPE):
                with archive.open(first) as mimetype:
                    if mimetype.read(len(ODT_MIMETYPE) + 1) == ODT_MIMETYPE:
                        return DocumentType.ODT
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    raise DocumentRefused(MACROS)
                return DocumentType.DOCX
            return None
    except DocumentRefused:
        raise
    except Exception:
        # Damaged, encrypted or compressed with a method we do not read: not a document we accept.
        return None


def _looks_like_an_archive(file: IO[bytes]) -> bool:
    """True when a PDF is also a readable ZIP archive with members (a polyglot)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return bool(archive.infolist())
    except Exception:  # anything unreadable as a ZIP is what we hope for
        return False


def detect_type(file: IO[bytes], size: int) -> str | None:
    """The accepted type the bytes are, or None; `DocumentRefused` for archives that are unsafe to open."""
    file.seek(0)
    head = file.read(8)
    if head.startswith(PDF_MAGIC):
        return None if _looks_like_an_archive(file) else DocumentType.PDF
    if head.startswith(ZIP_MAGIC):
        return _zip_type(file, size)
    if head.startswith(CFB_MAGIC):
        raise DocumentRefused(PROTECTED)
    return None


def _sha256(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def document_check_file(uploaded_file, *, max_bytes: int | None = None) -> CheckedFile:
    """Check an uploaded file by name and contents; `DocumentRefused` says why it is not accepted."""
    max_bytes = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    if uploaded_file is None:
        raise DocumentRefused(SELECT_FILE)
    original_name = display_name(getattr(uploaded_file, "name", ""))
    expected = TYPE_OF_EXTENSION.get(extension_of(original_name))
    if expected is None:
        raise DocumentRefused(WRONG_TYPE)
    file = uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file
    size = _size(file)
    if size == 0:
        raise DocumentRefused(EMPTY)
    if size > max_bytes:
        raise DocumentRefused(too_big_message(max_bytes))
    detected = detect_type(file, size)
    if detected != expected:
        raise DocumentRefused(MISMATCH)
    return CheckedFile(
        content_type=detected,
        extension=EXTENSIONS[detected],
        size=size,
        sha256=_sha256(file),
        original_name=original_name,
    )


class DocumentSizeLimitHandler(FileUploadHandler):
    """Stops reading a file once it passes the limit, so an oversized upload never fills the disk.

    Put first in `request.upload_handlers` before the request's body is read; a file that is too
    big is skipped (left out of `request.FILES`) and `request.document_too_big` set.
    """

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.request.document_too_big = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


# --- Reading ----------------------------------------------------------------------------------


def documents_for_user(user, *, withdrawn: bool = False) -> QuerySet[Document]:
    """The documents of the reviews the user may see (board users: their board's; panel: notified reviews
    whose final report has reached it). A withdrawn document is not among them (its download is a 404)
    unless `withdrawn` (to withdraw it)."""
    manager = Document.all_objects if withdrawn else Document.objects
    return review_parts_for_user(user, manager.select_related("review", "uploaded_by"))


def document_for_user(user, public_id) -> Document:
    """One document in the user's scope; 404 otherwise, whatever the reason."""
    try:
        return documents_for_user(user).get(public_id=public_id)
    except Document.DoesNotExist as exc:
        raise Http404("Not found") from exc


def review_documents(review) -> QuerySet[Document]:
    """A review's documents for its page (the caller has already checked the review is in scope)."""
    return review.documents.select_related("uploaded_by").order_by("kind", "uploaded_at", "pk")


# --- Uploading ----------------------------------------------------------------------------------


def document_upload(*, actor, review_id: int, kind: str, title: str, uploaded_file) -> Document:
    """The board adds a document to its review. Nothing is stored unless everything is accepted.

    404 outside the actor's scope; `RoleNotPermitted` for panel users (they read documents but
    never add them); `InvalidInput` with field errors (`kind`, `title`, `file`) otherwise.
    """
    review = reviews_for_user(actor).filter(pk=review_id).first()
    if review is None:
        raise Http404("Not found")
    if not actor.is_board_user:
        raise RoleNotPermitted("Only the board adds documents to its review")

    errors: dict[str, list[str]] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [SELECT_KIND]
    title = re.sub(r"\s+", " ", str(title or "")).strip()
    if not title:
        errors["title"] = [ENTER_TITLE]
    elif len(title) > TITLE_MAX:
        errors["title"] = [TITLE_TOO_LONG]
    try:
        checked = document_check_file(uploaded_file)
    except DocumentRefused as exc:
        errors["file"] = [exc.message]
    if errors:
        raise InvalidInput(errors)

    storage = document_storage()
    stored_name = f"{uuid.uuid4().hex}{checked.extension}"
    file = uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file
    file.seek(0)
    saved = None
    try:
        with transaction.atomic():
            saved = storage.save(stored_name, uploaded_file)
            if saved != stored_name:  # never expected with a fresh UUID; never keep a name we did not make
                raise RuntimeError("The document store chose another name")
            document = Document.objects.create(
                review=review,
                kind=kind,
                title=title,
                original_name=checked.original_name,
                stored_name=stored_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
    except BaseException:
        if saved is not None:
            storage.delete(saved)
        raise
    return document
