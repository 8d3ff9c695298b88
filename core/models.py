"""Cross-cutting records: history of transitions, outgoing messages, notification preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Transition(models.Model):
    """One change of state of any object: who, when, from, to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("de"), max_length=40, blank=True)
    to_state = models.CharField(_("à"), max_length=40)
    reason = models.TextField(_("motif"), blank=True)
    action = models.CharField(_("action"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        db_table = "portal_transition"  # created by the portal app before the core existed
        verbose_name = _("transition")
        verbose_name_plural = _("historique")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="portal_transition_subject")]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"


class Decided(models.Model):
    """The one decision stamp of a workflow's object: who decided, when, and why (written by core.workflows)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        abstract = True


class OutboundMessage(models.Model):
    """An e-mail or SMS written in the sender's transaction and delivered by a task after commit."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    event = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages_received"
    )
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # Rendered at delivery (core.notifications, events declared render_at_delivery): the templates'
    # name and the context captured when the event happened; subject and bodies are empty until then.
    template = models.CharField(max_length=100, blank=True)
    context = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Last time the sweep (deliver_pending_messages) enqueued it: a backlog is enqueued once, not every sweep.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "portal_outboundmessage"  # created by the portal app before the core existed
        verbose_name = _("message sortant")
        verbose_name_plural = _("messages sortants")
        indexes = [models.Index(fields=["status", "created_at"], name="portal_outbound_status")]


class NotificationPreference(models.Model):
    """A user's choice for one event type of the registry (absent row = the event's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "portal_notificationpreference"  # created by the portal app before the core existed
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="portal_notifpref_user_event")]


class JobRun(models.Model):
    """One run of a timed job, so that users and admins can see the jobs happen."""

    class Status(models.TextChoices):
        RUNNING = "running", _("En cours")
        OK = "ok", _("Réussie")
        FAILED = "failed", _("Échec")
        INTERRUPTED = "interrupted", _("Interrompue")

    name = models.CharField(_("tâche"), max_length=80)
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    ok = models.BooleanField(_("réussie"), default=False)
    status = models.CharField(_("état"), max_length=11, choices=Status.choices, default=Status.RUNNING)
    # started_at + the task's hard time limit: a run still "running" after it was killed (interrupted).
    deadline = models.DateTimeField(_("limite"), null=True, blank=True)
    summary = models.CharField(_("résultat"), max_length=255, blank=True)

    class Meta:
        db_table = "portal_jobrun"  # created by the portal app before the core existed
        verbose_name = _("exécution de tâche")
        verbose_name_plural = _("exécutions de tâches")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["name", "-started_at"], name="portal_jobrun_name"),
            models.Index(fields=["status", "-started_at"], name="core_jobrun_status"),
        ]

    def save(self, *args, **kwargs):
        if self.ok and self.status == self.Status.RUNNING:  # `ok` set alone (older code, tests): the status follows
            self.status = self.Status.OK
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "status"}
        super().save(*args, **kwargs)

    @property
    def shown_status(self):
        """The status to show: a run still "running" past its deadline was interrupted (killed, lost)."""
        if self.status == self.Status.RUNNING and self.deadline and self.deadline < timezone.now():
            return self.Status.INTERRUPTED
        return self.status


class FileDeletion(models.Model):
    """A stored file to delete, written in the transaction that deleted its row (core.deletions).

    Deleted by an idempotent, retried task after commit, and swept by a job: a worker killed after the
    commit, or a storage that is down, leaves the row here and the file is deleted later, never stranded.
    """

    storage = models.CharField(max_length=40, default="default")
    name = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("fichier à supprimer")
        verbose_name_plural = _("fichiers à supprimer")
        indexes = [models.Index(fields=["created_at"], name="core_filedeletion_created")]

    def __str__(self):
        return self.name
