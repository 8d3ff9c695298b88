from django.urls import path

from .views import (
    account,
    advances,
    agency_advances,
    agency_content,
    agency_validations,
    agency_workers,
    contracts,
    documents,
    planning,
    public,
)

app_name = "interim"

urlpatterns = [
    # Votre compte
    path("acomptes/", advances.advance_list, name="advances"),
    path("acomptes/nouvelle/", advances.advance_create, name="advance_create"),
    path("acomptes/<int:pk>/modifier/", advances.advance_edit, name="advance_edit"),
    path("acomptes/<int:pk>/annuler/", advances.advance_cancel, name="advance_cancel"),
    path("fiche-perso/", account.profile, name="profile"),
    path("fiche-perso/modifier/<slug:slug>/", account.profile_edit, name="profile_edit"),
    path("fiche-perso/modifications/<int:pk>/annuler/", account.change_cancel, name="change_cancel"),
    path("fiche-perso/carte-vitale/", account.ss_card, name="ss_card"),
    path("diplomes/", account.diplomas, name="diplomas"),
    path("diplomes/ajouter/", account.diploma_create, name="diploma_create"),
    path("diplomes/<int:pk>/fichier/", account.diploma_file, name="diploma_file"),
    path("parametres/", account.settings_page, name="settings"),
    # Mes missions
    path("contrats/", contracts.contract_list, name="contracts"),
    path("contrats/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contrats/<int:pk>/pdf/", contracts.contract_pdf, name="contract_pdf"),
    path("contrats/<int:pk>/pdf-signe/", contracts.contract_signed_pdf, name="contract_signed_pdf"),
    path("contrats/<int:pk>/signer/", contracts.contract_sign, name="contract_sign"),
    path("contrats/<int:pk>/signer/code/", contracts.contract_send_code, name="contract_send_code"),
    path("plannings/", planning.planning, name="planning"),
    path("plannings/nouvelle-adresse/", planning.calendar_renew, name="calendar_renew"),
    path("calendrier/<str:token>.ics", planning.calendar_feed, name="calendar_feed"),
    path("disponibilites/", planning.availabilities, name="availabilities"),
    path("disponibilites/<int:pk>/supprimer/", planning.availability_delete, name="availability_delete"),
    # Documents
    path("documents/bulletins/", documents.document_list, {"slug": "payslips"}, name="payslips"),
    path("documents/attestations/", documents.document_list, {"slug": "attestations"}, name="attestations"),
    path("documents/certificats/", documents.document_list, {"slug": "certificates"}, name="certificates"),
    path("documents/<slug:slug>/selection.zip", documents.documents_zip, name="documents_zip"),
    path("documents/<slug:slug>/demande/", documents.document_request, name="document_request"),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    # Public
    path("verifier/", public.verify, name="verify"),
    # Agency staff: workers, validations, advances, bureau virtuel content
    path("agence/interimaires/", agency_workers.worker_list, name="agency_workers"),
    path("agence/interimaires/inscrire/", agency_workers.worker_invite, name="agency_worker_invite"),
    path("agence/interimaires/<int:pk>/", agency_workers.worker_detail, name="agency_worker"),
    path("agence/interimaires/<int:pk>/secteur/", agency_workers.worker_sector, name="agency_worker_sector"),
    path("agence/a-valider/", agency_validations.validations, name="agency_validations"),
    path("agence/modifications/<int:pk>/", agency_validations.change_decide, name="agency_change"),
    path("agence/diplomes/<int:pk>/", agency_validations.diploma_decide, name="agency_diploma"),
    path("agence/diplomes/<int:pk>/fichier/", agency_validations.diploma_file, name="agency_diploma_file"),
    path("agence/demandes/<int:pk>/", agency_validations.request_decide, name="agency_request"),
    path("agence/acomptes/", agency_advances.advance_queue, name="agency_advances"),
    path("agence/acomptes/<int:pk>/<str:step>/", agency_advances.advance_act, name="agency_advance_act"),
    path("agence/acomptes/lot/verse/", agency_advances.batch_pay, name="agency_advance_batch_pay"),
    path("agence/acomptes/lot.xlsx", agency_advances.batch_xlsx, name="agency_advance_batch_xlsx"),
    path("agence/acomptes/lot-sepa.xml", agency_advances.batch_sepa, name="agency_advance_batch_sepa"),
    path("agence/bureau-virtuel/", agency_content.content, name="agency_content"),
    path("agence/bureau-virtuel/informations/", agency_content.info_edit, name="agency_info"),
    path("agence/bureau-virtuel/actualites/nouvelle/", agency_content.news_edit, name="agency_news_create"),
    path("agence/bureau-virtuel/actualites/<int:pk>/", agency_content.news_edit, name="agency_news"),
    path("agence/bureau-virtuel/actualites/<int:pk>/supprimer/", agency_content.news_delete, name="agency_news_delete"),
    path("agence/bureau-virtuel/secteurs/nouveau/", agency_content.sector_edit, name="agency_sector_create"),
    path("agence/bureau-virtuel/secteurs/<int:pk>/", agency_content.sector_edit, name="agency_sector"),
    path(
        "agence/bureau-virtuel/secteurs/<int:pk>/supprimer/", agency_content.sector_delete, name="agency_sector_delete"
    ),
    path("agence/contrats/", contracts.agency_contracts, name="agency_contracts"),
    path("agence/contrats/<int:pk>/envoyer/", contracts.agency_contract_send, name="agency_contract_send"),
    path("agence/contrats/<int:pk>/preuves/", contracts.evidence_zip, name="agency_evidence"),
]
