"""Menus of the Espace intérimaire, as in the manual: Votre compte, Mes missions, Documents.

The dashboard ("Tableau de bord") is the worker's bureau virtuel (a panel)."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from portal.navigation import MenuItem, register_menu, register_panel

from . import panels

WORKER = "interim.use_worker_space"


def register():
    register_menu(
        Role.TEMP_WORKER,
        [
            # Votre compte
            MenuItem(
                _("Mes demandes d'acompte"),
                "interim:advances",
                perm=WORKER,
                also_current=("interim:advance_create", "interim:advance_edit"),
            ),
            MenuItem(_("Fiche perso"), "interim:profile", perm=WORKER, also_current=("interim:profile_edit",)),
            MenuItem(
                _("Diplômes / Certificats"), "interim:diplomas", perm=WORKER, also_current=("interim:diploma_create",)
            ),
            MenuItem(_("Paramètres"), "interim:settings", perm=WORKER),
            # Mes missions
            MenuItem(
                _("Mes contrats"),
                "interim:contracts",
                perm=WORKER,
                also_current=("interim:contract_detail", "interim:contract_sign"),
            ),
            MenuItem(_("Offres de mission"), "interim:offers", perm=WORKER),
            MenuItem(_("Mes plannings"), "interim:planning", perm=WORKER),
            MenuItem(_("Mes disponibilités"), "interim:availabilities", perm=WORKER),
            # Documents
            MenuItem(_("Bulletins de salaire"), "interim:payslips", perm=WORKER),
            MenuItem(_("Attestations employeur (ex-ASSEDIC)"), "interim:attestations", perm=WORKER),
            MenuItem(_("Certificats de travail"), "interim:certificates", perm=WORKER),
        ],
    )
    register_menu(
        Role.AGENCY_STAFF,
        [
            MenuItem(
                _("Intérimaires"),
                "interim:agency_workers",
                perm="interim.validate_worker",
                also_current=("interim:agency_worker", "interim:agency_worker_invite"),
            ),
            MenuItem(
                _("À valider"),
                "interim:agency_validations",
                perm="interim.validate_worker",
                also_current=("interim:agency_change", "interim:agency_diploma", "interim:agency_request"),
            ),
            MenuItem(_("Acomptes"), "interim:agency_advances", perm="interim.process_advance"),
            MenuItem(
                _("Missions"),
                "interim:agency_missions",
                perm="interim.manage_contracts",
                also_current=(
                    "interim:agency_mission_create",
                    "interim:agency_mission",
                    "interim:agency_targeting_new",
                    "interim:agency_targeting",
                ),
            ),
            MenuItem(
                _("Contrats"),
                "interim:agency_contracts",
                perm="interim.manage_contracts",
                also_current=("interim:agency_contract",),
            ),
            MenuItem(
                _("Documents en nombre"),
                "interim:agency_batches",
                perm="interim.publish_documents",
                also_current=("interim:agency_batch",),
            ),
            MenuItem(
                _("Bureau virtuel"),
                "interim:agency_content",
                perm="interim.manage_content",
                also_current=(
                    "interim:agency_info",
                    "interim:agency_news",
                    "interim:agency_news_create",
                    "interim:agency_sector",
                    "interim:agency_sector_create",
                ),
            ),
            MenuItem(
                _("Feuilles d'heures"),
                "interim:timesheets",
                perm="interim.validate_timesheet",
                also_current=("interim:timesheet_detail",),
            ),
        ],
    )
    register_menu(
        Role.CLIENT_USER,
        [
            MenuItem(_("Saisie des heures"), "interim:timesheet_entry", perm="interim.enter_timesheet"),
            MenuItem(
                _("Feuilles d'heures"),
                "interim:timesheets",
                perm="interim.enter_timesheet",
                also_current=("interim:timesheet_detail",),
            ),
        ],
    )
    register_panel(
        Role.TEMP_WORKER,
        "interim/panels/bureau.html",
        context=panels.bureau,
        watch="interim.Worker interim.Agency interim.NewsItem interim.Sector interim.SectorContact interim.Contract",
    )
    register_panel(
        Role.AGENCY_STAFF,
        "interim/panels/agency.html",
        context=panels.agency_summary,
        watch="interim.ProfileChange interim.Diploma interim.DocumentRequest interim.Advance interim.Worker",
    )
    register_panel(
        Role.CLIENT_USER,
        "interim/panels/client.html",
        context=panels.client_summary,
        watch="interim.Timesheet interim.Contract interim.Mission interim.Worker",
    )
