"""Contract documents and their signature: the document's hash, the append-only hash-chained audit
trail, the SMS code (a django-otp side-channel device bound to the contract and the document's
SHA-256), the certificate page, the PAdES seal and the evidence file."""

import asyncio
import concurrent.futures
import datetime
import hashlib
import io
import ipaddress
import json
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import TransitionNotAllowed

from .enums import AuditEvent, ContractState
from .models import Contract, ContractAuditEntry, ContractSignDevice

GENESIS = "0" * 64


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def set_document(contract: Contract, data: bytes, *, save=True):
    """Attaches the contract's PDF and its SHA-256 (computed before anyone reads it)."""
    contract.document.save(f"contrat-{contract.reference}.pdf", ContentFile(data), save=False)
    contract.document_sha256 = sha256(data)
    if save:
        contract.save(update_fields=["document", "document_sha256"])
    return contract


def client_address(request):
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def user_agent(request):
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300]


@transaction.atomic
def audit_append(contract, event, *, actor=None, request=None, data=None, at=None) -> ContractAuditEntry:
    """Appends one entry to the contract's trail, chained to the last one (the contract row is locked)."""
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    last = ContractAuditEntry.objects.filter(contract=contract).order_by("-position").first()
    entry = ContractAuditEntry(
        contract=contract,
        position=(last.position + 1) if last else 1,
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        ip_address=client_address(request),
        user_agent=user_agent(request),
        data=data or {},
        previous_hash=last.hash if last else GENESIS,
    )
    if at is not None:
        entry.at = at
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


def audit_append_many(contracts, event, *, at, data=None) -> list[ContractAuditEntry]:
    """One entry per contract, chained to each one's last entry, in two queries (a timed step's batch:
    the contract rows are already locked by the caller)."""
    from django.db.models import OuterRef, Subquery

    pks = [contract.pk for contract in contracts]
    newest = ContractAuditEntry.objects.filter(contract_id=OuterRef("contract_id")).order_by("-position")
    last = {
        entry.contract_id: entry
        for entry in ContractAuditEntry.objects.filter(
            contract_id__in=pks, position=Subquery(newest.values("position")[:1])
        ).only("contract_id", "position", "hash")
    }
    entries = []
    for contract in contracts:
        previous = last.get(contract.pk)
        entry = ContractAuditEntry(
            contract=contract,
            position=(previous.position + 1) if previous else 1,
            event=event,
            at=at,
            data=data or {},
            previous_hash=previous.hash if previous else GENESIS,
        )
        entry.hash = entry.compute_hash()
        entries.append(entry)
    return ContractAuditEntry.objects.bulk_create(entries)


def audit_problems(contract) -> list[str]:
    """What breaks the contract's chain (an edited, removed or inserted entry); [] when intact."""
    problems = []
    previous = GENESIS
    for expected, entry in enumerate(ContractAuditEntry.objects.filter(contract=contract).order_by("position"), 1):
        if entry.position != expected:
            problems.append(f"entrée {expected} manquante")
        if entry.previous_hash != previous:
            problems.append(f"entrée {entry.position} : chaînage rompu")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entrée {entry.position} : contenu modifié")
        previous = entry.hash
    return problems


# --- The SMS code ---------------------------------------------------------------------------------

CODE_VALIDITY_SECONDS = 600
MAX_ATTEMPTS = 5


def _setting(name, default):
    return getattr(settings, name, default)


def _phone_end(phone):
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-2:]


