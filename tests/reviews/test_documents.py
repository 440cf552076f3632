"""A review's documents (SPEC §4.3; SECURITY rows 1, 10, 12, 14).

Files are checked by their contents, not their names or the browser's word; a refused file leaves
nothing behind (no row, no file); stored names are the server's own; the files are served only
through the permission-checked download view, as attachments, one access event per download;
another board gets 404 everywhere, the panel reads but never uploads, and nothing answers 500.
"""

import functools
import hashlib
import io
import re
import struct
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pikepdf
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AccessEvent
from publication.models import Publication
from reviews import documents
from reviews.models import Decision, Document, DocumentKind, DocumentType
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.workflow import decide, notified

# --- Minimal real files -----------------------------------------------------------------------


def pdf(*objects: bytes, catalog: bytes = b"", page: bytes = b"", trailer: bytes = b"") -> bytes:
    """A well-formed PDF (cross-reference table and all) with one blank page: objects 1 to 3 are the
    catalog (`catalog` added to it), the page tree and the page (`page` added); `objects` are numbered from 4."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, trailer, xref)
    return bytes(out)


PDF = pdf()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zipped(members: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(members):
            compression = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, date_time=(2015, 1, 1, 0, 0, 0)), content, compression)
    return buffer.getvalue()


CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def content_types(*overrides: tuple[str, str], main: str = WORD_MAIN) -> bytes:
    entries = "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CONTENT_TYPES_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{entries}</Types>'
    ).encode()


def relationships(*entries: tuple[str, str, str | None]) -> bytes:
    """A .rels part: (type, target, target mode or None) each; types are short names in the Office namespace."""
    body = "".join(
        f'<Relationship Id="rId{number}" Type="{OFFICE_RELATIONSHIP}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for number, (kind, target, mode) in enumerate(entries, start=1)
    )
    head = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">'
    return f"{head}{body}</Relationships>".encode()


WORD_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Overview report</w:t></w:r></w:p></w:body></w:document>"
)
DOCX_MEMBERS = [
    ("[Content_Types].xml", content_types()),
    ("_rels/.rels", relationships(("officeDocument", "word/document.xml", None))),
    ("word/document.xml", WORD_DOCUMENT),
]
DOCX = zipped(DOCX_MEMBERS)


def docx(*extra: tuple[str, bytes], types: bytes | None = None, document_rels: bytes | None = None) -> bytes:
    """The plain DOCX with parts added, its content types replaced or word/_rels/document.xml.rels given."""
    members = [("[Content_Types].xml", types or content_types()), *DOCX_MEMBERS[1:]]
    if document_rels is not None:
        members.append(("word/_rels/document.xml.rels", document_rels))
    return zipped([*members, *extra])


ODF_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def odf_manifest(*paths: str) -> bytes:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="text/xml"/>' for path in paths
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{ODF_MANIFEST_NS}" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="application/vnd.oasis.opendocument.text"/>{entries}</manifest:manifest>'
    ).encode()


ODF_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b"<office:scripts/><office:body><office:text><text:p>Overview report</text:p></office:text></office:body>"
    b"</office:document-content>"
)
ODT_MEMBERS = [
    ("mimetype", b"application/vnd.oasis.opendocument.text"),
    ("META-INF/manifest.xml", odf_manifest("content.xml")),
    ("content.xml", ODF_CONTENT),
]
ODT = zipped(ODT_MEMBERS, stored_first=True)


def zip_bomb() -> bytes:
    """One member that unpacks to 10 MB of zeros from about 10 KB (a ratio near 1,000)."""
    return zipped([*DOCX_MEMBERS, ("word/media/zeros.bin", bytes(10 * 1024 * 1024))])


# --- The security test's files (issue 18, finding 3) -------------------------------------------------

GIB = 1024 * 1024 * 1024
MIB = 1024 * 1024


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP archive written by hand, so that its headers can say what we like: for each member its name,
    its data as stored (already deflated or not), the method, and the CRC and unpacked size to claim."""
    out, directory = bytearray(), bytearray()
    for name, data, method, crc, claimed in members:
        offset, raw = len(out), name.encode()
        sizes = (crc, len(data), claimed, len(raw))
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x4621, *sizes, 0) + raw + data
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x4621, *sizes, 0, 0, 0, 0, 0, offset
        )
        directory += raw
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def deflated(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(content) + compressor.flush()


@functools.cache
def understated_bomb() -> bytes:
    """A DOCX whose picture claims (in both its local header and the central directory) to unpack to 1 MiB
    with the CRC of 1 MiB of zeros, but inflates to 1 GiB of zeros: about 1 MB on disk, never 1 GiB.

    The deflate stream is one block of 16 MiB of zeros repeated 64 times (a full flush between blocks
    makes each block's bytes the same), then the final empty block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(16 * MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (GIB // (16 * MIB)) + compressor.flush()
    members = [
        (name, deflated(content), zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content))
        for name, content in DOCX_MEMBERS
    ]
    members.append(("word/media/image1.png", stream, zipfile.ZIP_DEFLATED, zlib.crc32(bytes(MIB)), MIB))
    return raw_zip(members)


def lying_sizes() -> bytes:
    """A DOCX whose document part says it unpacks to fewer bytes than it does, CRC and all matching the
    bytes it claims: a reader that trusts the headers sees a shorter file than one that inflates it."""
    members = [
        (name, deflated(content), zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content))
        for name, content in DOCX_MEMBERS
    ]
    name, _, method, _, size = members[2]
    members[2] = (name, deflated(WORD_DOCUMENT + b"<!-- more -->"), method, zlib.crc32(WORD_DOCUMENT), size)
    return raw_zip(members)


VBA_TYPE = "application/vnd.ms-office.vbaProject"
ACTIVEX_TYPE = "application/vnd.ms-office.activeX+xml"
METADATA_SERVICE = "http://169.254.169.254/latest/meta-data/"
SCRIPT_EVENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:scripts>'
    b'<office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" '
    b'xlink:href="vnd.sun.star.script:pythonSamples|TableSample.py$createTable?language=Python&amp;location=share"/>'
    b"</office:event-listeners></office:scripts><office:body><office:text/></office:body></office:document-content>"
)


def odt(*extra: tuple[str, bytes], manifest: tuple[str, ...] = (), content: bytes = ODF_CONTENT) -> bytes:
    return zipped(
        [
            ODT_MEMBERS[0],
            ("META-INF/manifest.xml", odf_manifest("content.xml", *manifest)),
            ("content.xml", content),
            *extra,
        ],
        stored_first=True,
    )


XFA = b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><script>app.alert(1)</script></xdp:xdp>'


def pdf_active(kind: str) -> bytes:
    """PDFs that run something or carry files, written by hand (the checker's library does not make them)."""
    files = b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"
    return {
        "open-action-js": pdf(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>", catalog=b"/OpenAction 4 0 R"),
        "names-javascript": pdf(
            b"<< /Names [(x) 5 0 R] >>",
            b"<< /S /JavaScript /JS 6 0 R >>",
            b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
            catalog=b"/Names << /JavaScript 4 0 R >>",
        ),
        "xfa-form": pdf(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(XFA), XFA),
            catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>",
        ),
        "obfuscated-name": pdf(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>", catalog=b"/OpenAction 4 0 R"),
        "launch": pdf(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /Launch /F (cmd.exe) >> >>",
            page=b"/Annots [4 0 R]",
        ),
        "embedded-files": pdf(
            b"<< /Type /Filespec /F (tool.exe) /EF << /F 5 0 R >> >>",
            files,
            catalog=b"/Names << /EmbeddedFiles << /Names [(tool.exe) 4 0 R] >> >>",
        ),
        "attachment-annotation": pdf(
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 5 0 R >>",
            b"<< /Type /Filespec /F (tool.exe) /EF << /F 6 0 R >> >>",
            files,
            page=b"/Annots [4 0 R]",
        ),
    }[kind]


def pdf_with_js_in_an_object_stream() -> bytes:
    """JavaScript inside a compressed object stream, where no byte of the file says /JS."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.OpenAction = document.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    out = io.BytesIO()
    document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    assert b"/JS" not in out.getvalue()
    return out.getvalue()


def unsafe_contents():
    """Issue 18, finding 3: each of these was accepted before."""
    settings_rels = relationships(("attachedTemplate", METADATA_SERVICE + "Normal.dotm", "External"))
    return [
        # 1. A zip bomb whose headers understate its size.
        pytest.param("report.docx", understated_bomb(), documents.NOT_SAFE, id="bomb-with-understated-sizes"),
        pytest.param("report.docx", lying_sizes(), documents.NOT_SAFE, id="member-bigger-than-its-headers-say"),
        # 2. A ZIP hidden after padding.
        pytest.param("report.pdf", PDF + bytes(100_000) + DOCX, documents.MISMATCH, id="pdf-padding-then-zip"),
        pytest.param("report.pdf", PDF + DOCX + bytes(100_000), documents.MISMATCH, id="pdf-zip-then-padding"),
        pytest.param(
            "report.pdf", PDF + DOCX + bytes(100_000) + b"\n%%EOF\n", documents.MISMATCH, id="pdf-zip-padding-eof"
        ),
        pytest.param("report.pdf", PDF + b"MZ\x90\x00" + bytes(64), documents.HIDDEN_DATA, id="pdf-trailing-data"),
        # 3. Not really an Office Open XML word-processing package.
        pytest.param(
            "report.docx",
            zipped([("report.pdf", PDF), *DOCX_MEMBERS], stored_first=True),
            documents.MISMATCH,
            id="docx-first-member-a-pdf",
        ),
        pytest.param(
            "report.docx", b"PK\x03\x04" + HTML + DOCX, documents.MISMATCH, id="docx-behind-a-fake-local-header"
        ),
        pytest.param(
            "report.docx",
            zipped([*DOCX_MEMBERS[:2], ("word/document.xml", PDF)]),
            documents.MISMATCH,
            id="docx-main-part-a-pdf",
        ),
        pytest.param(
            "report.docx", zipped([DOCX_MEMBERS[0], *DOCX_MEMBERS[2:]]), documents.MISMATCH, id="docx-no-package-rels"
        ),
        pytest.param(
            "report.docx",
            docx(
                types=content_types(main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
            ),
            documents.MISMATCH,
            id="docx-main-part-declared-a-workbook",
        ),
        pytest.param(
            "report.docx",
            zipped([*DOCX_MEMBERS[:2], ("word/document.xml", b"<html><body/></html>")]),
            documents.MISMATCH,
            id="docx-main-part-not-word",
        ),
        # 4. Macros under other names; ActiveX; StarBasic.
        pytest.param(
            "report.docx",
            docx(
                ("word/macros.bin", b"\xd0\xcf\x11\xe0"),
                document_rels=relationships(("vbaProject", "macros.bin", None)),
            ),
            documents.MACROS,
            id="macros-bin-related-as-vba-project",
        ),
        pytest.param(
            "report.docx",
            docx(("word/macros.bin", b"\xd0\xcf\x11\xe0"), types=content_types(("/word/macros.bin", VBA_TYPE))),
            documents.MACROS,
            id="macros-bin-typed-as-vba-project",
        ),
        pytest.param(
            "report.docx",
            docx(types=content_types(main="application/vnd.ms-word.document.macroEnabled.main+xml")),
            documents.MACROS,
            id="macro-enabled-main-part",
        ),
        pytest.param(
            "report.docx",
            docx(
                ("word/activeX/activeX1.xml", b"<ax/>"),
                types=content_types(("/word/activeX/activeX1.xml", ACTIVEX_TYPE)),
            ),
            documents.ACTIVEX,
            id="activex-part",
        ),
        pytest.param(
            "report.docx",
            docx(("word/c/c1.xml", b"<ax/>"), document_rels=relationships(("control", "c/c1.xml", None))),
            documents.ACTIVEX,
            id="activex-control-under-another-name",
        ),
        pytest.param(
            "report.odt",
            odt(("Basic/Standard/Module1.xml", b"<script:module/>"), ("Basic/script-lc.xml", b"<library/>")),
            documents.MACROS,
            id="odt-starbasic-module",
        ),
        pytest.param(
            "report.odt",
            odt(manifest=("Basic/Standard/Module1.xml",)),
            documents.MACROS,
            id="odt-manifest-declares-basic",
        ),
        pytest.param(
            "report.odt", odt(("Scripts/python/run.py", b"import os")), documents.MACROS, id="odt-python-script"
        ),
        pytest.param("report.odt", odt(content=SCRIPT_EVENT), documents.MACROS, id="odt-event-calls-a-macro"),
        # 5. Content fetched from outside when the file opens.
        pytest.param(
            "report.docx",
            docx(("word/_rels/settings.xml.rels", settings_rels)),
            documents.EXTERNAL,
            id="attached-template-from-the-metadata-service",
        ),
        pytest.param(
            "report.docx",
            docx(("word/_rels/settings.xml.rels", relationships(("attachedTemplate", METADATA_SERVICE, None)))),
            documents.EXTERNAL,
            id="attached-template-url-without-target-mode",
        ),
        pytest.param(
            "report.docx",
            docx(("word/_rels/settings.xml.rels", relationships(("attachedTemplate", "\\\\host\\t.dotm", None)))),
            documents.EXTERNAL,
            id="attached-template-on-a-network-share",
        ),
        pytest.param(
            "report.docx",
            docx(document_rels=relationships(("image", "http://example.invalid/pixel.png", "External"))),
            documents.EXTERNAL,
            id="linked-picture",
        ),
        pytest.param(
            "report.docx",
            docx(document_rels=relationships(("hyperlink", "file://server/share/run.exe", "External"))),
            documents.EXTERNAL,
            id="hyperlink-to-a-file-share",
        ),
        # 6. HTML behind a PDF header.
        pytest.param("report.pdf", b"%PDF-1.4\n" + HTML, documents.MISMATCH, id="html-behind-pdf-header"),
        pytest.param(
            "report.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", documents.MISMATCH, id="html-pdf-header-and-eof"
        ),
        # PDFs that run something or carry files.
        *(
            pytest.param("report.pdf", pdf_active(kind), message, id=f"pdf-{kind}")
            for kind, message in (
                ("open-action-js", documents.PDF_SCRIPTS),
                ("names-javascript", documents.PDF_SCRIPTS),
                ("obfuscated-name", documents.PDF_SCRIPTS),
                ("xfa-form", documents.PDF_SCRIPTS),
                ("launch", documents.PDF_SCRIPTS),
                ("embedded-files", documents.PDF_ATTACHMENTS),
                ("attachment-annotation", documents.PDF_ATTACHMENTS),
            )
        ),
        pytest.param(
            "report.pdf", pdf_with_js_in_an_object_stream(), documents.PDF_SCRIPTS, id="pdf-js-in-object-stream"
        ),
    ]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2015, 3, 2), tick=False):
        yield


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    root = tmp_path / "private-documents"
    settings.PRIVATE_DOCUMENTS_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def review(chair_a):
    return decide(chair_a, notified(chair_a), decision="initiate_scr").review


def upload_url(review) -> str:
    return reverse("documents:upload", args=[review.public_id])


def form_data(file, kind=DocumentKind.OVERVIEW_REPORT, title="Overview report, final draft") -> dict:
    return {"kind": kind, "title": title, "file": file}


def add(actor, review, file, **kwargs) -> Document:
    payload = {"kind": DocumentKind.OVERVIEW_REPORT, "title": "Overview report", **kwargs}
    return documents.document_upload(actor=actor, review_id=review.pk, uploaded_file=file, **payload)


# --- Accepted files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Overview report.pdf", PDF, DocumentType.PDF),
        ("Overview report.DOCX", DOCX, DocumentType.DOCX),
        ("Overview report.odt", ODT, DocumentType.ODT),
    ],
)
def test_a_real_pdf_docx_or_odt_is_accepted_and_stored_privately(
    staff_a, review, private_root, name, content, content_type
):
    document = add(staff_a, review, upload(name, content, "text/html"))  # the browser's word counts for nothing
    document.refresh_from_db()
    assert (document.content_type, document.size, document.original_name) == (content_type, len(content), name)
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|docx|odt)", document.stored_name)
    assert document.stored_name.endswith(documents.EXTENSIONS[content_type])
    (path,) = stored_files(private_root)
    assert path.name == document.stored_name and path.read_bytes() == content
    assert path.stat().st_mode & 0o077 == 0  # readable by the service's user only
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.review, document.uploaded_by, document.kind) == (review, staff_a, DocumentKind.OVERVIEW_REPORT)


def test_an_odt_whose_mimetype_is_compressed_is_still_an_odt(staff_a, review):
    assert add(staff_a, review, upload("report.odt", zipped(ODT_MEMBERS))).content_type == DocumentType.ODT


def test_the_user_s_file_name_never_reaches_the_store(staff_a, review, private_root, tmp_path):
    document = add(staff_a, review, upload("../../evil.pdf", PDF))
    assert document.original_name == "evil.pdf"
    assert "evil" not in document.stored_name
    (path,) = stored_files(private_root)
    assert path.parent == private_root
    assert not (tmp_path / "evil.pdf").exists() and not list(tmp_path.parent.glob("evil*"))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("C:\\Users\\someone\\Desktop\\report.pdf", "report.pdf"),
        ("..\\..\\report.pdf", "report.pdf"),
        ("rep\x00ort\r\n.pdf", "report.pdf"),
        ("  .hidden  report.pdf", "hidden report.pdf"),
    ],
)
def test_the_shown_name_is_cleaned(name, shown):
    assert documents.display_name(name) == shown


# --- Refused files: a clear message, and nothing stored ----------------------------------------------


def refusals():
    ten_mb_pdf = PDF + b"%" + bytes(20 * 1024 * 1024)
    many_members = zipped([*DOCX_MEMBERS, *((f"word/media/{i}.xml", b"") for i in range(1001))])
    return [
        pytest.param("report.txt", b"Just text", documents.WRONG_TYPE, id="wrong-extension"),
        pytest.param("report", PDF, documents.WRONG_TYPE, id="no-extension"),
        pytest.param("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), documents.WRONG_TYPE, id="doc"),
        pytest.param("report.html", HTML, documents.WRONG_TYPE, id="html"),
        pytest.param("report.pdf", b"", documents.EMPTY, id="empty"),
        pytest.param("report.pdf", ten_mb_pdf, "The file must be smaller than 20 MB", id="oversize"),
        pytest.param("report.pdf", HTML, documents.MISMATCH, id="html-named-pdf"),
        pytest.param("report.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64), documents.MISMATCH, id="png-named-pdf"),
        pytest.param("report.docx", PDF, documents.MISMATCH, id="pdf-named-docx"),
        pytest.param("report.pdf", DOCX, documents.MISMATCH, id="docx-named-pdf"),
        pytest.param("report.odt", DOCX, documents.MISMATCH, id="docx-named-odt"),
        pytest.param("report.docx", ODT, documents.MISMATCH, id="odt-named-docx"),
        pytest.param("report.odt", PDF + ODT, documents.MISMATCH, id="polyglot-pdf-then-odt-named-odt"),
        pytest.param("report.pdf", PDF + ODT, documents.MISMATCH, id="polyglot-pdf-and-zip-named-pdf"),
        pytest.param("report.docx", zipped([("word/document.xml", b"<x/>")]), documents.MISMATCH, id="docx-no-types"),
        pytest.param("report.docx", zipped([("a.txt", b"x")]), documents.MISMATCH, id="plain-zip-named-docx"),
        pytest.param("report.docx", b"PK\x03\x04 not really a zip", documents.MISMATCH, id="damaged-zip"),
        pytest.param(
            "report.odt",
            zipped([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), *ODT_MEMBERS[1:]]),
            documents.MISMATCH,
            id="ods-named-odt",
        ),
        pytest.param(
            "report.odt", zipped([*ODT_MEMBERS[1:], ODT_MEMBERS[0]]), documents.MISMATCH, id="mimetype-not-first"
        ),
        pytest.param("report.docx", zip_bomb(), documents.NOT_SAFE, id="zip-bomb"),
        pytest.param("report.docx", many_members, documents.NOT_SAFE, id="too-many-members"),
        pytest.param(
            "report.docx", zipped([*DOCX_MEMBERS, ("../../evil.sh", b"#!/bin/sh")]), documents.NOT_SAFE, id="dotdot"
        ),
        pytest.param(
            "report.docx", zipped([*DOCX_MEMBERS, ("/etc/cron.d/evil", b"x")]), documents.NOT_SAFE, id="absolute"
        ),
        pytest.param(
            "report.odt",
            zipped([*ODT_MEMBERS, ("C:\\evil.bat", b"x")], stored_first=True),
            documents.NOT_SAFE,
            id="drive",
        ),
        pytest.param(
            "report.docx", zipped([*DOCX_MEMBERS, ("word/vbaProject.bin", b"x")]), documents.MACROS, id="macros"
        ),
        pytest.param(
            "report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), documents.PROTECTED, id="password-docx"
        ),
        *unsafe_contents(),
    ]


@pytest.mark.parametrize(("name", "content", "message"), refusals())
def test_the_service_refuses_with_a_clear_message_and_stores_nothing(
    staff_a, review, private_root, name, content, message
):
    with pytest.raises(InvalidInput) as refused:
        add(staff_a, review, upload(name, content, "application/pdf"))
    assert refused.value.errors == {"file": [message]}
    assert not Document.objects.exists()
    assert stored_files(private_root) == []


@pytest.mark.parametrize(("name", "content", "message"), refusals())
def test_the_upload_page_refuses_with_the_message_beside_the_field(
    client, sign_in, staff_a, review, private_root, name, content, message
):
    sign_in(staff_a)
    response = client.post(upload_url(review), form_data(upload(name, content, "application/pdf")))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    page = response.text
    assert "govuk-error-summary" in page and "govuk-file-upload--error" in page
    assert 'href="#id_file"' in page
    assert not Document.objects.exists()
    assert stored_files(private_root) == []


def ole_file(stream: str, data: bytes) -> bytes:
    """A Compound File (the format of Office's embedded objects and VBA projects) holding one 4,096-byte
    stream in ordinary sectors: header, one FAT sector, one directory sector, then the stream."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = struct.pack(
        "<8s16sHHHHH6s10I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        *(0, 1, 1, 0, 4096, end, 0, end, 0, 0),  # the last is the first FAT sector's number, 0
    ) + struct.pack("<108I", *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end, *([free] * 118))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIII", raw, len(raw), kind, 1, free, free, child, bytes(16), 0, 0, 0, start, size, 0
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, free, 2, 4096) + entry("", 0, free, 0, 0) * 2
    return header + fat + directory + data.ljust(4096, b"\x00")[:4096]


VBA_MODULE = b'Attribut\x00e VB_Name = "Module1"\r\nSub AutoOpen()\r\n  Shell "calc.exe"\r\nEnd Sub\r\n'


def test_vba_in_an_ole_part_of_any_name_is_found_by_olevba(staff_a, review, private_root):
    """No content type, relationship or name says "macros" here: olevba finds the VBA in the OLE part."""
    file = docx(("word/embeddings/oleObject1.bin", ole_file("Module1", VBA_MODULE)))
    with pytest.raises(InvalidInput) as refused:
        add(staff_a, review, upload("report.docx", file))
    assert refused.value.errors == {"file": [documents.MACROS]}
    assert not Document.objects.exists() and stored_files(private_root) == []


class CountingFile(io.BytesIO):
    """Counts the bytes read from it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_the_bomb_is_stopped_on_bytes_inflated_long_before_its_end():
    """The budget is spent on what actually comes out (100 MB here, the file being about 1 MB), so the
    checker stops having read a small part of the 1 GiB member's compressed stream."""
    bomb = understated_bomb()
    (member,) = [m for m in zipfile.ZipFile(io.BytesIO(bomb)).infolist() if m.filename == "word/media/image1.png"]
    assert member.file_size == MIB and len(bomb) < 1.1 * MIB  # the headers' word, and what is on disk
    file = CountingFile(bomb)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.detect_type(file, len(bomb))
    assert refused.value.message == documents.NOT_SAFE
    # 64 KB of this stream inflates to 64 MB: the 100 MB budget is spent within the second chunk read.
    assert file.read_bytes < 3 * documents.CHUNK < member.compress_size / 5


def test_the_budget_counts_real_bytes_not_the_headers(monkeypatch):
    """Under a budget of 1 MB, 2 MB of real zeros is refused although the headers claim only 1 KB."""
    content = bytes(2 * MIB)
    members = [(name, deflated(data), zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)) for name, data in DOCX_MEMBERS]
    members.append(("word/media/image1.png", deflated(content), zipfile.ZIP_DEFLATED, zlib.crc32(content[:1024]), 1024))
    file = raw_zip(members)
    monkeypatch.setattr(documents, "ZIP_MAX_UNCOMPRESSED", MIB)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.detect_type(io.BytesIO(file), len(file))
    assert refused.value.message == documents.NOT_SAFE


def pdf_with_an_incremental_update() -> bytes:
    """A PDF saved twice (an update appended, with its own cross-reference section and %%EOF)."""
    first = pdf()
    start = first.rindex(b"startxref\n") + len(b"startxref\n")
    previous = int(first[start:].split(b"\n", 1)[0])
    offset = len(first)
    update = b"4 0 obj\n<< /Title (Overview report) >>\nendobj\n"
    xref = offset + len(update)
    update += b"xref\n4 1\n%010d 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /Prev %d >>\n" % (
        offset,
        previous,
    )
    update += b"startxref\n%d\n%%%%EOF\r\n\r\n" % xref
    return first + update


def pdf_from_pikepdf() -> bytes:
    """A PDF as a PDF library writes it: object streams, a cross-reference stream, a web link."""
    document = pikepdf.new()
    document.add_blank_page()
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 0, 100, 100],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.gov.uk/")),
    )
    document.pages[0].Annots = document.make_indirect(pikepdf.Array([link]))
    out = io.BytesIO()
    document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("report.pdf", pdf_with_an_incremental_update(), DocumentType.PDF, id="pdf-updated-twice"),
        pytest.param("report.pdf", pdf_from_pikepdf(), DocumentType.PDF, id="pdf-object-streams-and-a-link"),
        pytest.param("report.pdf", PDF + b"\r\n \n\x00\x0c", DocumentType.PDF, id="pdf-whitespace-after-eof"),
        pytest.param(
            "report.docx",
            docx(
                ("word/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
                (
                    "word/embeddings/oleObject1.bin",
                    ole_file("Workbook", b"no code here, only cells"),
                ),
                document_rels=relationships(
                    ("hyperlink", "https://www.gov.uk/government/publications/working-together", "External"),
                    ("hyperlink", "mailto:safeguarding@example.invalid", "External"),
                    ("image", "media/image1.png", None),
                    ("oleObject", "embeddings/oleObject1.bin", None),
                ),
            ),
            DocumentType.DOCX,
            id="docx-links-picture-and-embedded-object",
        ),
        pytest.param(
            "report.docx",
            zipped([(name, content) for name, content in reversed(DOCX_MEMBERS)]),
            DocumentType.DOCX,
            id="docx-parts-in-another-order",
        ),
        pytest.param(
            "report.odt",
            odt(("Pictures/1.png", b"\x89PNG\r\n\x1a\n"), manifest=("Pictures/1.png",)),
            DocumentType.ODT,
            id="odt-picture-and-empty-scripts",
        ),
    ],
)
def test_ordinary_documents_are_still_accepted(staff_a, review, private_root, name, content, content_type):
    document = add(staff_a, review, upload(name, content))
    assert document.content_type == content_type
    assert [path.read_bytes() for path in stored_files(private_root)] == [content]


