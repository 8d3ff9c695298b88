from django.urls import path

from .views import account, agency

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
    # Agency (minimal pages the worker's journeys depend on)
    path("agence/a-valider/", agency.validations, name="agency_validations"),
    path("agence/modifications/<int:pk>/", agency.change_decide, name="agency_change"),
    path("agence/diplomes/<int:pk>/", agency.diploma_decide, name="agency_diploma"),
    path("agence/diplomes/<int:pk>/fichier/", agency.diploma_file, name="agency_diploma_file"),
]
