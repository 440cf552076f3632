"""A review's uploaded documents: checked by their contents, stored privately, read through scope (SECURITY row 14).

What a file is comes from its bytes, never from the browser's content type: a PDF is what qpdf
(through pikepdf) can parse as one, with nothing after its last `%%EOF` and no ZIP archive inside;
DOCX and ODT are ZIP archives (a DOCX a real Office Open XML word-processing package, an ODT's
first member `mimetype`, holding exactly the ODT type). The name's extension must say the same
thing the contents do. Every archive member is inflated here, into memory and on a budget of the
bytes that actually come out (never the headers' word), and the file is refused when it could harm
whoever opens it: a zip bomb, a member named with a path, macros under any name (olevba as well),
ActiveX, content fetched from outside when it opens, and in a PDF JavaScript, launch actions and
embedded files. Decision 0012 lists every check.

An accepted file is stored under a name the server makes (a random UUID and the extension of
the detected type) in `settings.PRIVATE_DOCUMENTS_ROOT`, which no URL serves: the download view
reads it back after the same scope check as the review itself.
"""

import hashlib
import io
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

import pikepdf
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from oletools import olevba

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

# Reading archives ourselves (never trusting the sizes their headers claim).
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # signature, version, flags, method, time, date, CRC, sizes, lengths
ZIP64_SIZE = 0xFFFFFFFF  # "the real size is in the ZIP64 extra field"
ZIP_END = b"PK\x05\x06"  # end of central directory record
ZIP_END_SIZE = 22
ZIP_END_TRIES = 50  # end records looked at inside one PDF; real PDFs have none
CHUNK = 64 * 1024
HEAD = 16 * 1024  # the first bytes of each member kept, enough for a root element and its namespaces
KEEP_WHOLE = 2 * 1024 * 1024  # the most a package's metadata part may hold
MARKER_OVERLAP = 32
PDF_SEARCH = 1024  # PDF readers look for `%PDF-` this far into a file

# Office Open XML (a DOCX) and OpenDocument (an ODT) packages.
OPC_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
OPC_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_DOCUMENT_ROOTS = {
    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document",
    "{http://purl.oclc.org/ooxml/wordprocessingml/main}document",  # Strict Open XML
}
ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_SCRIPT_FOLDERS = {"Basic", "Dialogs", "Scripts"}
ODF_SCRIPT_MARKERS = (b"vnd.sun.star.script:", b"macro:///", b":event-listener ")

# PDF: the end marker, what may follow it, and what active content looks like once qpdf has parsed it.
PDF_END = b"%%EOF"
PDF_WHITESPACE = b" \t\r\n\x00\x0c"
PDF_MAX_DEPTH = 100
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}  # an XFA form carries scripts of its own
PDF_SCRIPT_NAMES = {"/JavaScript", "/Launch"}
PDF_ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EF"}
PDF_ATTACHMENT_NAMES = {"/EmbeddedFile", "/FileAttachment", "/GoToE", "/RichMedia"}

TITLE_MAX = 200
NAME_MAX = 255

# --- Messages (GOV.UK style: what is wrong and how to put it right) ----------------------------

SELECT_FILE = "Select a file"
EMPTY = "The selected file is empty"
WRONG_TYPE = "The file must be a PDF, DOCX or ODT"
MISMATCH = "The file's contents do not match its name"
NOT_SAFE = "The file cannot be checked safely: save it again as a PDF, DOCX or ODT and upload the new copy"
MACROS = "The file contains macros: save it again without macros, or as a PDF"
ACTIVEX = "The file contains ActiveX controls: save it again without them, or as a PDF"
EXTERNAL = (
    "The file fetches content from outside itself when it is opened, such as a template or a linked picture: "
    "remove the link, save it again and upload the new copy"
)
HIDDEN_DATA = "The file has data hidden after the end of the PDF: save it again as a PDF and upload the new copy"
PDF_SCRIPTS = "The PDF contains JavaScript or actions that start other programs: print it to a new PDF and upload that"
PDF_ATTACHMENTS = "The PDF has files attached to it or embedded in it: upload each document on its own"
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


def _raw_name(member: zipfile.ZipInfo) -> bytes:
    return member.orig_filename.encode("utf-8" if member.flag_bits & 0x800 else "cp437")


