"""GDPR consent: versioned texts per space, acceptances recorded with version, time and address.

consent_text_publish(*, space, title, body)   -> the next version of the space's text
consent_pending(user, memberships=None)       -> current texts of the user's spaces not yet accepted
consent_accept(*, user, texts, health_data, request)
requires_health_consent(user, texts)          -> the Aide aux aidants box is mandatory (habilitations, 123456RH)
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..enums import SecurityEventKind, Space
from ..models import ConsentAcceptance, ConsentText
from .security_log import client_ip, log_event

# "Aide aux aidants" accounts of an organisme: the 6-digit organisme code followed by RH (004).
CAREGIVER_IDENTIFIER = re.compile(r"^\d{6}RH$", re.IGNORECASE)


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
    return list(current_texts(spaces).exclude(acceptances__user=user).order_by("space"))


def is_caregiver_account(user):
    return bool(CAREGIVER_IDENTIFIER.match((user.identifier or "").strip()))


def requires_health_consent(user, texts):
    """The explicit health-data box: habilitations "Aide aux aidants" accounts (identifier 123456RH)."""
    return is_caregiver_account(user) and any(t.space == Space.HABILITATIONS for t in texts)


@transaction.atomic
def consent_accept(*, user, texts, health_data=False, request=None):
    """Records the acceptance of each text (version, time, address), and the health-data consent."""
    if requires_health_consent(user, texts) and not health_data:
        raise ValueError("the health-data consent is mandatory for this account")
    now = timezone.now()
    address = client_ip(request)
    accepted = []
    for text in texts:
        with_health = health_data and text.space == Space.HABILITATIONS
        acceptance, created = ConsentAcceptance.objects.get_or_create(
            user=user,
            text=text,
            defaults={"accepted_at": now, "ip_address": address, "health_data": with_health},
        )
        if created:
            log_event(
                SecurityEventKind.CONSENT_ACCEPTED,
                user=user,
                request=request,
                space=text.space,
                version=text.version,
                health_data=with_health,
            )
        accepted.append(acceptance)
    return accepted
