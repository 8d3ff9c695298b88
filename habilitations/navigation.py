"""Menus of the Espace Organismes ("Mes applications", "Mes informations", validators' and central pages)."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from portal.navigation import MenuItem, register_menu, register_panel

from . import panels

CATALOGUE = MenuItem(
    _("Mes applications"),
    "habilitations:catalogue",
    perm="habilitations.use_catalogue",
    also_current=("habilitations:access_request_new",),
)
MY_DETAILS = MenuItem(
    _("Mes informations"),
    "habilitations:my_details",
    perm="habilitations.view_own",
    also_current=("habilitations:my_rights", "habilitations:my_subscriptions", "habilitations:my_contacts"),
)
QUEUE = MenuItem(
    _("Demandes d’habilitation"),
    "habilitations:queue",
    perm="habilitations.decide_access_request",
    also_current=("habilitations:access_request_detail", "habilitations:rights", "habilitations:right_detail"),
)
ACCOUNT_REQUESTS = MenuItem(
    _("Demandes de compte"),
    "habilitations:account_requests",
    perm="habilitations.decide_account_request",
    also_current=("habilitations:account_request_detail",),
)
COLLABORATORS = MenuItem(
    _("Gérer vos collaborateurs"),
    "habilitations:collaborators",
    perm="habilitations.view_collaborators",
    also_current=("habilitations:delegations",),
)
CENTRAL = MenuItem(
    _("Administration"),
    "habilitations:admin_applications",
    perm="habilitations.manage_catalogue",
    also_current=(
        "habilitations:admin_application_edit",
        "habilitations:admin_organismes",
        "habilitations:admin_organisme_edit",
        "habilitations:admin_application_client",
    ),
)


def register():
    register_menu(Role.ORGANISME_USER, [CATALOGUE, QUEUE, ACCOUNT_REQUESTS, MY_DETAILS])
    register_menu(Role.CORRESPONDENT, [CATALOGUE, QUEUE, ACCOUNT_REQUESTS, COLLABORATORS, MY_DETAILS])
    register_menu(Role.APP_MANAGER, [QUEUE, MY_DETAILS])
    register_menu(Role.UCANSS_ADMIN, [QUEUE, ACCOUNT_REQUESTS, CENTRAL, MY_DETAILS])
    for role in (Role.CORRESPONDENT, Role.APP_MANAGER, Role.UCANSS_ADMIN):
        register_panel(
            role,
            "habilitations/panels/validator.html",
            context=panels.validator_summary,
            # Who decides what: the organismes' tree, delegations and memberships (fallbacks) are read too.
            watch="habilitations.AccessRequest habilitations.AccountRequest habilitations.Delegation "
            "habilitations.Organisme habilitations.Application accounts.Membership",
        )
    for role in (Role.CORRESPONDENT, Role.ORGANISME_USER):
        register_panel(
            role,
            "habilitations/panels/user.html",
            context=panels.user_summary,
            watch="habilitations.Right habilitations.AccessRequest",
        )
