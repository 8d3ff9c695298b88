"""URLs of the Espace Organismes (mounted under /organismes/)."""

from django.urls import path

from .views import accounts, catalogue, central, me, public, validators

app_name = "habilitations"

urlpatterns = [
    # Public: two-step login, Aide aux aidants, FAQ, webmaster
    path("connexion/", public.login, name="login"),
    path("connexion/mot-de-passe/", public.LoginPasswordView.as_view(), name="login_password"),
    path("aide-aux-aidants/", public.caregiver_register, name="caregiver_register"),
    path("aide-aux-aidants/compte-ouvert/", public.caregiver_done, name="caregiver_done"),
    path("faq/", public.faq, name="faq"),
    path("contact/", public.contact, name="contact"),
    # Anonymous: account request
    path("demande-de-compte/", accounts.account_request_email, name="account_request"),
    path("demande-de-compte/formulaire/", accounts.account_request_form, name="account_request_form"),
    path("demande-de-compte/envoyee/", accounts.account_request_done, name="account_request_done"),
    # Mes applications
    path("applications/", catalogue.catalogue, name="catalogue"),
    path("applications/demander/", catalogue.access_request_new, name="access_request_new"),
    path("applications/<slug:slug>/acceder/", catalogue.open_application, name="open_application"),
    # Mes informations
    path("mes-informations/", me.my_details, name="my_details"),
    path("mes-informations/habilitations/", me.my_rights, name="my_rights"),
    path("mes-informations/habilitations/<int:pk>/annuler/", me.access_request_cancel, name="access_request_cancel"),
    path("mes-informations/abonnements/", me.my_subscriptions, name="my_subscriptions"),
    path("mes-informations/contacts/", me.my_contacts, name="my_contacts"),
    # Validators
    path("a-valider/", validators.queue, name="queue"),
    path("a-valider/<int:pk>/", validators.access_request_detail, name="access_request_detail"),
    path("habilitations/", validators.rights, name="rights"),
    path("habilitations/<int:pk>/", validators.right_detail, name="right_detail"),
    path("habilitations/export/", validators.holders_export, name="holders_export"),
    path("demandes-de-compte/", accounts.account_requests, name="account_requests"),
    path("demandes-de-compte/<int:pk>/", accounts.account_request_detail, name="account_request_detail"),
    path("collaborateurs/", validators.collaborators, name="collaborators"),
    path("delegation/", validators.delegations, name="delegations"),
    path("delegation/<int:pk>/fin/", validators.delegation_end, name="delegation_end"),
    # Central admins
    path("administration/organismes/", central.organismes, name="admin_organismes"),
    path("administration/organismes/fiche/", central.organisme_edit, name="admin_organisme_edit"),
    path("administration/applications/", central.applications, name="admin_applications"),
    path("administration/applications/fiche/", central.application_edit, name="admin_application_edit"),
    path("administration/applications/client/", central.application_client, name="admin_application_client"),
]