def _data_start(file: IO[bytes], member: zipfile.ZipInfo) -> int:
    """Where a member's data begins, after its local header; the local header must agree with the directory."""
    file.seek(member.header_offset)
    header = file.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size:
        raise DocumentRefused(NOT_SAFE)
    magic, _, flags, method, _, _, crc, compressed, unpacked, name_length, extra_length = LOCAL_HEADER.unpack(header)
    if magic != ZIP_MAGIC or method != member.compress_type or file.read(name_length) != _raw_name(member):
        raise DocumentRefused(NOT_SAFE)
    if flags & 0x1:  # encrypted
        raise DocumentRefused(NOT_SAFE)
    sizes_follow = flags & 0x8 or ZIP64_SIZE in (compressed, unpacked)
    if not sizes_follow and (crc, compressed, unpacked) != (member.CRC, member.compress_size, member.file_size):
        raise DocumentRefused(NOT_SAFE)
    return member.header_offset + LOCAL_HEADER.size + name_length + extra_length


def _member_pieces(file: IO[bytes], member: zipfile.ZipInfo):
    """A member's bytes as they unpack, in pieces of at most `CHUNK`, read by us from its data: the sizes
    the headers claim bound nothing here, so a member that says it is small and inflates without end is
    stopped by the caller's count of what actually came out."""
    file.seek(_data_start(file, member))
    if member.compress_type == zipfile.ZIP_STORED:
        left = member.compress_size
        while left:
            piece = file.read(min(CHUNK, left))
            if not piece:
                raise DocumentRefused(NOT_SAFE)
            left -= len(piece)
            yield piece
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:  # every Office and OpenDocument writer deflates
        raise DocumentRefused(NOT_SAFE)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    read = 0
    while not inflater.eof:
        data = inflater.unconsumed_tail
        if not data:
            # What the directory says is compressed, then on, in case it says too little.
            data = file.read(min(CHUNK, member.compress_size - read) if read < member.compress_size else CHUNK)
            read += len(data)
        piece = inflater.decompress(data, CHUNK)
        if not data and not piece:  # the file ends before the member's compressed stream does
            raise DocumentRefused(NOT_SAFE)
        if piece:
            yield piece
    if read - len(inflater.unused_data) != member.compress_size:
        raise DocumentRefused(NOT_SAFE)


def _is_metadata(name: str) -> bool:
    """The parts kept whole to be parsed: what the package declares about itself."""
    return name in ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml") or name.endswith(".rels")


def _unpack(file: IO[bytes], size: int, members: list[zipfile.ZipInfo], markers: tuple[bytes, ...] = ()):
    """Inflate every member, on a budget of bytes actually produced (never the headers' word), and stop
    as soon as it is spent. Returns {name: bytes} (metadata parts whole, the first `HEAD` bytes of the
    others) and whether any XML part holds one of `markers`. A member whose real size or checksum
    differs from what the headers say is refused: readers that believe the headers and readers that
    do not would see different files."""
    budget = min(ZIP_MAX_UNCOMPRESSED, ZIP_MAX_RATIO * size)
    spent = 0
    kept: dict[str, bytes] = {}
    marked = False
    for member in members:
        keep = KEEP_WHOLE + 1 if _is_metadata(member.filename) else HEAD
        search = bool(markers) and member.filename.lower().endswith(".xml")
        head, produced, crc, tail = bytearray(), 0, 0, b""
        for piece in _member_pieces(file, member):
            produced += len(piece)
            spent += len(piece)
            if spent > budget:
                raise DocumentRefused(NOT_SAFE)
            crc = zlib.crc32(piece, crc)
            if len(head) < keep:
                head += piece[: keep - len(head)]
            if search and not marked:
                window = tail + piece
                marked = any(marker in window for marker in markers)
                tail = window[-MARKER_OVERLAP:]
        if produced != member.file_size or crc != member.CRC or len(head) > KEEP_WHOLE:
            raise DocumentRefused(NOT_SAFE)
        kept[member.filename] = bytes(head)
    return kept, marked


