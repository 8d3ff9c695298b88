"""Private files: upload validation by content, generated names, the three ways of serving."""

import io
import re
import struct
import zlib
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from PIL import Image

from core.files import (
    PrivateFileField,
    PrivateModelFileField,
    PrivateUploadTo,
    UploadInfo,
    content_disposition,
    private_file_response,
    private_upload_to,
    validate_upload,
)

# --- Real small files, built here -------------------------------------------------------------


def png_bytes(size=(8, 6), color=(0, 99, 204)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(16, 12)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG whose header announces width x height pixels, with a tiny IDAT: a decompression bomb's shape."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def pdf_bytes(*extra_objects, catalog_extra=b"", page_extra=b""):
    """A minimal valid one-page PDF written by hand (correct cross-reference offsets).

    Objects: 1 catalog, 2 pages, 3 page, then `extra_objects` as 4, 5, ...
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> " + page_extra + b" >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted_pdf_bytes():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(data, name="document.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def error_codes(excinfo):
    return [error.code for error in excinfo.value.error_list]


# --- Accepted files ---------------------------------------------------------------------------


def test_valid_pdf_is_accepted():
    data = pdf_bytes()
    assert validate_upload(upload(data)) == UploadInfo(
        kind="pdf", content_type="application/pdf", extension="pdf", size=len(data)
    )


def test_valid_png_is_accepted_whatever_its_name_and_declared_type():
    info = validate_upload(upload(png_bytes(), name="scan.PDF", content_type="application/pdf"))
    assert (info.kind, info.content_type, info.extension) == ("png", "image/png", "png")


def test_valid_jpeg_is_accepted():
    info = validate_upload(upload(jpeg_bytes(), name="photo.jpeg", content_type="image/jpeg"))
    assert (info.kind, info.content_type, info.extension) == ("jpeg", "image/jpeg", "jpg")


def test_pdf_with_a_harmless_open_action_is_accepted():
    # "open on page 1, fit": an ordinary OpenAction, no script.
    validate_upload(upload(pdf_bytes(catalog_extra=b"/OpenAction [3 0 R /Fit]")))


def test_upload_leaves_the_file_readable_from_the_start():
    uploaded = upload(pdf_bytes())
    validate_upload(uploaded)
    assert uploaded.read(5) == b"%PDF-"


# --- Refused files ----------------------------------------------------------------------------


def test_renamed_executable_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(exe, name="facture.pdf", content_type="application/pdf"))
    assert error_codes(excinfo) == ["type"]
    assert "PDF, JPEG et PNG" in excinfo.value.messages[0]


def test_html_named_png_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(b"<html><script>alert(1)</script></html>", name="image.png", content_type="image/png"))
    assert error_codes(excinfo) == ["type"]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(b""))
    assert error_codes(excinfo) == ["empty"]


def test_oversized_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    data = pdf_bytes(b"<< /Filler (" + b"x" * 2000 + b") >>")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data))
    assert error_codes(excinfo) == ["too_large"]
    assert "trop volumineux" in excinfo.value.messages[0]
    assert "1000" in excinfo.value.messages[0]


def test_file_lying_about_its_size_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    uploaded = upload(pdf_bytes(b"<< /Filler (" + b"x" * 2000 + b") >>"))
    uploaded.size = 10
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(uploaded)
    assert error_codes(excinfo) == ["too_large"]


def test_png_bomb_is_refused_before_decoding(settings):
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(png_header_only(30_000, 30_000), name="bomb.png"))
    assert error_codes(excinfo)[0] in {"image_too_big", "image_bomb"}


def test_png_over_the_pixel_limit_is_refused(settings):
    settings.UPLOAD_MAX_PIXELS = 100
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(png_bytes(size=(20, 20)), name="grande.png"))
    assert error_codes(excinfo) == ["image_too_big"]
    assert "20 × 20" in excinfo.value.messages[0]


def test_pillow_decompression_bomb_error_is_refused(settings):
    # Our own limit set above Pillow's: Pillow's DecompressionBombError is reported as invalid too.
    settings.UPLOAD_MAX_PIXELS = 10**12
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(png_header_only(200_000, 200_000), name="bomb.png"))
    assert error_codes(excinfo) == ["image_bomb"]


def test_truncated_jpeg_is_refused():
    data = jpeg_bytes(size=(64, 64))
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data[: len(data) // 2], name="photo.jpg"))
    assert error_codes(excinfo) == ["image"]


def test_corrupted_png_is_refused():
    data = bytearray(png_bytes(size=(32, 32)))
    data[-20:-12] = b"\x00" * 8  # breaks the IDAT checksum
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(bytes(data), name="image.png"))
    assert error_codes(excinfo) == ["image"]


def test_unparseable_pdf_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(b"%PDF-1.7\nthis is not a PDF at all\n"))
    assert error_codes(excinfo) == ["pdf"]


def test_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(encrypted_pdf_bytes()))
    assert error_codes(excinfo) == ["pdf_encrypted"]


@pytest.mark.parametrize(
    ("catalog_extra", "extra_objects"),
    [
        pytest.param(
            b"/OpenAction 4 0 R", [b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"], id="openaction-js"
        ),
        pytest.param(
            b"/Names << /JavaScript 4 0 R >>",
            [b"<< /Names [(x) 5 0 R] >>", b"<< /S /JavaScript /JS (app.alert(1)) >>"],
            id="names-tree-js",
        ),
        pytest.param(b"/OpenAction << /S /Launch /F (cmd.exe) >>", [], id="launch"),
        pytest.param(
            b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
            [b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>", b"<< /Type /EmbeddedFile /Length 0 >>"],
            id="embedded-file",
        ),
        pytest.param(b"/AcroForm << /Fields [] /XFA 4 0 R >>", [b"<< /Length 0 >>"], id="xfa"),
        pytest.param(b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>", [], id="additional-actions"),
        pytest.param(b"/OpenAction << /S /SubmitForm /F (https://evil.example) >>", [], id="submit-form"),
        pytest.param(b"", [b"<< /Type /Annot /Subtype /RichMedia >>"], id="unreferenced-rich-media"),
    ],
)
def test_pdf_with_active_content_is_refused(catalog_extra, extra_objects):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(pdf_bytes(*extra_objects, catalog_extra=catalog_extra)))
    if b"/OpenAction" in catalog_extra or b"/AA" in catalog_extra:
        assert error_codes(excinfo) == ["pdf_automatic"]
        assert "action automatique" in excinfo.value.messages[0]
    else:
        assert error_codes(excinfo) == ["pdf_active"]
        assert "contenu actif" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("catalog_extra", "extra_objects", "page_extra"),
    [
        pytest.param(b"/OpenAction << /S /URI /URI (https://evil.example/x) >>", [], b"", id="openaction-uri"),
        pytest.param(b"/OpenAction 4 0 R", [b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>"], b"", id="openaction-gotor"),
        pytest.param(
            b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (https://evil.example) >> >>",
            [],
            b"",
            id="openaction-next-uri",
        ),
        pytest.param(b"", [], b"/AA << /O << /S /URI /URI (https://evil.example) >> >>", id="page-open-uri"),
    ],
)
def test_pdf_with_automatic_actions_is_refused_with_a_clear_message(catalog_extra, extra_objects, page_extra):
    data = pdf_bytes(*extra_objects, catalog_extra=catalog_extra, page_extra=page_extra)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data))
    assert error_codes(excinfo) == ["pdf_automatic"]
    assert excinfo.value.messages[0].startswith("Ce document PDF lance une action automatique à son ouverture")


def test_pdf_with_hex_escaped_javascript_names_is_refused():
    data = pdf_bytes(b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>", catalog_extra=b"/Op#65nAction 4 0 R")
    assert b"/JavaScript" not in data and b"/JS" not in data
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data))
    assert error_codes(excinfo) == ["pdf_automatic"]


def test_pdf_page_annotation_with_javascript_is_refused():
    data = pdf_bytes(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /JavaScript /JS (app.alert(1)) >> >>",
        page_extra=b"/Annots [4 0 R]",
    )
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data))
    assert error_codes(excinfo) == ["pdf_active"]


def test_pdf_with_a_plain_link_annotation_is_accepted():
    data = pdf_bytes(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.test) >> >>",
        page_extra=b"/Annots [4 0 R]",
    )
    assert validate_upload(upload(data)).kind == "pdf"


# --- Form field and generated names -----------------------------------------------------------


class DocumentForm(forms.Form):
    document = PrivateFileField(label="Justificatif")


def test_form_field_accepts_and_names_the_file_by_its_real_type():
    form = DocumentForm(data={}, files={"document": upload(jpeg_bytes(), name="Relevé.png", content_type="image/png")})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["document"]
    assert cleaned.name == "Relevé.jpg"
    assert cleaned.original_name == "Relevé.png"
    assert cleaned.content_type == "image/jpeg"
    assert cleaned.upload_info.kind == "jpeg"


def test_form_field_shows_the_error_on_the_field():
    form = DocumentForm(data={}, files={"document": upload(b"MZ\x90\x00" * 10, name="facture.pdf")})
    assert not form.is_valid()
    assert "seuls les fichiers PDF, JPEG et PNG" in form.errors["document"][0]


def test_form_field_help_text_gives_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    field = DocumentForm()["document"]
    assert "PDF, JPEG ou PNG" in str(field.help_text)
    assert str(field.help_text) == "PDF, JPEG ou PNG, 5\u00a0Mo au maximum."
    assert "accept=" in str(field)


def test_private_upload_to_generates_names_without_the_users_name():
    upload_to = private_upload_to("benefits/requests")
    name = upload_to(None, "Mon relevé bancaire.PDF")
    assert re.fullmatch(r"benefits/requests/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name)
    assert upload_to(None, "photo.JPEG").endswith(".jpg")
    assert upload_to(None, "script.sh").endswith(".bin")
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


def test_private_upload_to_is_serialisable_for_migrations():
    field = models.FileField(upload_to=private_upload_to("interim/advances"))
    _name, path, _args, kwargs = field.deconstruct()
    assert kwargs["upload_to"] == PrivateUploadTo("interim/advances")
    assert PrivateUploadTo("interim/advances").deconstruct()[0] == "core.files.PrivateUploadTo"


def test_private_model_field_uses_the_checked_form_field():
    field = PrivateModelFileField("justificatif", prefix="partners/docs")
    assert isinstance(field.formfield(), PrivateFileField)
    assert field.upload_to == PrivateUploadTo("partners/docs")


# --- Serving ----------------------------------------------------------------------------------


@pytest.fixture
def stored_pdf():
    data = pdf_bytes()
    name = default_storage.save("tests/2026/01/0123456789abcdef0123456789abcdef.pdf", ContentFile(data))
    return FieldFile(None, models.FileField(), name), data


@pytest.fixture
def rf_request(rf: RequestFactory):
    return rf.get("/documents/1/telecharger")


def assert_secure_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_content_disposition_ascii_name():
    assert content_disposition("releve.pdf") == 'attachment; filename="releve.pdf"'
    assert content_disposition("releve.pdf", as_attachment=False) == 'inline; filename="releve.pdf"'


def test_content_disposition_accented_name_has_filename_star():
    assert content_disposition("Relevé de compte.pdf") == (
        "attachment; filename=\"Releve de compte.pdf\"; filename*=UTF-8''Relev%C3%A9%20de%20compte.pdf"
    )


def test_content_disposition_cannot_be_broken_by_the_name():
    header = content_disposition('a"b\r\nSet-Cookie: x=1/../c.pdf')
    assert "\r" not in header and "\n" not in header
    assert 'filename="a\'b Set-Cookie: x=1_.._c.pdf"' in header


def test_stream_mode_streams_the_file(settings, stored_pdf, rf_request):
    settings.PRIVATE_FILES_SERVE = "stream"
    field_file, data = stored_pdf
    response = private_file_response(rf_request, field_file, label="Attestation été")
    try:
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == ('attachment; filename="attestation-ete.pdf"')
        assert_secure_headers(response)
    finally:
        response.file_to_stream.close()


def test_stream_mode_inline(settings, stored_pdf, rf_request):
    settings.PRIVATE_FILES_SERVE = "stream"
    field_file, _data = stored_pdf
    response = private_file_response(rf_request, field_file, label="a", as_attachment=False)
    try:
        assert response["Content-Disposition"] == 'inline; filename="a.pdf"'
    finally:
        response.file_to_stream.close()


def test_accel_mode_delegates_to_nginx(settings, stored_pdf, rf_request):
    settings.PRIVATE_FILES_SERVE = "accel"
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/protected/"
    field_file, _data = stored_pdf
    response = private_file_response(rf_request, field_file, label="Attestation")
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{field_file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
    assert_secure_headers(response)


def s3_field_file(name="tests/2026/01/0123456789abcdef0123456789abcdef.pdf"):
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="guichet",
        endpoint_url="https://s3.example.test",
        access_key="test-access",
        secret_key="test-secret",
        region_name="us-east-1",
        default_acl="private",
        querystring_auth=True,
        querystring_expire=60,
        addressing_style="path",
        signature_version="s3v4",
    )
    return FieldFile(None, models.FileField(storage=storage), name)


def test_s3_mode_redirects_to_a_short_presigned_url(settings, rf_request):
    settings.PRIVATE_FILES_SERVE = "s3"
    field_file = s3_field_file()
    signed = "https://s3.example.test/guichet/tests/x.pdf?X-Amz-Expires=60&X-Amz-Signature=abc"
    with mock.patch.object(field_file.storage, "url", return_value=signed) as url:
        response = private_file_response(rf_request, field_file, label="Reçu")
    assert response.status_code == 302
    assert response["Location"] == signed
    (name,), kwargs = url.call_args
    assert name == field_file.name
    assert kwargs["parameters"]["ResponseContentDisposition"] == ('attachment; filename="recu.pdf"')
    assert kwargs["parameters"]["ResponseContentType"] == "application/pdf"
    assert response["Content-Disposition"] == kwargs["parameters"]["ResponseContentDisposition"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert_secure_headers(response)


def test_s3_mode_signs_the_url_offline_with_the_disposition(settings, rf_request):
    # django-storages + boto3 presign locally (no network): the real URL carries our parameters.
    settings.PRIVATE_FILES_SERVE = "s3"
    response = private_file_response(rf_request, s3_field_file(), label="Reçu")
    location = response["Location"]
    assert location.startswith("https://s3.example.test/guichet/tests/2026/01/")
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=60" in location
    assert "response-content-disposition=attachment" in location
    assert "response-content-type=application%2Fpdf" in location


def test_unknown_mode_is_a_configuration_error(settings, stored_pdf, rf_request):
    settings.PRIVATE_FILES_SERVE = "public"
    with pytest.raises(ImproperlyConfigured):
        private_file_response(rf_request, stored_pdf[0], label="a")


def test_image_content_type_follows_the_stored_name(settings, rf_request):
    settings.PRIVATE_FILES_SERVE = "accel"
    name = default_storage.save("tests/2026/01/abc.png", ContentFile(png_bytes()))
    response = private_file_response(rf_request, FieldFile(None, models.FileField(), name), label="Scan")
    assert response["Content-Type"] == "image/png"


def test_download_name_is_the_kind_and_the_detected_type_never_the_uploaders(settings, rf_request):
    """A PNG stored under a name ending in .pdf (or anything) downloads as <kind>.png; no RTL override."""
    settings.PRIVATE_FILES_SERVE = "stream"
    name = default_storage.save("tests/2026/01/justificatif.html", ContentFile(png_bytes()))
    field_file = FieldFile(None, models.FileField(), name)
    response = private_file_response(rf_request, field_file, label="Livret de famille\u202egpj.exe")
    try:
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'attachment; filename="livret-de-famillegpj-exe.png"'
        assert "\u202e" not in response["Content-Disposition"]
    finally:
        response.file_to_stream.close()


def test_content_disposition_drops_bidirectional_controls():
    header = content_disposition("facture\u202efdp.exe")
    assert "\u202e" not in header and "%E2%80%AE" not in header


def test_file_sizes_are_written_as_people_write_them():
    from core.formats import file_size

    assert file_size(10 * 1024 * 1024) == "10\u00a0Mo"
    assert file_size(1536) == "1,5\u00a0Ko"
    assert file_size(1) == "1 octet"
    assert file_size(2) == "2 octets"
