"""URLs of the partners space (mounted under /partenaires/)."""

from django.urls import path

from .evaluations import urls as evaluation_urls
from .views import fund, national, partner_admin, public, registration

app_name = "partners"

urlpatterns = [
    # Public site
    path("", public.home, name="home"),
    path("actualites/", public.news_list, name="news_list"),
    path("actualites/<slug:slug>/", public.news_detail, name="news_detail"),
    path("documentation/", public.documentation, name="documentation"),
    path("documentation/<int:pk>/telecharger/", public.document_download, name="document_download"),
    path("contact/", public.contact, name="contact"),
    path("contact/envoye/", public.contact_done, name="contact_done"),
    path("identifiant-oublie/", public.forgotten_login, name="forgotten_login"),
    # Pre-registration
    path("inscription/", registration.terms, name="register"),
    path("inscription/convention/", registration.convention_question, name="register_convention"),
    path("inscription/formulaire/", registration.registration_form, name="register_form"),
    path("inscription/terminee/", registration.registration_done, name="register_done"),
    # Fund administrators (and national admins for the partner list and messages)
    path("caisse/", fund.queue, name="fund_queue"),
    path("caisse/preinscriptions/<int:pk>/", fund.preregistration_detail, name="fund_preregistration"),
    path("caisse/conventions/", fund.convention_queue, name="fund_conventions"),
    path("caisse/conventions/<int:pk>/", fund.convention_detail, name="fund_convention"),
    path("supervision/", fund.supervision, name="supervision"),
    path("partenaires/", fund.partner_list, name="partner_list"),
    path("messages/", fund.contact_list, name="contact_list"),
    path("messages/<int:pk>/", fund.contact_detail, name="contact_detail"),
    # Partner administrators: Modification inscription
    path("administration/", partner_admin.partner_tab, name="admin_partner"),
    path("administration/utilisateurs/", partner_admin.users_tab, name="admin_users"),
    path("administration/utilisateurs/<int:pk>/", partner_admin.user_edit, name="admin_user_edit"),
    path("administration/utilisateurs/<int:pk>/supprimer/", partner_admin.user_delete, name="admin_user_delete"),
    path("administration/conventions/", partner_admin.conventions_tab, name="admin_conventions"),
    path("administration/conventions/<int:pk>/", partner_admin.convention_edit, name="admin_convention_edit"),
    path(
        "administration/conventions/<int:pk>/retirer/",
        partner_admin.convention_withdraw,
        name="admin_convention_withdraw",
    ),
    path("administration/adresse/", partner_admin.address_tab, name="admin_address"),
    # National admins
    *national.urlpatterns,
    # Exchanges with the funds: evaluations, payment slips, history (partners/evaluations/)
    *evaluation_urls.urlpatterns,
]
