"""Routes of the Espace Organismes for the isolation harness (tests/isolation.py).

tests/habilitations/test_views.py has the per-role matrix.
"""

from tests.isolation import PUBLIC, TECHNICAL, Owned, Restricted

from .factories import AccessRequestFactory, AccountRequestFactory, DelegationFactory, RightFactory

SPACE = frozenset({"ucanss_admin", "app_manager", "correspondent", "organisme_user"})
ORGANISME = frozenset({"correspondent", "organisme_user"})
VALIDATORS = frozenset({"correspondent", "app_manager", "ucanss_admin"})


def access_request(membership):
    return {"pk": AccessRequestFactory(organisme=membership.organisation).pk}


def right(membership):
    return {"pk": RightFactory(organisme=membership.organisation).pk}


def account_request(membership):
    return {"pk": AccountRequestFactory(organisme=membership.organisation).pk}


def own_access_request(membership):
    return {"pk": AccessRequestFactory(user=membership.user, organisme=membership.organisation).pk}


def delegation(membership):
    return {"pk": DelegationFactory(absent=membership.user, organisme=membership.organisation).pk}


ROUTES = {
    **{
        f"habilitations:{name}": PUBLIC
        for name in (
            "login",
            "login_password",
            "account_request",
            "account_request_form",
            "account_request_done",
            "caregiver_register",
            "caregiver_done",
            "faq",
            "contact",
        )
    },
    # Opens an application of the catalogue (no organisation's object): 404 without the grant, tested
    # in test_views.
    "habilitations:open_application": TECHNICAL,
    "habilitations:catalogue": Restricted(ORGANISME),
    "habilitations:access_request_new": Restricted(ORGANISME),
    "habilitations:my_details": Restricted(SPACE),
    "habilitations:my_rights": Restricted(SPACE),
    "habilitations:my_subscriptions": Restricted(SPACE),
    "habilitations:my_contacts": Restricted(SPACE),
    "habilitations:access_request_cancel": Owned("organisme_user", make=own_access_request, methods=("post",)),
    "habilitations:queue": Restricted(VALIDATORS),
    "habilitations:rights": Restricted(VALIDATORS),
    "habilitations:holders_export": Restricted(VALIDATORS),
    "habilitations:access_request_detail": Owned("correspondent", make=access_request),
    "habilitations:right_detail": Owned("correspondent", make=right),
    "habilitations:account_requests": Restricted(frozenset({"correspondent", "ucanss_admin"})),
    "habilitations:account_request_detail": Owned("correspondent", make=account_request),
    "habilitations:collaborators": Restricted(frozenset({"correspondent"})),
    "habilitations:delegations": Restricted(frozenset({"correspondent"})),
    "habilitations:delegation_end": Owned("correspondent", make=delegation, methods=("post",)),
    **{
        f"habilitations:{name}": Restricted(frozenset({"ucanss_admin"}))
        for name in (
            "admin_organismes",
            "admin_organisme_edit",
            "admin_applications",
            "admin_application_edit",
            "admin_application_client",
        )
    },
}
