"""Menu entries of the exchanges. A structure's entries need "partners.handle_evaluation", which holds
only while its organisation has a validated evaluation convention: nothing is shown that would not work.
"Gestion du mode déconnecté" and "Synchronisation" are the offline mode (views/offline.py)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem

HANDLE = "partners.handle_evaluation"
DECIDE = "partners.decide_evaluation"


def structure_items():
    return [
        MenuItem(_("Commande d'évaluation"), "partners:eval_orders", perm=HANDLE),
        MenuItem(
            _("Evaluations en cours"), "partners:eval_in_progress", perm=HANDLE, also_current=("partners:eval_form",)
        ),
        MenuItem(_("Transmission des évaluations"), "partners:eval_transmission", perm=HANDLE),
        MenuItem(_("Evaluations transmises"), "partners:eval_transmitted", perm=HANDLE),
        MenuItem(_("Gestion du mode déconnecté"), "partners:eval_offline", perm=HANDLE),
        MenuItem(_("Synchronisation"), "partners:eval_sync", perm=HANDLE),
        MenuItem(
            _("Bordereaux de paiements"), "partners:eval_slips", perm=HANDLE, also_current=("partners:eval_slip",)
        ),
        MenuItem(_("Historique prestataire"), "partners:eval_history", perm=HANDLE),
    ]


def fund_items():
    return [
        MenuItem(
            _("Évaluations"),
            "partners:eval_fund_list",
            perm=DECIDE,
            also_current=("partners:eval_order", "partners:eval_fund_detail"),
        ),
        MenuItem(
            _("Bordereaux de paiement"),
            "partners:eval_fund_slips",
            perm=DECIDE,
            also_current=("partners:eval_slip", "partners:eval_fees"),
        ),
    ]
