from django.urls import path

from .views import account, advances, agency, contracts, documents, planning, public, timesheets

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
    # Client companies: Saisie des heures; timesheets (client and agency)
    path("heures/", timesheets.timesheet_entry, name="timesheet_entry"),
    path("feuilles-heures/", timesheets.timesheet_list, name="timesheets"),
    path("feuilles-heures/<int:pk>/", timesheets.timesheet_detail, name="timesheet_detail"),
    path("feuilles-heures/<int:pk>/<str:step>/", timesheets.timesheet_act, name="timesheet_act"),
    # Public
    path("verifier/", public.verify, name="verify"),
    # Agency (minimal pages the worker's journeys depend on)
    path("agence/a-valider/", agency.validations, name="agency_validations"),
    path("agence/modifications/<int:pk>/", agency.change_decide, name="agency_change"),
    path("agence/diplomes/<int:pk>/", agency.diploma_decide, name="agency_diploma"),
    path("agence/diplomes/<int:pk>/fichier/", agency.diploma_file, name="agency_diploma_file"),
    path("agence/acomptes/", advances.agency_advances, name="agency_advances"),
    path("agence/acomptes/<int:pk>/<str:step>/", advances.agency_advance_act, name="agency_advance_act"),
    path("agence/contrats/", contracts.agency_contracts, name="agency_contracts"),
    path("agence/contrats/<int:pk>/envoyer/", contracts.agency_contract_send, name="agency_contract_send"),
    path("agence/contrats/<int:pk>/preuves/", contracts.evidence_zip, name="agency_evidence"),
]
