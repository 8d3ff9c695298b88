"""Documents uploaded in bulk (payslips, attestations, certificates): a batch, its files matched to
workers by the name (`<worker number>_<YYYYMMDD>`), a report, then one publication."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateModelFileField
from core.models import Decided

from ..enums import BatchItemState, BatchState, DocumentKind
from .agency import Agency
from .documents import Document
from .workers import Worker


class DocumentBatch(Decided):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="document_batches")
    kind = models.CharField(_("type de document"), max_length=12, choices=DocumentKind.choices)
    state = models.CharField(_("état"), max_length=12, choices=BatchState.choices, default=BatchState.ANALYSING)
    archive = PrivateModelFileField(_("archive ZIP"), prefix="interim/batches", blank=True)
    total = models.PositiveIntegerField(_("fichiers"), default=0)
    processed = models.PositiveIntegerField(_("fichiers analysés"), default=0)
    published = models.PositiveIntegerField(_("documents publiés"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dépôt de documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def percent(self):
        return int(100 * self.processed / self.total) if self.total else (100 if self.state != "analysing" else 0)


class DocumentBatchItem(models.Model):
    batch = models.ForeignKey(DocumentBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    filename = models.CharField(_("fichier"), max_length=255)
    state = models.CharField(_("état"), max_length=10, choices=BatchItemState.choices)
    message = models.CharField(_("remarque"), max_length=300, blank=True)
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("n°"), max_length=40, blank=True)
    period = models.DateField(_("période"), null=True, blank=True)
    file = PrivateModelFileField(_("document"), prefix="interim/batches", blank=True)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="batch_item"
    )

    class Meta:
        verbose_name = _("fichier d'un dépôt")
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="interim_batch_item_position")]
        indexes = [models.Index(fields=["batch", "state"], name="interim_batch_item_state")]

    def __str__(self):
        return self.filename

    @property
    def agency_id(self):
        """The batch's agency (the permission rules read it: an unmatched file has no worker)."""
        return self.batch.agency_id
