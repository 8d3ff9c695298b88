"""Espace Organismes: organismes' details, the applications catalogue, account and access requests,
rights (habilitations), newsletters, delegations.

UCANSS and the organismes are accounts.Organisation rows (kinds `ucanss` and `organisme`; an
organisme's code is `Organisation.code`, six digits); an organisme's correspondents are its
memberships of role `correspondent`. The right to use an application, and an app manager's right to
manage one, are django-guardian per-object grants (ApplicationUserPermission), written only by the
services from the decisions recorded here (a Right), so that `has_perm("habilitations.use_application",
app)` answers everywhere, the single sign-on included.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organisation, User
from core.models import Decided

from .enums import (
    TACIT_ACCEPTANCE_DAYS,
    AccessRequestState,
    AccountRequestState,
    Management,
    Newsletter,
    RightState,
)


class Organisme(models.Model):
    """The details of an organisme (its code and name are on its Organisation)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="organisme"
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    town = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")

    def __str__(self):
        return str(self.organisation)

    @property
    def caregiver_code(self):
        """The identifier of the organisme's "Aide aux aidants" account (004): its code followed by RH."""
        return f"{self.organisation.code}RH" if self.organisation.code else ""


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Application(models.Model):
    """A business application of UCANSS's offer, reached through single sign-on."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse de l’application"), blank=True)
    management = models.CharField(
        _("gestion des accès"), max_length=10, choices=Management.choices, default=Management.LOCAL
    )
    is_active = models.BooleanField(_("proposée"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)
    # Its OpenID Connect client (django-oauth-toolkit), registered by a central admin.
    oauth_client = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("client OpenID Connect"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="habilitations_application",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["position", "name"]
        permissions = [
            ("use_application", _("Utiliser l’application")),
            ("manage_application", _("Gérer les accès à l’application")),
        ]

    def __str__(self):
        return self.name

    @property
    def is_central(self):
        return self.management == Management.CENTRAL


class ApplicationUserPermission(UserObjectPermissionBase):
    """Guardian's per-object grants on applications, with a real foreign key (joins, no text ids)."""

    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("droit sur une application")
        verbose_name_plural = _("droits sur les applications")


class ApplicationGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("droit de groupe sur une application")
        verbose_name_plural = _("droits de groupe sur les applications")


class Profile(models.Model):
    """What the Espace Organismes knows of a user besides accounts.User: a contact e-mail, and whether
    the user is a director (agent de direction), whose details come from the directors' register."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="habilitations_profile")
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    is_director = models.BooleanField(_("agent de direction"), default=False)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    # Aide aux aidants accounts (004): the organisme's address, as the HR team typed it.
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    town = models.CharField(_("ville"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("profil Espace Organismes")
        verbose_name_plural = _("profils Espace Organismes")


class AccountRequest(Decided):
    """An anonymous request for an account of the Espace Organismes (003, 1)."""

    email = models.EmailField(_("e-mail professionnel"))
    civility = models.CharField(_("civilité"), max_length=3, choices=User.Civility.choices)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    birth_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    organisme = models.ForeignKey(
        Organisation, verbose_name=_("organisme"), on_delete=models.PROTECT, related_name="account_requests"
    )
    second_organisme = models.ForeignKey(
        Organisation,
        verbose_name=_("second organisme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("téléphone"), max_length=20)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=AccountRequestState.choices, default=AccountRequestState.PENDING
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    user = models.ForeignKey(
        User, verbose_name=_("compte"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demande de compte")
        verbose_name_plural = _("demandes de compte")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "organisme", "created_at"], name="habil_accreq_state")]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>"

    def get_absolute_url(self):
        return reverse("habilitations:account_request_detail", kwargs={"pk": self.pk})

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class AccessRequest(Decided):
    """A user's request to use one application, for one of their organismes (003, 2)."""

    user = models.ForeignKey(
        User, verbose_name=_("demandeur"), on_delete=models.CASCADE, related_name="access_requests"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="requests"
    )
    organisme = models.ForeignKey(
        Organisation, verbose_name=_("organisme"), on_delete=models.PROTECT, related_name="access_requests"
    )
    justification = models.TextField(_("justification"), blank=True, max_length=1000)
    state = models.CharField(
        _("état"), max_length=10, choices=AccessRequestState.choices, default=AccessRequestState.PENDING
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)

    class Meta:
        verbose_name = _("demande d’habilitation")
        verbose_name_plural = _("demandes d’habilitation")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="habil_accessreq_due"),
            models.Index(fields=["organisme", "state"], name="habil_accessreq_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application", "organisme"],
                condition=models.Q(state="pending"),
                name="habil_accessreq_one_pending",
                violation_error_message=_("Une demande pour cette application est déjà en attente."),
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.user}"

    def get_absolute_url(self):
        return reverse("habilitations:access_request_detail", kwargs={"pk": self.pk})

    @property
    def tacit_on(self):
        return self.created_at + timedelta(days=TACIT_ACCEPTANCE_DAYS)

    def days_left(self, now=None):
        """Calendar days (Europe/Paris) left before the day of the tacit acceptance (0: today or overdue): a
        page that shows them changes at midnight, not at the hour the request was made (core/fragments.py
        keeps a page for the day)."""
        return max(0, (timezone.localdate(self.tacit_on) - timezone.localdate(now)).days)