@pytest.mark.parametrize(
    ("library", "name", "content"),
    [
        pytest.param(
            lambda monkeypatch: monkeypatch.setattr(documents.pikepdf, "open", _explode),
            "report.pdf",
            PDF,
            id="pikepdf",
        ),
        pytest.param(
            lambda monkeypatch: monkeypatch.setattr(documents.olevba, "VBA_Parser", _explode),
            "report.docx",
            DOCX,
            id="olevba",
        ),
    ],
)
def test_a_library_failing_on_a_file_is_a_refusal_not_a_server_error(
    client, sign_in, staff_a, review, private_root, monkeypatch, library, name, content
):
    library(monkeypatch)
    sign_in(staff_a)
    response = client.post(upload_url(review), form_data(upload(name, content)))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        documents.MISMATCH if name.endswith(".pdf") else documents.NOT_SAFE
    ]
    assert not Document.objects.exists() and stored_files(private_root) == []


def _explode(*args, **kwargs):
    raise RuntimeError("the library fell over")


def mutations(base: bytes):
    return st.lists(
        st.tuples(st.integers(0, len(base) - 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6
    ).map(lambda edits: _mutate(base, edits))


def _mutate(base: bytes, edits) -> bytes:
    data = bytearray(base)
    for position, replacement in edits:
        data[position : position + len(replacement)] = replacement
    return bytes(data)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.tuples(st.just("report.pdf"), mutations(PDF)),
        st.tuples(st.just("report.pdf"), mutations(pdf_from_pikepdf())),
        st.tuples(st.just("report.docx"), mutations(DOCX)),
        st.tuples(st.just("report.odt"), mutations(ODT)),
        st.tuples(st.sampled_from(["report.pdf", "report.docx", "report.odt"]), st.binary(max_size=512)),
    )
)
def test_damaged_files_are_refused_or_accepted_never_an_error(upload_file):
    """Bytes changed here and there in real files: the check says yes or gives a reason, nothing else."""
    name, content = upload_file
    try:
        checked = documents.document_check_file(upload(name, content), max_bytes=20 * MIB)
    except documents.DocumentRefused as refused:
        assert refused.message
    else:
        assert checked.content_type in DocumentType.values


