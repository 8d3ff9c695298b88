"""Private files: upload validation, generated storage names, permission-checked downloads.

Upload (a form, or a service receiving an uploaded file):

    document = PrivateFileField(label=_("Justificatif"))            # forms: runs validate_upload
    file = models.FileField(upload_to=private_upload_to("interim/advances"))   # models: generated names
    info = validate_upload(uploaded_file)                              # services: UploadInfo or ValidationError

Only PDF, JPEG and PNG are accepted, recognised by their content (never by the name or the
browser's content type). Images are decoded by Pillow under a pixel limit; PDFs are parsed by pypdf
and refused when encrypted or carrying active content (JavaScript, launch actions, embedded files,
forms that submit, XFA, rich media, automatic actions).

Download, in a view, AFTER the permission check and a scoped get_object_or_404:

    return private_file_response(request, advance.document, label=_("justificatif d’acompte"))

The name the browser saves is built from `label` (the document's kind, never the uploader's file
name) and the extension of the type detected in the stored file: "justificatif-d-acompte.pdf".
Bidirectional controls (a right-to-left override turning "fdp.exe" around) never reach a header.

settings.PRIVATE_FILES_SERVE picks the transport: "stream" (Django streams the file: development),
"accel" (nginx serves it through X-Accel-Redirect to an `internal` location), "s3" (redirect to a
short presigned URL of the bucket). Files are never reachable by a public URL (MEDIA_URL is None).
"""

import io
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.formats import file_size as filesizeformat