def code_send(*, contract_id, scope, user, request=None) -> "ContractSignDevice":
    """Sends a 6-digit code to the worker's mobile, bound to this contract and its document's hash."""
    from core.notifications import send_sms_message
    from core.sms.phone import InvalidPhoneNumber, normalize_phone

    with transaction.atomic():
        contract = scope.select_for_update(of=("self",)).get(pk=contract_id)
        if contract.state != ContractState.TO_SIGN:
            raise TransitionNotAllowed(
                current=contract.state, allowed=[ContractState.TO_SIGN], current_label=contract.get_state_display()
            )
        _check_deadline(contract)
        try:
            phone = normalize_phone(user.phone)
        except InvalidPhoneNumber:
            raise ValidationError(
                _("Aucun numéro de mobile valide sur votre compte : ajoutez-le dans votre profil pour signer.")
            ) from None
        now = timezone.now()
        sent = ContractAuditEntry.objects.filter(actor=user, event=AuditEvent.CODE_SENT)
        if sent.filter(at__gte=now - datetime.timedelta(hours=1)).count() >= _setting(
            "INTERIM_SIGNATURE_MAX_PER_HOUR", 5
        ):
            raise ValidationError(_("Trop de codes demandés dans l’heure : réessayez plus tard."), code="hour_cap")
        if sent.filter(at__gte=now - datetime.timedelta(days=1)).count() >= _setting(
            "INTERIM_SIGNATURE_MAX_PER_DAY", 10
        ):
            raise ValidationError(_("Trop de codes demandés aujourd’hui : réessayez demain."), code="day_cap")
        device, _created = ContractSignDevice.objects.select_for_update().get_or_create(
            contract=contract, user=user, defaults={"name": f"Contrat {contract.reference}", "phone": phone}
        )
        allowed, details = device.generate_is_allowed()
        if not allowed and details and "next_generation_at" in details:
            wait = int((details["next_generation_at"] - now).total_seconds()) + 1
            raise ValidationError(
                _("Un code vient d’être envoyé : attendez %(seconds)s secondes avant d’en demander un autre.")
                % {"seconds": max(wait, 1)},
                code="cooldown",
            )
        device.phone = phone
        device.document_sha256 = contract.document_sha256
        device.failures = 0
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.cooldown_set(commit=False)
        device.generate_token(valid_secs=CODE_VALIDITY_SECONDS, commit=False)
        device.save()
        send_sms_message(
            to=phone,
            body=str(
                _(
                    "Guichet : code de signature du contrat %(ref)s : %(token)s. "
                    "Valable 10 minutes. Ne le communiquez à personne."
                )
                % {"ref": contract.reference, "token": device.token}
            ),
            user=user,
            event="interim.signature_code",
        )
        audit_append(
            contract,
            AuditEvent.CODE_SENT,
            actor=user,
            request=request,
            data={"phone_end": _phone_end(phone), "document_sha256": contract.document_sha256},
        )
    return device


def contract_sign(*, contract_id, scope, user, code, consent, request=None) -> Contract:
    """Signs the contract with the SMS code: the row is locked, the code checked against this contract
    and this document; then the certificate page, the seal and the evidence file. A wrong code is
    counted (and written) before it is refused."""
    with transaction.atomic():
        outcome = _sign_locked(
            contract_id=contract_id, scope=scope, user=user, code=code, consent=consent, request=request
        )
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


def _check_deadline(contract, now=None):
    """Past `sign_before`, nothing is signed, even before the expiry job has turned the contract grey."""
    if contract.sign_before is not None and contract.sign_before <= (now or timezone.now()):
        raise ValidationError(
            _("Le délai de signature de ce contrat est dépassé : contactez votre agence."), code="deadline"
        )


def _code_error(message, code):
    return ValidationError({"code": [ValidationError(message, code=code)]})


def _sign_locked(*, contract_id, scope, user, code, consent, request):
    from .workflows import CONTRACT

    contract = scope.select_for_update(of=("self",)).get(pk=contract_id)
    if contract.state != ContractState.TO_SIGN:
        raise TransitionNotAllowed(
            current=contract.state, allowed=[ContractState.TO_SIGN], current_label=contract.get_state_display()
        )
    _check_deadline(contract)
    device = ContractSignDevice.objects.select_for_update().filter(contract=contract, user=user).first()
    if device is None or not device.token:
        raise _code_error(_("Demandez d’abord un code : cliquez sur « Recevoir le code par SMS »."), "no_code")
    with contract.document.open("rb") as handle:
        current_hash = sha256(handle.read())
    if device.document_sha256 != contract.document_sha256 or current_hash != contract.document_sha256:
        raise _code_error(
            _("Le contrat a changé depuis l’envoi du code : demandez un nouveau code."), "document_changed"
        )
    if device.failures >= MAX_ATTEMPTS:
        return _code_error(_("Trop d’essais : ce code n’est plus valable, demandez-en un nouveau."), "attempts")
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _code_error(_("Trop d’essais rapprochés : patientez quelques secondes avant de réessayer."), "throttled")
    if device.valid_until is not None and device.valid_until < timezone.now():
        return _code_error(_("Ce code a expiré (10 minutes) : demandez-en un nouveau."), "expired")
    if not device.verify_token(code):
        device.refresh_from_db()
        device.failures += 1
        device.throttle_increment(commit=False)
        if device.failures >= MAX_ATTEMPTS:
            device.token = None
        device.save()
        audit_append(contract, AuditEvent.CODE_FAILED, actor=user, request=request, data={"attempt": device.failures})
        left = MAX_ATTEMPTS - device.failures
        if left <= 0:
            return _code_error(_("Code incorrect. Trop d’essais : demandez un nouveau code."), "attempts")
        return _code_error(_("Code incorrect. Il vous reste %(left)s essai(s).") % {"left": left}, "wrong_code")
    device.throttle_reset(commit=False)
    device.failures = 0
    device.save()
    contract = CONTRACT.run("sign", contract.pk, actor=user, scope=scope)
    signed = audit_append(
        contract,
        AuditEvent.SIGNED,
        actor=user,
        request=request,
        at=contract.signed_at,
        data={
            "document_sha256": contract.document_sha256,
            "consent": str(consent),
            "method": "sms_otp",
            "phone_end": _phone_end(device.phone),
        },
    )
    _seal(contract, signed)
    return contract