def test_a_total_unpacked_size_over_the_limit_is_refused(staff_a, review, monkeypatch):
    monkeypatch.setattr(documents, "ZIP_MAX_UNCOMPRESSED", 100)
    with pytest.raises(InvalidInput) as refused:
        add(staff_a, review, upload("report.docx", DOCX))
    assert refused.value.errors == {"file": [documents.NOT_SAFE]}


def test_the_size_limit_comes_from_the_settings(staff_a, review, settings):
    settings.DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        add(staff_a, review, upload("report.pdf", PDF + bytes(3 * 1024 * 1024)))
    assert refused.value.errors == {"file": ["The file must be smaller than 2 MB"]}
    settings.DOCUMENT_MAX_BYTES = len(PDF)
    assert add(staff_a, review, upload("report.pdf", PDF)).size == len(PDF)


def test_the_upload_page_stops_reading_an_oversized_file(client, sign_in, staff_a, review, private_root, settings):
    """The size limit is in place before the body is read: the file never reaches the form at all."""
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    sign_in(staff_a)
    response = client.post(upload_url(review), form_data(upload("report.pdf", PDF + bytes(1024 * 1024))))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file must be smaller than 1 MB"]
    assert response.wsgi_request.document_too_big
    assert "file" not in response.wsgi_request.FILES
    assert not Document.objects.exists() and stored_files(private_root) == []