def _refuse_a_dtd(data: bytes) -> None:
    """XML with a DTD could declare entities that expand without end or fetch from outside: `NOT_SAFE`."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise DocumentRefused(NOT_SAFE)


def _xml(data: bytes):
    """The parsed element, or None when it is not well-formed XML; DTDs (entity bombs) are refused."""
    _refuse_a_dtd(data)
    try:
        return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entities to expand or fetch
    except ElementTree.ParseError:
        return None


def _root_tag(head: bytes) -> str | None:
    """The root element's name from the first bytes of an XML part, or None."""
    _refuse_a_dtd(head)
    parser = ElementTree.XMLPullParser(events=("start",))
    try:
        parser.feed(head)
        for _, element in parser.read_events():
            return element.tag
    except ElementTree.ParseError:
        return None
    return None


def _in_folder(name: str, folders: set[str]) -> bool:
    return any(part in folders for part in name.split("/")[:-1])


def _odt_check(kept: dict[str, bytes], names: set[str], scripted: bool) -> str | None:
    if kept.get("mimetype") != ODT_MIMETYPE:
        return None
    manifest = _xml(kept.get("META-INF/manifest.xml", b""))
    if manifest is None or manifest.tag != f"{{{ODF_MANIFEST}}}manifest":
        return None
    declared = {
        entry.get(f"{{{ODF_MANIFEST}}}full-path", "") for entry in manifest.iter(f"{{{ODF_MANIFEST}}}file-entry")
    }
    # StarBasic modules and dialogs live in Basic/ and Dialogs/, other script languages in Scripts/; an
    # event that calls a macro (even one of the office suite's own) names it with a script URL.
    if scripted or any(_in_folder(name, ODF_SCRIPT_FOLDERS) for name in names | declared):
        raise DocumentRefused(MACROS)
    return DocumentType.ODT


def _relationships(kept: dict[str, bytes], names: set[str]) -> list[tuple[str, str, str, str]]:
    """(part, type, target, target mode) for every relationship of the package; a .rels part that is not
    a relationships part means the file is not a real package (`MISMATCH`)."""
    found = []
    for name in sorted(names):
        if not name.endswith(".rels"):
            continue
        root = _xml(kept[name])
        if root is None or root.tag != f"{{{OPC_RELATIONSHIPS}}}Relationships":
            raise DocumentRefused(MISMATCH)
        for relationship in root.iter(f"{{{OPC_RELATIONSHIPS}}}Relationship"):
            found.append(
                (
                    name,
                    relationship.get("Type", ""),
                    relationship.get("Target", ""),
                    relationship.get("TargetMode", "Internal"),
                )
            )
    return found


def _ooxml_package(file: IO[bytes], kept: dict[str, bytes], names: set[str]):
    """(default types, override types, relationships) of an Office Open XML package, None when it is not
    one; `DocumentRefused` for macros (by type, relationship, name or olevba), ActiveX or external content."""
    types = _xml(kept["[Content_Types].xml"])
    if types is None or types.tag != f"{{{OPC_CONTENT_TYPES}}}Types":
        return None
    defaults = {
        element.get("Extension", "").lower(): element.get("ContentType", "")
        for element in types.iter(f"{{{OPC_CONTENT_TYPES}}}Default")
    }
    overrides = {
        element.get("PartName", "").lower(): element.get("ContentType", "")
        for element in types.iter(f"{{{OPC_CONTENT_TYPES}}}Override")
    }
    content_types = {value.lower() for value in (*defaults.values(), *overrides.values())}
    relationships = _relationships(kept, names)
    relationship_types = {kind.rsplit("/", 1)[-1].lower() for _, kind, _, _ in relationships}
    lowered = {name.lower() for name in names}

    # Macros, whatever the part is called: a macro-enabled type, a VBA project declared or related, an
    # Excel 4 macro sheet.
    if (
        any(marker in value for value in content_types for marker in ("macroenabled", "vbaproject", "macrosheet"))
        or relationship_types & {"vbaproject", "vbaprojectsignature", "wordvbadata", "xlmacrosheet", "xlintlmacrosheet"}
        or any(name.endswith("vbaproject.bin") for name in lowered)
    ):
        raise DocumentRefused(MACROS)
    if (
        any("activex" in value for value in content_types)
        or relationship_types & {"control", "activexcontrolbinary"}
        or any("activex/" in name for name in lowered)
    ):
        raise DocumentRefused(ACTIVEX)
    # Anything fetched from outside when the file opens (an attached template, a linked picture or
    # object, a frame): refused. A hyperlink is only followed when clicked, as in a PDF.
    for _, kind, target, mode in relationships:
        # A target with a scheme or a network path is outside the package whatever its mode says.
        if mode.lower() == "external" or re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*:|\\\\|//)", target):
            is_link = kind.rsplit("/", 1)[-1] == "hyperlink"
            if not is_link or not re.match(r"(https?|mailto):", target.strip(), re.IGNORECASE):
                raise DocumentRefused(EXTERNAL)

    # VBA in any OLE part, by any name (olevba looks into every part of the package).
    if _has_vba(file):
        raise DocumentRefused(MACROS)
    return defaults, overrides, relationships


