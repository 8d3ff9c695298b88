from django.urls import path

from .views import cooperators, reports, requests, space

app_name = "benefits"

urlpatterns = [
    # The cooperative and the catalogue
    path("renseignements/", space.info, name="info"),
    path("prestations-eligibles/", space.catalogue, name="catalogue"),
    path("mes-documents/", space.documents, name="documents"),
    path("mes-documents/tarifs.pdf", space.tariffs_pdf, name="tariffs_pdf"),
    # Cooperators and families
    path("cooperateurs/", cooperators.cooperator_list, name="cooperator_list"),
    path("cooperateurs/nouveau/", cooperators.cooperator_create, name="cooperator_create"),
    path("cooperateurs/<int:pk>/", cooperators.cooperator_detail, name="cooperator_detail"),
    path("cooperateurs/<int:pk>/modifier/", cooperators.cooperator_edit, name="cooperator_edit"),
    path("cooperateurs/<int:pk>/identifiant/", cooperators.cooperator_login, name="cooperator_login"),
    path("cooperateurs/<int:pk>/ayants-droit/nouveau/", cooperators.dependant_create, name="dependant_create"),
    path("cooperateurs/<int:pk>/documents/", cooperators.family_document_add, name="family_document_add"),
    path("ayants-droit/<int:pk>/modifier/", cooperators.dependant_edit, name="dependant_edit"),
    path("ma-famille/", cooperators.my_family, name="my_family"),
    path("documents-famille/", cooperators.family_documents_pending, name="family_documents_pending"),
    path("documents-famille/<int:pk>/", cooperators.family_document_download, name="family_document_download"),
    path("documents-famille/<int:pk>/examen/", cooperators.family_document_review, name="family_document_review"),
    # Requests
    path("demandes/", requests.request_list, name="request_list"),
    path("demandes/nouvelle/", requests.request_create, name="request_create"),
    path("demandes/<int:pk>/", requests.request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", requests.request_edit, name="request_edit"),
    path("demandes/<int:pk>/retirer/", requests.request_withdraw, name="request_withdraw"),
    path("demandes/<int:pk>/pieces/", requests.request_documents_add, name="request_documents_add"),
    path("demandes/<int:pk>/accord/", requests.request_approve, name="request_approve"),
    path("demandes/<int:pk>/rejet/", requests.request_reject, name="request_reject"),
    path("pieces/<int:pk>/", requests.request_document_download, name="request_document_download"),
    # Union officers
    path("instruction/", requests.queue, name="queue"),
    path("instruction/paiement-groupe/", requests.bulk_pay, name="bulk_pay"),
    path("demandes/<int:pk>/prise-en-charge/", requests.request_take, name="request_take"),
    path("demandes/<int:pk>/montant/", requests.request_amount, name="request_amount"),
    path("demandes/<int:pk>/paiement/", requests.request_pay, name="request_pay"),
    path("demandes/<int:pk>/refus/", requests.request_refuse, name="request_refuse"),
    path("cooperatives/", reports.cooperative_list, name="cooperative_list"),
    path("cooperatives/<int:pk>/", reports.cooperative_edit, name="cooperative_edit"),
    path("cooperatives/<int:pk>/cotisations/nouvelle/", reports.contribution_add, name="contribution_add"),
    path("tarifs/", reports.tariffs, name="tariffs"),
    # Reports
    path("cotisations/", reports.contributions, name="contributions"),
    path("statistiques/", reports.statistics, name="statistics"),
    path("extractions/", reports.exports, name="exports"),
    path("extractions/cooperateurs.xlsx", reports.export_cooperators, name="export_cooperators"),
]
