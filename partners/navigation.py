"""Menus of the partners space ("Les services")."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from portal.navigation import MenuItem, register_menu, register_panel

from . import panels
from .evaluations import navigation as evaluation_navigation

KIND_SLUGS = ("regimes", "caisses", "types-partenaire", "types-convention", "actualites", "documentation")


def register():
    register_menu(
        Role.PARTNER_USER,
        [
            MenuItem(
                _("Administration"),
                "partners:admin_partner",
                perm="partners.manage_partner",
                also_current=(
                    "partners:admin_users",
                    "partners:admin_user_edit",
                    "partners:admin_user_delete",
                    "partners:admin_conventions",
                    "partners:admin_address",
                ),
            ),
            *evaluation_navigation.structure_items(),
        ],
    )
    register_menu(
        Role.FUND_ADMIN,
        [
            MenuItem(
                _("À valider"),
                "partners:fund_queue",
                perm="partners.process_registrations",
                also_current=("partners:fund_preregistration", "partners:fund_convention", "partners:fund_conventions"),
            ),
            MenuItem(_("Partenaires"), "partners:partner_list", perm="partners.view_partners"),
            MenuItem(
                _("Messages de contact"),
                "partners:contact_list",
                perm="partners.view_contact_messages",
                also_current=("partners:contact_detail",),
            ),
            *evaluation_navigation.fund_items(),
        ],
    )
    register_menu(
        Role.NATIONAL_ADMIN,
        [
            MenuItem(_("Supervision"), "partners:supervision", perm="partners.supervise"),
            MenuItem(_("Partenaires"), "partners:partner_list", perm="partners.view_partners"),
            MenuItem(
                _("Messages de contact"),
                "partners:contact_list",
                perm="partners.view_contact_messages",
                also_current=("partners:contact_detail",),
            ),
            MenuItem(
                _("Référentiels et contenus"),
                "partners:national_home",
                perm="partners.manage_portal",
                also_current=(
                    "partners:national_list",
                    "partners:national_edit",
                    "partners:national_create",
                    "partners:fund_admin_create",
                ),
            ),
        ],
    )
    # Funds without an administrator are decided nationally: the memberships are read too.
    watch = "partners.PreRegistration partners.Convention partners.ContactMessage accounts.Membership"
    register_panel(Role.FUND_ADMIN, "partners/panels/fund.html", context=panels.fund_summary, watch=watch)
    register_panel(Role.NATIONAL_ADMIN, "partners/panels/national.html", context=panels.national_summary, watch=watch)
    register_panel(
        Role.PARTNER_USER, "partners/panels/partner.html", context=panels.partner_summary, watch="partners.Convention"
    )
