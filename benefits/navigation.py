"""The Prestations menus (reference 000), per role."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from portal.navigation import MenuItem, register_menu, register_panel

from . import panels

FAMILY_VIEWS = (
    "benefits:cooperator_detail",
    "benefits:cooperator_edit",
    "benefits:cooperator_create",
    "benefits:cooperator_login",
    "benefits:dependant_create",
    "benefits:dependant_edit",
    "benefits:family_document_add",
)
REQUEST_VIEWS = (
    "benefits:request_create",
    "benefits:request_detail",
    "benefits:request_edit",
    "benefits:request_withdraw",
)


def register():
    register_menu(
        Role.COOP_MANAGER,
        [
            MenuItem(_("Renseignements"), "benefits:info", perm="benefits.edit_cooperative_info"),
            MenuItem(_("Prestations éligibles"), "benefits:catalogue", perm="benefits.view_catalogue"),
            MenuItem(
                _("Coopérateurs et ayants droit"),
                "benefits:cooperator_list",
                perm="benefits.manage_cooperators",
                also_current=FAMILY_VIEWS,
            ),
            MenuItem(_("Cotisations"), "benefits:contributions", perm="benefits.view_contributions"),
            MenuItem(
                _("Demandes de prestations"),
                "benefits:request_list",
                perm="benefits.view_requests",
                also_current=REQUEST_VIEWS,
            ),
            MenuItem(_("Statistiques"), "benefits:statistics", perm="benefits.view_statistics"),
            MenuItem(_("Extractions"), "benefits:exports", perm="benefits.export_cooperators"),
            MenuItem(_("Mes documents"), "benefits:documents", perm="benefits.view_catalogue"),
        ],
    )
    register_menu(
        Role.COOPERATOR,
        [
            MenuItem(_("Ma famille"), "benefits:my_family", perm="benefits.view_own_family", also_current=FAMILY_VIEWS),
            MenuItem(_("Prestations éligibles"), "benefits:catalogue", perm="benefits.view_catalogue"),
            MenuItem(
                _("Demandes de prestations"),
                "benefits:request_list",
                perm="benefits.view_requests",
                also_current=REQUEST_VIEWS,
            ),
            MenuItem(_("Mes documents"), "benefits:documents", perm="benefits.view_catalogue"),
        ],
    )
    register_menu(
        Role.UNION_OFFICER,
        [
            MenuItem(
                _("Demandes à traiter"),
                "benefits:queue",
                perm="benefits.process_requests",
                also_current=("benefits:request_detail",),
            ),
            MenuItem(
                _("Coopératives"),
                "benefits:cooperative_list",
                perm="benefits.manage_cooperatives",
                also_current=("benefits:cooperative_edit", "benefits:contribution_add"),
            ),
            MenuItem(
                _("Coopérateurs et ayants droit"),
                "benefits:cooperator_list",
                perm="benefits.manage_cooperators",
                also_current=FAMILY_VIEWS,
            ),
            MenuItem(
                _("Documents à valider"),
                "benefits:family_documents_pending",
                perm="benefits.manage_cooperatives",
                also_current=("benefits:family_document_review",),
            ),
            MenuItem(_("Tarifs"), "benefits:tariffs", perm="benefits.manage_cooperatives"),
            MenuItem(_("Cotisations"), "benefits:contributions", perm="benefits.view_contributions"),
            MenuItem(_("Statistiques"), "benefits:statistics", perm="benefits.view_statistics"),
            MenuItem(_("Extractions"), "benefits:exports", perm="benefits.export_cooperators"),
        ],
    )
    for role in (Role.COOP_MANAGER, Role.COOPERATOR, Role.UNION_OFFICER):
        register_panel(
            role, "benefits/panels/requests.html", context=panels.requests_summary, watch="benefits.BenefitRequest"
        )