# kind -> (magic bytes at offset 0, content type, extension)
ALLOWED_KINDS = {
    "pdf": (b"%PDF-", "application/pdf", "pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
}
CONTENT_TYPES = {extension: content_type for _magic, content_type, extension in ALLOWED_KINDS.values()}
CONTENT_TYPES["jpeg"] = "image/jpeg"

# PDF names that make a document active. Compared after pypdf decoded the name (/J#61vaScript -> /JavaScript).
PDF_FORBIDDEN_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/RichMediaExecute",
        "/XFA",
        "/AA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
    }
)
# Actions run when the document opens (/OpenAction, or /AA on the catalog or a page) that leave the
# document: open a web address, another file, run a script. A plain /GoTo (show page 1) is harmless.
PDF_AUTOMATIC_ACTIONS = frozenset({"/URI", "/GoToR", "/GoToE", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData"})
PDF_MAX_OBJECTS = 200_000

MESSAGES = {
    "empty": _("Le fichier est vide."),
    "too_large": _("Le fichier est trop volumineux (%(size)s) : la taille maximale est de %(max)s."),
    "type": _("Ce type de fichier n’est pas accepté : seuls les fichiers PDF, JPEG et PNG le sont."),
    "image": _("L’image est illisible ou endommagée."),
    "image_too_big": _("L’image est trop grande (%(width)s × %(height)s pixels) : réduisez sa taille."),
    "image_bomb": _("L’image est trop grande pour être vérifiée : réduisez sa taille."),
    "pdf": _("Le document PDF est illisible ou endommagé."),
    "pdf_encrypted": _("Les documents PDF protégés par un mot de passe ne sont pas acceptés."),
    "pdf_automatic": _(
        "Ce document PDF lance une action automatique à son ouverture (ouverture d’un lien, d’un autre fichier "
        "ou d’un script) : enregistrez-le ou imprimez-le en PDF simple puis déposez-le à nouveau."
    ),
    "pdf_active": _(
        "Ce document PDF contient du contenu actif (script, action automatique, fichier joint ou formulaire) : "
        "enregistrez-le ou imprimez-le en PDF simple puis déposez-le à nouveau."
    ),
}


@dataclass(frozen=True)
class UploadInfo:
    kind: str  # "pdf", "jpeg" or "png"
    content_type: str
    extension: str  # "pdf", "jpg" or "png"
    size: int


def _invalid(code, **params):
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def validate_upload(uploaded_file, *, max_bytes=None):
    """Checks an uploaded file by its content; returns UploadInfo or raises ValidationError (French)."""
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    size = uploaded_file.size
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if not size:
        raise _invalid("empty")
    if size > max_bytes:
        raise _invalid("too_large", size=filesizeformat(size), max=filesizeformat(max_bytes))
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    uploaded_file.seek(0)
    if len(data) > max_bytes:  # the declared size lied
        raise _invalid("too_large", size=filesizeformat(len(data)), max=filesizeformat(max_bytes))

    kind = next((kind for kind, (magic, _ct, _ext) in ALLOWED_KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        raise _invalid("type")
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    _magic, content_type, extension = ALLOWED_KINDS[kind]
    return UploadInfo(kind=kind, content_type=content_type, extension=extension, size=len(data))


def _check_image(data, kind):
    from PIL import Image

    pil_format = {"jpeg": "JPEG", "png": "PNG"}[kind]
    max_pixels = settings.UPLOAD_MAX_PIXELS
    try:
        # Image.open reads the header only: the dimensions are checked before anything is decoded.
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _invalid("image_too_big", width=width, height=height)
            image.verify()
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _invalid("image_bomb")
    except Exception:  # noqa: BLE001 - Pillow raises many types on hostile input: all mean "unreadable"
        raise _invalid("image")


def _check_pdf(data):
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _invalid("pdf_encrypted")
        if len(reader.pages) < 1:
            raise _invalid("pdf")
        active = False
        # Every object the reader knows: reachable from the trailer, listed in the cross-reference
        # tables, or stored in object streams (an unreferenced object is checked too).
        dictionaries = []
        pending: list[Any] = [reader.trailer]
        for generation, numbers in reader.xref.items():
            pending.extend(IndirectObject(number, generation, reader) for number in numbers)
        pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
        seen_refs = set()
        visited = 0
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen_refs:
                    continue
                seen_refs.add(key)
                item = item.get_object()
            visited += 1
            if visited > PDF_MAX_OBJECTS:
                raise _invalid("pdf")
            if isinstance(item, NameObject):
                if str(item) in PDF_FORBIDDEN_NAMES:
                    active = True
            elif isinstance(item, DictionaryObject):  # also stream dictionaries
                dictionaries.append(item)
                pending.extend(item.values())
            elif isinstance(item, ArrayObject):
                pending.extend(item)
        # Automatic actions first: their message says what to do about them.
        for item in dictionaries:
            if "/AA" in item or ("/OpenAction" in item and _is_automatic_action(item["/OpenAction"])):
                raise _invalid("pdf_automatic")
        if active or any(str(name) in PDF_FORBIDDEN_NAMES for item in dictionaries for name in item):
            raise _invalid("pdf_active")
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many types on hostile input: all mean "unreadable"
        raise _invalid("pdf")


def _is_automatic_action(action, depth=0):
    """True when an /OpenAction (or an action it chains with /Next) leaves the document."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = action.get_object() if hasattr(action, "get_object") else action
    if depth > 20:
        return True
    if isinstance(action, ArrayObject):  # a destination ([page /Fit]) or a list of /Next actions
        return any(_is_automatic_action(entry, depth + 1) for entry in action if isinstance(entry, DictionaryObject))
    if not isinstance(action, DictionaryObject):
        return False
    if str(action.get("/S", "")) in PDF_AUTOMATIC_ACTIONS or "/URI" in action or "/JS" in action:
        return True
    return "/Next" in action and _is_automatic_action(action["/Next"], depth + 1)


class PrivateFileField(forms.FileField):
    """A form file field accepting PDF/JPEG/PNG only, checked by content (see validate_upload).

    The cleaned file keeps the user's name in `original_name`, gets the extension of its real type
    in `name`, and carries the check's result in `upload_info`.
    """

    def __init__(self, *, max_bytes=None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("help_text", lazy(self._default_help_text, str)())
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")

    def _default_help_text(self):
        return _("PDF, JPEG ou PNG, %(max)s au maximum.") % {"max": filesizeformat(self._max_bytes)}

    @property
    def _max_bytes(self):
        return settings.UPLOAD_MAX_BYTES if self.max_bytes is None else self.max_bytes

    def to_python(self, data):
        uploaded: Any = super().to_python(data)  # an UploadedFile, given the attributes below
        if uploaded is None:
            return None
        info = validate_upload(uploaded, max_bytes=self._max_bytes)
        original = uploaded.name or ""
        stem = original.rsplit(".", 1)[0] if "." in original else original
        uploaded.original_name = original
        uploaded.upload_info = info
        uploaded.content_type = info.content_type
        uploaded.name = f"{stem or 'document'}.{info.extension}"
        return uploaded


@deconstructible
class PrivateUploadTo:
    """upload_to callable: `<prefix>/<yyyy>/<mm>/<uuid4 hex>.<ext>`, never the user's file name."""

    def __init__(self, prefix):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        extension = {"jpeg": "jpg"}.get(extension, extension)
        if extension not in CONTENT_TYPES:
            extension = "bin"
        now = timezone.now()
        return f"{self.prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def private_upload_to(prefix):
    """For FileField(upload_to=private_upload_to("benefits/requests")): serialisable in migrations."""
    return PrivateUploadTo(prefix)


class PrivateModelFileField(models.FileField):
    """A FileField with generated names whose ModelForm field is PrivateFileField (checked uploads).

    document = PrivateModelFileField(_("justificatif"), prefix="interim/advances")
    """

    def __init__(self, verbose_name=None, name=None, *, prefix="private", **kwargs):
        kwargs.setdefault("upload_to", private_upload_to(prefix))
        kwargs.setdefault("max_length", 200)
        super().__init__(verbose_name, name, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PrivateFileField, **kwargs})


# --- Download -------------------------------------------------------------------------------


# Bidirectional controls and other invisible format characters (Unicode category Cf): "\u202e" makes
# "facture\u202efdp.exe" read "facture exe.pdf".
def _visible(text):
    return "".join(char for char in str(text) if unicodedata.category(char) not in {"Cf", "Cc"})


def content_disposition(filename, *, as_attachment=True):
    """RFC 6266: an ASCII `filename` fallback and, when needed, `filename*` in UTF-8 (RFC 5987)."""
    filename = _visible(" ".join(str(filename).replace("/", "_").replace("\\", "_").split())) or "document"
    disposition = "attachment" if as_attachment else "inline"
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = fallback.replace('"', "'").strip() or "document"
    header = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def _detected_extension(field_file):
    """The extension of the stored file's real type: its magic bytes when the storage is local, else its
    generated name's extension (PrivateUploadTo writes the detected type's), else "bin"."""
    name = field_file.name
    head = b""
    if settings.PRIVATE_FILES_SERVE == "stream":
        try:
            with field_file.storage.open(name, "rb") as stream:
                head = stream.read(16)
        except OSError:
            head = b""
    for magic, _content, extension in ALLOWED_KINDS.values():
        if head.startswith(magic):
            return extension
    if head:
        return "bin"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = {"jpeg": "jpg"}.get(extension, extension)
    return extension if extension in CONTENT_TYPES else "bin"


def download_filename(label, extension):
    """ "Livret de famille", "pdf" -> "livret-de-famille.pdf": a name made of the document's kind only."""
    stem = unicodedata.normalize("NFKD", _visible(label)).encode("ascii", "ignore").decode("ascii").lower()
    stem = "-".join("".join(char if char.isalnum() else " " for char in stem).split())[:80] or "document"
    return f"{stem}.{extension}"


def _secure(response, disposition):
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(request, field_file, *, label, as_attachment=True):
    """Serves a stored private file. Call it only after the view checked the user's permission.

    `label` names the document's kind ("Livret de famille", "justificatif"): the download is called
    `<label>.<extension of the detected type>`; the uploader's file name is never used.
    """
    name = field_file.name
    if not name:
        raise ValueError("private_file_response: the field has no file")
    extension = _detected_extension(field_file)
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    disposition = content_disposition(download_filename(label, extension), as_attachment=as_attachment)
    mode = settings.PRIVATE_FILES_SERVE
    response: HttpResponseBase
    if mode == "stream":
        response = FileResponse(field_file.storage.open(name, "rb"), content_type=content_type)
    elif mode == "accel":
        response = HttpResponse(content_type=content_type)
        prefix = settings.PRIVATE_FILES_ACCEL_PREFIX.rstrip("/") + "/"
        response["X-Accel-Redirect"] = prefix + quote(name.lstrip("/"), safe="/")
    elif mode == "s3":
        url = field_file.storage.url(
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
        )  # valid for the storage's querystring_expire (AWS_QUERYSTRING_EXPIRE, 60 s by default)
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"
    else:
        raise ImproperlyConfigured(f"PRIVATE_FILES_SERVE must be stream, accel or s3, not {mode!r}")
    return _secure(response, disposition)