def test_a_malformed_upload_is_a_bad_request_not_a_server_error(client, sign_in, staff_a, review, private_root):
    sign_in(staff_a)
    response = client.generic(
        "POST",
        upload_url(review),
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-',
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code in (200, 400)
    assert not Document.objects.exists() and stored_files(private_root) == []


def test_kind_title_and_file_are_all_required(client, sign_in, staff_a, review, private_root):
    sign_in(staff_a)
    response = client.post(upload_url(review), {"kind": "", "title": "  "})
    assert response.context["form"].errors == {
        "kind": [documents.SELECT_KIND],
        "title": [documents.ENTER_TITLE],
        "file": [documents.SELECT_FILE],
    }
    with pytest.raises(InvalidInput) as refused:
        add(staff_a, review, None, kind="minutes", title="")
    assert refused.value.errors == {
        "kind": [documents.SELECT_KIND],
        "title": [documents.ENTER_TITLE],
        "file": [documents.SELECT_FILE],
    }
    assert stored_files(private_root) == []


def test_a_failed_database_write_leaves_no_file(staff_a, review, private_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Document.objects, "create", fail)
    with pytest.raises(RuntimeError):
        add(staff_a, review, upload("report.pdf", PDF))
    assert stored_files(private_root) == []


# --- Who may upload --------------------------------------------------------------------------------


def test_the_board_uploads_through_the_page(client, sign_in, chair_a, review, private_root):
    sign_in(chair_a)
    page = client.get(upload_url(review))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'class="govuk-file-upload"' in page.text
    response = client.post(
        upload_url(review), form_data(upload("Terms.pdf", PDF), kind=DocumentKind.TERMS_OF_REFERENCE, title="ToR")
    )
    assert response.status_code == 302
    (document,) = review.documents.all()
    assert (document.kind, document.title, document.uploaded_by) == (DocumentKind.TERMS_OF_REFERENCE, "ToR", chair_a)
    followed = client.get(response["Location"])
    assert followed.status_code == 200 and "Terms of reference uploaded" in followed.text
    assert len(stored_files(private_root)) == 1


def test_a_user_file_name_with_a_path_is_harmless_through_the_page(client, sign_in, staff_a, review, private_root):
    sign_in(staff_a)
    evil = upload("x.pdf", PDF)
    evil.name = "../../../evil.pdf"
    assert client.post(upload_url(review), form_data(evil)).status_code == 302
    (document,) = Document.objects.all()
    assert document.original_name == "evil.pdf" and "evil" not in document.stored_name
    assert [path.parent for path in stored_files(private_root)] == [private_root]


@pytest.mark.parametrize("persona", ["chair_b", "staff_b"])
def test_another_board_gets_404_for_the_upload_page_and_stores_nothing(
    client, sign_in, request, review, private_root, persona
):
    sign_in(request.getfixturevalue(persona))
    assert client.get(upload_url(review)).status_code == 404
    assert client.post(upload_url(review), form_data(upload("report.pdf", PDF))).status_code == 404
    assert not Document.objects.exists() and stored_files(private_root) == []


def test_another_board_cannot_upload_through_the_service(chair_b, review):
    with pytest.raises(Http404):
        add(chair_b, review, upload("report.pdf", PDF))


@pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
def test_the_panel_gets_403_on_upload_inside_its_scope(client, sign_in, request, review, private_root, persona):
    user = request.getfixturevalue(persona)
    sign_in(user)
    assert client.get(upload_url(review)).status_code == 403
    assert client.post(upload_url(review), form_data(upload("report.pdf", PDF))).status_code == 403
    with pytest.raises(RoleNotPermitted):
        add(user, review, upload("report.pdf", PDF))
    assert not Document.objects.exists() and stored_files(private_root) == []


def test_the_administrator_sees_no_review(client, sign_in, administrator, review):
    sign_in(administrator)
    assert client.get(upload_url(review)).status_code == 404


def test_an_unknown_review_is_404(client, sign_in, staff_a, db):
    sign_in(staff_a)
    assert client.get(reverse("documents:upload", args=["00000000-0000-4000-8000-000000000001"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, review, staff_a, private_root):
    document = add(staff_a, review, upload("report.pdf", PDF))
    sign_in_url = reverse("accounts:sign_in")
    for response in (
        client.get(upload_url(review)),
        client.post(upload_url(review), form_data(upload("report.pdf", PDF))),
        client.get(reverse("documents:download", args=[document.public_id])),
    ):
        assert response.status_code == 302 and response["Location"].startswith(sign_in_url)
    assert Document.objects.count() == 1 and len(stored_files(private_root)) == 1
    assert not AccessEvent.objects.exists()


def test_the_upload_page_checks_the_csrf_token(sign_in, staff_a, review, private_root):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    sign_in(staff_a, client=csrf_client)
    response = csrf_client.post(upload_url(review), form_data(upload("report.pdf", PDF)))
    assert response.status_code == 403
    assert not Document.objects.exists() and stored_files(private_root) == []


# --- Downloads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff_a", "chair_a"])
def test_the_board_downloads_an_attachment_and_one_access_event_is_written(client, sign_in, request, review, persona):
    user = request.getfixturevalue(persona)
    document = add(review.decision.recorded_by, review, upload("Überblick «final».pdf", PDF, "text/html"))
    sign_in(user)
    response = client.get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Uberblick final.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.board, event.request_id) == (
        user,
        AccessEvent.Action.DOWNLOAD,
        review.board,
        response["X-Request-ID"],
    )
    assert event.record == document


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.DOCX", DOCX, "report.docx"),
        ('a"b;c\r\nd.odt', ODT, "a_b_cd.odt"),
        ("Ωμέγα.pdf", PDF, "overview-report.pdf"),
    ],
)
def test_download_names_are_safe_ascii_with_the_detected_extension(staff_a, review, name, content, expected):
    assert documents.download_name(add(staff_a, review, upload(name, content))) == expected


