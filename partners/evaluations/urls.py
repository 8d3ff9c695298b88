"""Routes of the exchanges, included in the "partners" namespace by partners/urls.py."""

from django.urls import path

from .views import fund, offline, slips, structure

urlpatterns = [
    # Fund administrators
    path("caisse/evaluations/", fund.order_list, name="eval_fund_list"),
    path("caisse/evaluations/commander/", fund.order_create, name="eval_order"),
    path("caisse/evaluations/<int:pk>/", fund.order_detail, name="eval_fund_detail"),
    path("caisse/bordereaux/", fund.slip_create, name="eval_fund_slips"),
    path("caisse/forfaits/", fund.fees, name="eval_fees"),
    # Evaluation structures: "Evaluations" and "Historique des échanges"
    path("evaluations/commandes/", structure.orders, name="eval_orders"),
    path("evaluations/commandes/<int:pk>/affecter/", structure.assign, name="eval_assign"),
    path("evaluations/en-cours/", structure.in_progress, name="eval_in_progress"),
    path("evaluations/<int:pk>/", structure.evaluation_form, name="eval_form"),
    path("evaluations/<int:pk>/compte-rendu/", structure.report_download, name="eval_report"),
    path("evaluations/transmission/", structure.transmission, name="eval_transmission"),
    path("evaluations/transmises/", structure.transmitted, name="eval_transmitted"),
    path("evaluations/bordereaux/", structure.slips, name="eval_slips"),
    path("evaluations/mode-deconnecte/", offline.manage, name="eval_offline"),
    path("evaluations/synchronisation/", offline.synchronisation, name="eval_sync"),
    path("evaluations/synchronisation/envoyer/", offline.sync_submit, name="eval_sync_submit"),
    path("evaluations/synchronisation/<int:pk>/regler/", offline.settle, name="eval_sync_settle"),
    path("evaluations/sw.js", offline.service_worker, name="eval_service_worker"),
    path("historique/", structure.history, name="eval_history"),
    # A slip, for its fund and its structure
    path("bordereaux/<int:pk>/", slips.slip_detail, name="eval_slip"),
    path("bordereaux/<int:pk>/pdf/", slips.slip_pdf, name="eval_slip_pdf"),
    path("bordereaux/<int:pk>/csv/", slips.slip_csv, name="eval_slip_csv"),
]