def _docx_check(file: IO[bytes], kept: dict[str, bytes], names: set[str]) -> str | None:
    package = _ooxml_package(file, kept, names)
    if package is None:
        return None
    defaults, overrides, relationships = package
    # The main part: named by the package's officeDocument relationship, declared as a Word document
    # (not a template or another application's part) and really a Word document's XML.
    main = [
        target
        for part, kind, target, mode in relationships
        if part == "_rels/.rels" and kind.endswith("/officeDocument")
    ]
    if len(main) != 1:
        return None
    part = main[0].lstrip("/")
    if part not in names:
        return None
    declared = overrides.get(f"/{part.lower()}") or defaults.get(part.rsplit(".", 1)[-1].lower(), "")
    if declared != WORD_MAIN_TYPE or _root_tag(kept[part]) not in WORD_DOCUMENT_ROOTS:
        return None
    return DocumentType.DOCX


def _has_vba(file: IO[bytes]) -> bool:
    file.seek(0)
    try:
        parser = olevba.VBA_Parser("upload.docx", data=file.read())
        try:
            return bool(parser.detect_vba_macros())
        finally:
            parser.close()
    except Exception as exc:  # a package olevba cannot read is not one we can vouch for
        raise DocumentRefused(NOT_SAFE) from exc


def _archive_members(file: IO[bytes], size: int) -> list[zipfile.ZipInfo] | None:
    """The members of a ZIP archive, or None when it is not a readable one with members; `NOT_SAFE` for
    an archive whose directory alone shows it is unsafe to open (too many members, too big by the
    headers' own word, a name with a path of its own, two members of one name)."""
    file.seek(0)
    try:
        members = zipfile.ZipFile(file).infolist()
    except Exception:
        # Damaged or not a ZIP archive at all: not a document we accept.
        return None
    if not members or min(member.header_offset for member in members) != 0:
        return None  # empty, or something put in front of the archive
    if len(members) > ZIP_MAX_MEMBERS:
        raise DocumentRefused(NOT_SAFE)
    # First what the headers claim (cheap), then, in `_unpack`, what the members really unpack to.
    claimed = sum(member.file_size for member in members)
    if claimed > ZIP_MAX_UNCOMPRESSED or claimed > ZIP_MAX_RATIO * size:
        raise DocumentRefused(NOT_SAFE)
    names = {member.filename for member in members}
    if any(_unsafe_member_name(name) for name in names) or len(names) != len(members):
        raise DocumentRefused(NOT_SAFE)
    return members


def _unpack_or_refuse(file, size, members, markers=()):
    try:
        return _unpack(file, size, members, markers)
    except (zlib.error, OSError, EOFError) as exc:
        raise DocumentRefused(NOT_SAFE) from exc


def office_package_check(file: IO[bytes], size: int) -> set[str]:
    """The checks every Office Open XML file gets, whatever its application (a DOCX document here, an
    XLSX import in `imports.files`): a readable package (`MISMATCH` otherwise), no zip bomb however its
    headers understate it, nothing unsafe about its members (`NOT_SAFE`), no macros (`MACROS`), no
    ActiveX (`ACTIVEX`) and nothing fetched from outside when it opens (`EXTERNAL`). Returns the
    package's member names, for the caller to see which application's it is."""
    members = _archive_members(file, size)
    names = {member.filename for member in members or ()}
    if "[Content_Types].xml" not in names:
        raise DocumentRefused(MISMATCH)
    kept, _ = _unpack_or_refuse(file, size, members)
    if _ooxml_package(file, kept, names) is None:
        raise DocumentRefused(MISMATCH)
    return names