@pytest.mark.parametrize("persona", ["chair_b", "staff_b", "administrator"])
def test_another_board_gets_404_for_a_download_and_no_access_event(client, sign_in, request, staff_a, review, persona):
    document = add(staff_a, review, upload("report.pdf", PDF))
    sign_in(request.getfixturevalue(persona))
    assert client.get(reverse("documents:download", args=[document.public_id])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_panel_downloads_a_reviews_documents_once_its_final_report_has_reached_it(
    client, sign_in, staff_a, panel_member, review
):
    document = add(staff_a, review, upload("report.odt", ODT))
    url = reverse("documents:download", args=[document.public_id])
    sign_in(panel_member)
    # Need to know (decision 0026): a review in progress is an initiation notice to the panel; its
    # documents come with the final report.
    assert client.get(url).status_code == 404
    assert not AccessEvent.objects.exists()

    Publication.objects.create(review=review, report_sent_on=date(2015, 6, 5))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == ODT
    assert response["Content-Type"] == DocumentType.ODT
    assert AccessEvent.objects.get().user == panel_member

    # A review the panel was never told of is out of its scope.
    Decision.objects.filter(pk=review.decision_id).update(panel_notified_on=None)
    assert client.get(url).status_code == 404
    assert AccessEvent.objects.count() == 1


def test_a_document_missing_from_the_store_is_404_not_500(client, sign_in, staff_a, review, private_root):
    document = add(staff_a, review, upload("report.pdf", PDF))
    (private_root / document.stored_name).unlink()
    sign_in(staff_a)
    assert client.get(reverse("documents:download", args=[document.public_id])).status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
def test_downloads_answer_get_only(client, sign_in, staff_a, review, method):
    document = add(staff_a, review, upload("report.pdf", PDF))
    sign_in(staff_a)
    assert getattr(client, method)(reverse("documents:download", args=[document.public_id])).status_code == 405
    assert not AccessEvent.objects.exists()


# --- The storage and the partial ---------------------------------------------------------------------


def test_private_documents_live_outside_static_files_and_have_no_url():
    root = Path(django_settings.PRIVATE_DOCUMENTS_ROOT).resolve()
    for public in (django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS):
        public = Path(public).resolve()
        assert not root.is_relative_to(public) and not public.is_relative_to(root)
    assert django_settings.DOCUMENT_MAX_BYTES == 20 * 1024 * 1024
    with pytest.raises(NotImplementedError):
        documents.document_storage().url("anything.pdf")


def test_the_partial_lists_documents_with_download_links(rf, staff_a, panel_member, review):
    document = add(staff_a, review, upload("report.pdf", PDF), title="Overview <b>report</b>")
    html = render_to_string(
        "reviews/documents/_documents.html",
        {"review": review, "documents": documents.review_documents(review), "user": staff_a},
    )
    assert reverse("documents:download", args=[document.public_id]) in html
    assert "Overview &lt;b&gt;report&lt;/b&gt;" in html
    assert reverse("documents:upload", args=[review.public_id]) in html
    for_panel = render_to_string(
        "reviews/documents/_documents.html",
        {"review": review, "documents": documents.review_documents(review), "user": panel_member},
    )
    assert reverse("documents:download", args=[document.public_id]) in for_panel
    assert reverse("documents:upload", args=[review.public_id]) not in for_panel


def test_the_partial_says_when_there_are_none(staff_a, review):
    html = render_to_string("reviews/documents/_documents.html", {"review": review, "documents": [], "user": staff_a})
    assert "No documents have been uploaded yet." in html
