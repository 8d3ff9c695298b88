from django.urls import path

from .views import account, agency, contracts, public

app_name = "interim"

urlpatterns = [
    # Votre compte
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
    # Public
    path("verifier/", public.verify, name="verify"),
    # Agency (minimal pages the worker's journeys depend on)
    path("agence/a-valider/", agency.validations, name="agency_validations"),
    path("agence/modifications/<int:pk>/", agency.change_decide, name="agency_change"),
    path("agence/diplomes/<int:pk>/", agency.diploma_decide, name="agency_diploma"),
    path("agence/diplomes/<int:pk>/fichier/", agency.diploma_file, name="agency_diploma_file"),
    path("agence/contrats/", contracts.agency_contracts, name="agency_contracts"),
    path("agence/contrats/<int:pk>/preuves/", contracts.evidence_zip, name="agency_evidence"),
]