def _zip_type(file: IO[bytes], size: int) -> str | None:
    """DOCX, ODT or None for a ZIP archive; `DocumentRefused` when opening it could do harm."""
    members = _archive_members(file, size)
    if members is None:
        return None
    names = {member.filename for member in members}
    if members[0].filename == "mimetype":
        kind = DocumentType.ODT
    elif "[Content_Types].xml" in names:
        kind = DocumentType.DOCX
    else:
        return None
    kept, scripted = _unpack_or_refuse(file, size, members, ODF_SCRIPT_MARKERS if kind == DocumentType.ODT else ())
    file.seek(0)
    if PDF_MAGIC in file.read(PDF_SEARCH):  # a PDF reader would open it as a PDF (a polyglot)
        return None
    if kind == DocumentType.ODT:
        return _odt_check(kept, names, scripted)
    return _docx_check(file, kept, names)


def _hides_an_archive(data: bytes) -> bool:
    """True when a PDF is also a readable ZIP archive with members (a polyglot), wherever the archive's
    end record is: at the end of the file, where ZIP readers look first, or anywhere else, where the
    more thorough ones find it."""
    ends = [match.start() for match in re.finditer(re.escape(ZIP_END), data)][:ZIP_END_TRIES]
    for end in (None, *ends):
        candidate = data if end is None else data[: end + ZIP_END_SIZE + _comment_length(data, end)]
        try:
            with zipfile.ZipFile(io.BytesIO(candidate)) as archive:
                if archive.infolist():
                    return True
        except Exception:  # noqa: S112 - anything unreadable as a ZIP is what we hope for
            continue
    return False


def _comment_length(data: bytes, end: int) -> int:
    field = data[end + ZIP_END_SIZE - 2 : end + ZIP_END_SIZE]
    return int.from_bytes(field, "little") if len(field) == 2 else 0


def _pdf_walk(value, found: set[str], depth: int = 0) -> None:
    """Note the active content in one object and the direct objects inside it (indirect ones are walked
    on their own, as members of `pdf.objects`)."""
    if depth > PDF_MAX_DEPTH:
        raise DocumentRefused(NOT_SAFE)
    if isinstance(value, pikepdf.Stream):
        value = value.stream_dict
    if isinstance(value, pikepdf.Dictionary):
        for key in value:
            if key in PDF_SCRIPT_KEYS:
                found.add(PDF_SCRIPTS)
            if key in PDF_ATTACHMENT_KEYS:
                found.add(PDF_ATTACHMENTS)
            child = value.get(key)
            if not getattr(child, "is_indirect", True):
                _pdf_walk(child, found, depth + 1)
    elif isinstance(value, pikepdf.Array):
        for child in value:
            if not getattr(child, "is_indirect", True):
                _pdf_walk(child, found, depth + 1)
    elif isinstance(value, pikepdf.Name):
        if str(value) in PDF_SCRIPT_NAMES:
            found.add(PDF_SCRIPTS)
        if str(value) in PDF_ATTACHMENT_NAMES:
            found.add(PDF_ATTACHMENTS)


def _pdf_check(file: IO[bytes]) -> str | None:
    """PDF, or None when the bytes are not structurally a PDF; `DocumentRefused` for one that is a PDF
    but carries something we do not accept."""
    file.seek(0)
    data = file.read()
    if _hides_an_archive(data):
        return None
    last_end = data.rfind(PDF_END)
    if last_end < 0:
        return None
    if data[last_end + len(PDF_END) :].strip(PDF_WHITESPACE):
        raise DocumentRefused(HIDDEN_DATA)
    found: set[str] = set()
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if not isinstance(pdf.Root, pikepdf.Dictionary) or "/Pages" not in pdf.Root:
                return None
            for value in pdf.objects:
                _pdf_walk(value, found)
    except DocumentRefused:
        raise
    except pikepdf.PasswordError as exc:
        raise DocumentRefused(PROTECTED) from exc
    except Exception:  # qpdf could not make a PDF of it, even by repairing it
        return None
    if PDF_SCRIPTS in found:
        raise DocumentRefused(PDF_SCRIPTS)
    if PDF_ATTACHMENTS in found:
        raise DocumentRefused(PDF_ATTACHMENTS)
    return DocumentType.PDF


def detect_type(file: IO[bytes], size: int) -> str | None:
    """The accepted type the bytes are, or None; `DocumentRefused` for files that are unsafe to open."""
    file.seek(0)
    head = file.read(8)
    if head.startswith(PDF_MAGIC):
        return _pdf_check(file)
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
