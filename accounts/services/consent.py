"""GDPR consent: versioned texts per space, acceptances recorded with version, time and address.

consent_text_publish(*, space, title, body)   -> the next version of the space's text
consent_pending(user, memberships=None)       -> current texts of the user's spaces not yet accepted
consent_accept(*, user, texts, health_data, request)
consent_extras_for(user, texts)               -> the extra boxes the texts' spaces declare for this user
                                                 (core.spaces ConsentExtra: the Aide aux aidants health-data box)
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from core import spaces as space_registry

from ..enums import SecurityEventKind
from ..models import ConsentAcceptance, ConsentText
from .security_log import client_ip, log_event


def consent_text_publish(*, space, title, body):
    """Publishes a new version of the consent text of `space`: every user of the space accepts it again."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = ConsentText.objects.filter(space=space).order_by("-version").values_list("version", flat=True)
                version = (latest.first() or 0) + 1
                return ConsentText.objects.create(
                    space=space, version=version, title=title, body=body, published_at=timezone.now()
                )
        except IntegrityError:  # two publications at once: take the next number
            continue
    raise RuntimeError("could not publish the consent text")


def current_texts(spaces):
    """The latest version of the consent text of each space (one query)."""
    latest = ConsentText.objects.filter(space=OuterRef("space")).order_by("-version").values("pk")[:1]
    return ConsentText.objects.filter(space__in=list(spaces), pk=Subquery(latest))


def user_spaces(memberships):
    return sorted({m.space for m in memberships})


def consent_pending(user, memberships=None):
    """The current texts of the user's spaces (active memberships) that the user has not accepted yet."""
    if memberships is None:
        from ..perms import active_memberships

        memberships = active_memberships(user)
    spaces = user_spaces(memberships)
    if not spaces:
        return []
    accepted = ConsentAcceptance.objects.filter(text=OuterRef("pk"), user=user, withdrawn_at__isnull=True)
    return list(current_texts(spaces).exclude(Exists(accepted)).order_by("space"))


def consent_extras_for(user, texts):
    """[(text, extra)]: the extra boxes (core.spaces ConsentExtra) the user must tick for these texts."""
    extras = []
    for text in texts:
        declaration = space_registry.find(text.space)
        for extra in declaration.consent_extras if declaration else ():
            if extra.applies_to(user):
                extras.append((text, extra))
    return extras


@transaction.atomic
def consent_accept(*, user, texts, extras=(), request=None):
    """Records the acceptance of each text (version, time, address) and of its extra boxes; `extras` are
    the `ConsentExtra.field` names the user ticked (every box that applies is mandatory)."""
    required = consent_extras_for(user, texts)
    missing = [extra.field for _text, extra in required if extra.field not in extras]
    if missing:
        raise ValueError(f"mandatory consent boxes not ticked: {missing}")
    now = timezone.now()
    address = client_ip(request)
    accepted = []
    for text in texts:
        ticked = {extra.field: True for box_text, extra in required if box_text == text}
        acceptance, created = ConsentAcceptance.objects.get_or_create(
            user=user,
            text=text,
            defaults={"accepted_at": now, "ip_address": address, **ticked},
        )
        if not created and acceptance.withdrawn_at is not None:  # accepted again after a withdrawal
            for field, value in {"accepted_at": now, "ip_address": address, "withdrawn_at": None, **ticked}.items():
                setattr(acceptance, field, value)
            acceptance.save()
            created = True
        if created:
            log_event(
                SecurityEventKind.CONSENT_ACCEPTED,
                user=user,
                request=request,
                space=text.space,
                version=text.version,
                **ticked,
            )
        accepted.append(acceptance)
    return accepted


def consents_in_force(user):
    """The user's acceptances not withdrawn, newest first."""
    return (
        ConsentAcceptance.objects.filter(user=user, withdrawn_at__isnull=True)
        .select_related("text")
        .order_by("-accepted_at", "-pk")
    )


@transaction.atomic
def consent_withdraw(*, user, acceptance, request=None):
    """Withdraws a consent: the space asks for it again before the user can use it (data are not erased
    by this: that is an erasure request)."""
    acceptance = ConsentAcceptance.objects.select_for_update().get(pk=acceptance.pk, user=user)
    if acceptance.withdrawn_at is None:
        acceptance.withdrawn_at = timezone.now()
        acceptance.save(update_fields=["withdrawn_at"])
        log_event(
            SecurityEventKind.CONSENT_WITHDRAWN,
            user=user,
            request=request,
            space=acceptance.text.space,
            version=acceptance.text.version,
        )
    return acceptance


def publishable_spaces(user):
    """The spaces whose consent text `user` may publish (rule accounts.publish_consent)."""
    return [d.key for d in space_registry.all_spaces() if user.has_perm("accounts.publish_consent", d.key)]
