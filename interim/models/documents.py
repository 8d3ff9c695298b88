"""Payroll documents and the workers' requests for them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateModelFileField
from core.models import Decided

from ..enums import (
    DocumentKind,
    DocumentRequestState,
)
from .workers import Worker

# --- Payroll documents --------------------------------------------------------------------------


class Document(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("type"), max_length=12, choices=DocumentKind.choices)
    number = models.CharField(_("n°"), max_length=40)
    period = models.DateField(_("période"))
    file = PrivateModelFileField(_("document"), prefix="interim/documents")
    added_at = models.DateTimeField(_("date d'ajout"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        ordering = ["-period", "-pk"]
        indexes = [models.Index(fields=["worker", "kind", "-period"], name="interim_document_list")]
        constraints = [models.UniqueConstraint(fields=["worker", "kind", "number"], name="interim_document_number")]

    def __str__(self):
        return self.number


class DocumentRequest(Decided):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="document_requests")
    kind = models.CharField(
        _("document"),
        max_length=12,
        choices=[
            (DocumentKind.ATTESTATION, DocumentKind.ATTESTATION.label),
            (DocumentKind.CERTIFICATE, DocumentKind.CERTIFICATE.label),
        ],
    )
    message = models.TextField(_("précisions"), blank=True, max_length=1000)
    state = models.CharField(
        _("état"), max_length=10, choices=DocumentRequestState.choices, default=DocumentRequestState.PENDING
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande de document")
        ordering = ["-created_at", "-pk"]