# --- Certificate page, seal, evidence ------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def verification_url(contract):
    base = getattr(settings, "INTERIM_PUBLIC_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + reverse("interim:verify") + f"?code={contract.verification_code}"


def certificate_pdf(contract, signed_entry) -> bytes:
    """The certificate page, in French, readable on paper."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    worker = contract.worker
    local = timezone.localtime(signed_entry.at, PARIS)
    offset = local.strftime("%z")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Certificat de signature — contrat {contract.reference}")
    width, height = A4
    x, y = 20 * mm, height - 25 * mm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(x, y, "Certificat de signature électronique")
    y -= 8 * mm
    pdf.setFont("Helvetica", 10)
    data = signed_entry.data
    lines = [
        ("Contrat", f"Contrat de mission n° {contract.reference} — {contract.agency}"),
        ("Signé par", f"{worker.user.get_full_name()}, intérimaire n° {worker.number}"),
        ("Le", f"{local:%d/%m/%Y} à {local:%H:%M:%S} (heure de Paris, UTC{offset[:3]}:{offset[3:]})"),
        ("Comment", f"code à usage unique envoyé par SMS au numéro se terminant par ..{data.get('phone_end', '')},"),
        ("", "code saisi par le signataire et vérifié par Guichet (valable 10 minutes, usage unique)."),
        ("Consentement", "« " + data.get("consent", "") + " »"),
        ("Document signé", "empreinte SHA-256 du contrat présenté au signataire :"),
        ("", data.get("document_sha256", "")[:32]),
        ("", data.get("document_sha256", "")[32:]),
        ("Adresse IP", signed_entry.ip_address or "inconnue"),
        ("Navigateur", (signed_entry.user_agent or "inconnu")[:90]),
        ("Journal", f"entrée n° {signed_entry.position}, empreinte {signed_entry.hash[:32]}…"),
        ("Vérification", f"code {contract.verification_code}"),
        ("", verification_url(contract)),
    ]
    for label, value in lines:
        y -= 6.5 * mm
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(x, y, label)
        pdf.setFont("Helvetica", 10)
        text = value
        while len(text) > 85:
            pdf.drawString(x + 35 * mm, y, text[:85])
            text = text[85:]
            y -= 5 * mm
        pdf.drawString(x + 35 * mm, y, text)
    widget = QrCodeWidget(verification_url(contract))
    bounds = widget.getBounds()
    size = 40 * mm
    drawing = Drawing(
        size, size, transform=[size / (bounds[2] - bounds[0]), 0, 0, size / (bounds[3] - bounds[1]), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y - size - 8 * mm)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(x + size + 5 * mm, y - 20 * mm, "Déposez ce PDF ou saisissez le code sur la page de vérification :")
    pdf.drawString(x + size + 5 * mm, y - 25 * mm, "le document est-il l'original scellé, signé par qui et quand.")
    pdf.drawString(x, 15 * mm, "Le document complet est scellé électroniquement (PAdES) par le certificat de l'agence.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _with_certificate(document: bytes, certificate: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(document)))
    writer.append(PdfReader(io.BytesIO(certificate)))
    writer.add_metadata({"/Title": "Contrat de mission signé", "/Producer": "Guichet"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _seal(contract, signed_entry):
    with contract.document.open("rb") as handle:
        document = handle.read()
    certificate = certificate_pdf(contract, signed_entry)
    sealed = seal_pdf(
        _with_certificate(document, certificate), reason=f"Contrat {contract.reference} signé par code SMS"
    )
    contract.signed_document.save(f"contrat-{contract.reference}-signe.pdf", ContentFile(sealed), save=False)
    contract.signed_sha256 = sha256(sealed)
    contract.save(update_fields=["signed_document", "signed_sha256"])
    audit_append(contract, AuditEvent.SEALED, data={"signed_sha256": contract.signed_sha256})
    contract.evidence.save(f"preuve-{contract.reference}.json", ContentFile(evidence_json(contract)), save=False)
    contract.save(update_fields=["evidence"])


def evidence_json(contract) -> bytes:
    entries = ContractAuditEntry.objects.filter(contract=contract).order_by("position")
    payload = {
        "contrat": contract.reference,
        "agence": str(contract.agency),
        "intérimaire": {"nom": contract.worker.user.get_full_name(), "numéro": contract.worker.number},
        "document_sha256": contract.document_sha256,
        "document_signé_sha256": contract.signed_sha256,
        "code_de_vérification": contract.verification_code,
        "journal_intègre": not audit_problems(contract),
        "événements": [
            {**entry.payload(), "hash": entry.hash, "libellé": entry.get_event_display()} for entry in entries
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode()


# --- The agency's seal (PAdES, pyHanko) ---------------------------------------------------------


def seal_files():
    """(key, certificate, chain) files of the agency's signing certificate.

    Set INTERIM_SEAL_KEY_FILE and INTERIM_SEAL_CERT_FILE (PEM; INTERIM_SEAL_KEY_PASSPHRASE and
    INTERIM_SEAL_CHAIN_FILES if needed) for a real one; otherwise a self-signed development
    certificate is generated on first use in var/signing/.
    """
    key_file = getattr(settings, "INTERIM_SEAL_KEY_FILE", "")
    cert_file = getattr(settings, "INTERIM_SEAL_CERT_FILE", "")
    if key_file and cert_file:
        return key_file, cert_file, tuple(getattr(settings, "INTERIM_SEAL_CHAIN_FILES", ()))
    folder = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "signing"
    if not (folder / "seal-cert.pem").exists():
        _generate_dev_certificate(folder)
    return str(folder / "seal-key.pem"), str(folder / "seal-cert.pem"), ()


def _generate_dev_certificate(folder: Path):
    """A self-signed RSA certificate for development and the demo; written whole or not at all."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Guichet (développement)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Cachet de développement Guichet"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="signing-", dir=folder.parent))
    (staging / "seal-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (staging / "seal-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        staging.rename(folder)  # atomic: another process that got there first wins
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def seal_pdf(data: bytes, *, reason="") -> bytes:
    """Seals a PDF with a PAdES signature (B-B, or B-T with INTERIM_SEAL_TSA_URL) by the agency's certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    key_file, cert_file, chain = seal_files()
    passphrase = getattr(settings, "INTERIM_SEAL_KEY_PASSPHRASE", "") or None
    signer = signers.SimpleSigner.load(
        key_file, cert_file, ca_chain_files=chain, key_passphrase=passphrase.encode() if passphrase else None
    )
    tsa_url = getattr(settings, "INTERIM_SEAL_TSA_URL", "")
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name="CachetGuichet",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or "Contrat signé",
        location="France",
    )

    def sign():
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    # pyHanko's sync API runs its own event loop: from a thread that already has one (ASGI, a
    # browser test's driver), sign in a worker thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


def seal_certificate_pem() -> bytes:
    return Path(seal_files()[1]).read_bytes()


def contract_send(*, contract_id, scope, actor, request=None) -> Contract:
    """The agency sends a contract to sign: the step (the worker is told, per their switch) and its trail.
    A contract whose signing deadline passed is sent again the same way, with a new deadline.

    The worker has INTERIM_SIGNATURE_DEADLINE_HOURS (48 h by default) to sign; past it the contract
    turns "Délai de signature dépassé" (the timed step "expire", run by expire_unsigned_contracts)."""
    from .workflows import CONTRACT

    with transaction.atomic():
        current = scope.filter(pk=contract_id).values_list("sign_before", flat=True).first()
        now = timezone.now()
        updates = {}
        if current is None or current <= now:  # a deadline still ahead (set by the agency) is kept
            updates["sign_before"] = now + datetime.timedelta(hours=_setting("INTERIM_SIGNATURE_DEADLINE_HOURS", 48))
        contract = CONTRACT.run("send", contract_id, actor=actor, scope=scope, updates=updates)
        audit_append(
            contract, AuditEvent.SENT, actor=actor, request=request, data={"document_sha256": contract.document_sha256}
        )
    return contract


def contract_cancel(*, contract_id, scope, actor, reason, request=None) -> Contract:
    """The agency cancels a contract not signed (awaiting, to sign, or past its deadline): the step (the
    worker is told, with the reason) and its trail. A signed contract is not cancelled: its dates change."""
    from .workflows import CONTRACT

    with transaction.atomic():
        contract = CONTRACT.run("cancel", contract_id, actor=actor, scope=scope, reason=reason)
        audit_append(contract, AuditEvent.CANCELLED, actor=actor, request=request, data={"reason": reason})
    return contract


def audit_expired(contracts, *, now):
    """The timed step "expire" (a batch of contracts, in its transaction): one trail entry each."""
    audit_append_many(contracts, AuditEvent.EXPIRED, at=now)