class Right(Decided):
    """A right (habilitation) to use one application for one organisme: granted by a validator, or
    tacitly (granted_by empty), revoked later with a reason (the decision stamp records the revocation)."""

    user = models.ForeignKey(User, verbose_name=_("titulaire"), on_delete=models.CASCADE, related_name="rights")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="rights"
    )
    organisme = models.ForeignKey(
        Organisation, verbose_name=_("organisme"), on_delete=models.PROTECT, related_name="rights"
    )
    request = models.OneToOneField(
        AccessRequest, verbose_name=_("demande"), null=True, blank=True, on_delete=models.SET_NULL, related_name="right"
    )
    granted_at = models.DateTimeField(_("depuis le"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, verbose_name=_("accordée par"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tacit = models.BooleanField(_("acceptée tacitement"), default=False)
    state = models.CharField(_("état"), max_length=10, choices=RightState.choices, default=RightState.ACTIVE)

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        ordering = ["application__position", "application__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application", "organisme"],
                condition=models.Q(state="active"),
                name="habil_right_one_active",
                violation_error_message=_("Cette personne détient déjà cette habilitation."),
            )
        ]
        indexes = [models.Index(fields=["application", "state"], name="habil_right_app")]

    def __str__(self):
        return f"{self.application} · {self.user}"

    def get_absolute_url(self):
        return reverse("habilitations:right_detail", kwargs={"pk": self.pk})


class Subscription(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="newsletter_subscriptions")
    newsletter = models.CharField(_("lettre d’information"), max_length=12, choices=Newsletter.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [models.UniqueConstraint(fields=["user", "newsletter"], name="habil_subscription_unique")]


class Delegation(models.Model):
    """A correspondent away leaves a delegate (another member of the organisme) to validate in their
    place between two dates: the delegate decides and receives the organisme's reminders meanwhile."""

    organisme = models.ForeignKey(
        Organisation, verbose_name=_("organisme"), on_delete=models.CASCADE, related_name="delegations"
    )
    absent = models.ForeignKey(User, verbose_name=_("correspondant absent"), on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(User, verbose_name=_("délégué"), on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("délégation")
        verbose_name_plural = _("délégations")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="habil_delegation_dates",
                violation_error_message=_("La fin de la délégation doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("delegate")),
                name="habil_delegation_not_self",
                violation_error_message=_("Choisissez une autre personne que vous-même."),
            ),
        ]

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class WebmasterMessage(models.Model):
    """A message to the webmaster, from the footer's contact form."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"))
    subject = models.CharField(_("objet"), max_length=150)
    text = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message au webmestre")
        verbose_name_plural = _("messages au webmestre")
        ordering = ["-created_at"]
