"""Identity and tenancy: users, organisations, memberships, and the credential lifecycle."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin

from core.models import Decided

from .enums import KIND_PARENT, KIND_ROLES, KIND_SPACE, ROLE_SPACE, OrganisationKind, Role, SecurityEventKind, Space

EMAIL_UNAVAILABLE = _(
    "Cette adresse e-mail ne peut pas être utilisée pour ce compte. Choisissez-en une autre, ou contactez "
    "l'administrateur de votre espace."
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, identifier):
        return self.get(identifier__iexact=identifier)

    def _create(self, identifier, password, **fields):
        if not identifier:
            raise ValueError("identifier is required")
        fields["email"] = self.normalize_email(fields.get("email", ""))
        user = self.model(identifier=identifier.strip(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, identifier, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(identifier, password, **fields)

    def create_superuser(self, identifier, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(identifier, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Civility(models.TextChoices):
        MME = "mme", _("Madame")
        M = "m", _("Monsieur")

    identifier = models.CharField(
        _("identifiant"),
        max_length=150,
        unique=True,
        help_text=_("Numéro de famille et initiales, login partenaire ou adresse e-mail, selon l'espace."),
    )
    email = models.EmailField(_("adresse e-mail"), blank=True)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    birth_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    must_change_password = models.BooleanField(_("doit changer son mot de passe"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("mot de passe changé le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "identifier"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        # Lists of people sorted by name (temp workers, agents, cooperators' logins): an index scan.
        indexes = [models.Index(fields=["last_name", "first_name"], name="accounts_user_name")]
        constraints = [
            models.UniqueConstraint(
                Lower("identifier"),
                name="accounts_user_identifier_ci_unique",
                violation_error_message=_("Cet identifiant est déjà utilisé."),
            ),
            # An e-mail signs in: one account per address, whatever the case (issue 9). The message
            # stays neutral: it must not tell a stranger that an account exists.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=EMAIL_UNAVAILABLE,
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.identifier

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.identifier

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)
        self.identifier = (self.identifier or "").strip()


class OrganisationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        from . import identity

        rows = super().update(**kwargs)
        identity.changed()  # every identity snapshot holds organisations (accounts/identity.py)
        return rows

    def active(self):
        return self.filter(is_active=True)

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)


class Organisation(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True, help_text=_("Code de l'organisme ou de la caisse."))
    parent = models.ForeignKey(
        "self", verbose_name=_("rattachée à"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~models.Q(code=""), name="accounts_organisation_kind_code_unique"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def space(self):
        return KIND_SPACE[self.kind]

    def clean(self):
        super().clean()
        parent_kind = KIND_PARENT.get(self.kind)
        if parent_kind and (self.parent is None or self.parent.kind != parent_kind):
            raise ValidationError(
                {
                    "parent": _("Une organisation de ce type doit être rattachée à : %(kind)s.")
                    % {"kind": parent_kind.label}
                }
            )
        if not parent_kind and self.parent_id:
            raise ValidationError({"parent": _("Ce type d'organisation n'est rattaché à aucune autre.")})


class MembershipQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Also makes the identity snapshots of the memberships' users stale (accounts/identity.py)."""
        from . import identity

        user_ids = set(self.values_list("user_id", flat=True))
        rows = super().update(**kwargs)
        identity.changed(user_ids)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        from . import identity

        created = super().bulk_create(objs, *args, **kwargs)
        identity.changed({obj.user_id for obj in created})
        return created

    def active(self):
        return self.filter(is_active=True, user__is_active=True, organisation__is_active=True)

    def in_space(self, space):
        kinds = [kind for kind, kind_space in KIND_SPACE.items() if kind_space == space]
        return self.filter(organisation__kind__in=kinds)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    is_admin = models.BooleanField(_("administrateur"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("depuis le"), default=timezone.now)
    # The organisation switcher remembers the user's choice across sessions.
    last_selected_at = models.DateTimeField(_("choisie le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifiée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="accounts_membership_user_organisation_unique",
                violation_error_message=_("Cet utilisateur appartient déjà à cette organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="accounts_membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def space(self):
        return ROLE_SPACE[self.role]

    def clean(self):
        super().clean()
        if self.organisation_id and self.role not in KIND_ROLES[self.organisation.kind]:
            raise ValidationError({"role": _("Ce rôle n'existe pas pour ce type d'organisation.")})


class TemporaryPassword(models.Model):
    """A random, single-use password whose hash alone is stored; it forces a change at login."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_passwords")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mot de passe temporaire")
        verbose_name_plural = _("mots de passe temporaires")
        indexes = [models.Index(fields=["expires_at"], name="accounts_tmppwd_expires")]

    @property
    def is_usable(self):
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ConsentText(models.Model):
    space = models.CharField(_("espace"), max_length=20, choices=Space.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        ordering = ["space", "-version"]
        constraints = [models.UniqueConstraint(fields=["space", "version"], name="accounts_consent_space_version")]

    def __str__(self):
        return f"{self.get_space_display()} v{self.version}"


class ConsentAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    health_data = models.BooleanField(_("consentement aux données de santé"), default=False)
    # Withdrawn by the user (accounts:consent_withdraw): the space asks for it again before use.
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptation")
        verbose_name_plural = _("acceptations")
        constraints = [models.UniqueConstraint(fields=["user", "text"], name="accounts_consent_user_text")]


class SecurityEvent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("événement"), max_length=32, choices=SecurityEventKind.choices)
    identifier = models.CharField(_("identifiant saisi"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="accounts_secevt_user"),
            models.Index(fields=["organisation", "-created_at"], name="accounts_secevt_org"),
        ]


class ErasureRequest(Decided):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        DONE = "done", _("Effectuée")
        REFUSED = "refused", _("Refusée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="erasure_requests"
    )
    user_label = models.CharField(max_length=300, blank=True)
    space = models.CharField(_("espace"), max_length=20, choices=Space.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    # The organisations whose admins process it: the person's own in the space, and those the space
    # declares (core.spaces erasure_organisations), fixed when the request is made.
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="erasure_requests"
    )
    # Said to the person when they ask: erasing for this space anonymises the whole account.
    whole_account = models.BooleanField(_("efface tout le compte"), default=False)
    # What was kept for legal reasons, as told to the person (the spaces' plain sentences).
    kept = models.TextField(_("conservé"), blank=True)

    class Meta:
        verbose_name = _("demande d'effacement")
        verbose_name_plural = _("demandes d'effacement")
        ordering = ["-requested_at"]


SMS_CHALLENGE_EVENT = "accounts.otp_sms"


class SmsDevice(ThrottlingMixin, CooldownMixin, SideChannelDevice):
    """A django-otp device that sends its code by SMS (interim contract signature)."""

    phone = models.CharField(_("téléphone mobile"), max_length=20)

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("appareil SMS")
        verbose_name_plural = _("appareils SMS")

    def get_throttle_factor(self):
        return getattr(settings, "OTP_SMS_THROTTLE_FACTOR", 1)

    def get_cooldown_duration(self):
        return getattr(settings, "OTP_SMS_COOLDOWN_SECONDS", 60)

    def generate_challenge(self, extra_context=None):
        # Through core.notifications like every SMS: sent by Celery once the code is committed,
        # never when the caller's transaction rolls back, retried if the gateway fails.
        from core.notifications import send_sms_message

        self.cooldown_set(commit=False)
        self.generate_token(valid_secs=getattr(settings, "OTP_SMS_TOKEN_VALIDITY", 300))
        message = _("Votre code Guichet : %(token)s. Il expire dans 5 minutes.") % {"token": self.token}
        send_sms_message(to=self.phone, body=str(message), user=self.user, event=SMS_CHALLENGE_EVENT)
        return _("Un code a été envoyé par SMS.")

    def verify_token(self, token):
        verify_allowed, _errors = self.verify_is_allowed()
        if not verify_allowed:
            return False
        verified = super().verify_token(token)
        if verified:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return verified


class UserSession(models.Model):
    """Which sessions belong to which user, so that they can all be ended (account disabled, password changed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Shown on the user's list of their sessions (accounts:sessions).
    ip_address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
