"""The tenant isolation registry: every named route of the project says how it is protected.

tests/test_isolation.py walks every URL pattern and fails when a route is missing here. Kinds:

- PUBLIC: reachable without signing in.
- PERSONAL: any signed-in user, about their own data only (no object id in the URL); anonymous
  users are sent to the login page.
- Restricted(roles): only members with one of `roles` (or `perm` checks); any other signed-in user
  gets 403.
- Owned(role, make): the URL names an object. `make(membership)` creates one belonging to the
  membership's organisation and returns the URL kwargs; a user with the same role in another
  organisation of the same kind must get 404, for GET and POST.

A space adds its routes here in the same commit as the routes.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class _Kind:
    name: str


PUBLIC = _Kind("public")
PERSONAL = _Kind("personal")
# Routes that do not answer a browser page to a signed-in user: logout (POST only), probes.
TECHNICAL = _Kind("technical")


@dataclass(frozen=True)
class Restricted:
    roles: frozenset
    admin_only: bool = False


@dataclass(frozen=True)
class Owned:
    role: str
    make: object  # callable(membership) -> dict of URL kwargs
    methods: tuple = ("get", "post")
    extra: dict = field(default_factory=dict)


ROUTES = {
    # portal
    "portal:home": PUBLIC,
    "portal:legal": PUBLIC,
    "portal:privacy": PUBLIC,
    "portal:accessibility": PUBLIC,
    "portal:contact": PUBLIC,
    "portal:set_language": PUBLIC,
    "portal:healthz": TECHNICAL,
    "portal:readyz": TECHNICAL,
    "portal:baseline": TECHNICAL,
    "portal:dashboard": PERSONAL,
    # The component demo page: staff only (or DEBUG), whatever the role.
    "portal:components": Restricted(frozenset()),
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": TECHNICAL,
    "accounts:switch_organisation": PERSONAL,
    "accounts:password_change": PERSONAL,
    "accounts:password_forgot": PUBLIC,
    **{
        name: PUBLIC
        for slug in ("prestations", "partenaires", "interimaires", "organismes")
        for name in (f"accounts:password_forgot_{slug}", f"accounts:password_forgot_{slug}_done")
    },
    # Public, reached with a one-time token (tests/accounts/test_forgot_password.py).
    "accounts:password_reset_confirm": TECHNICAL,
    "accounts:password_reset_complete": PUBLIC,
    # django-simple-captcha's images (no namespace): public, no object of any organisation.
    "captcha-image": TECHNICAL,
    "captcha-image-2x": TECHNICAL,
    "captcha-audio": TECHNICAL,
    "captcha-refresh": TECHNICAL,
    # partners (tests/partners/test_views.py): public site and pre-registration
    **{
        f"partners:{name}": PUBLIC
        for name in (
            "home",
            "news_list",
            "documentation",
            "contact",
            "contact_done",
            "forgotten_login",
            "register",
            "register_convention",
            "register_form",
            "register_done",
        )
    },
    # Public pages naming an article or a published document (no organisation's object).
    "partners:news_detail": TECHNICAL,
    "partners:document_download": TECHNICAL,
    # Fund administrators: their fund's queue; partners and contact messages also for national admins.
    "partners:fund_queue": Restricted(frozenset({"fund_admin"})),
    "partners:fund_preregistration": Owned("fund_admin", make=lambda m: _partners_preregistration_of(m)),
    "partners:fund_convention": Owned("fund_admin", make=lambda m: _partners_convention_of(m)),
    "partners:partner_list": Restricted(frozenset({"fund_admin", "national_admin"})),
    "partners:contact_list": Restricted(frozenset({"fund_admin", "national_admin"})),
    "partners:contact_detail": Owned("fund_admin", make=lambda m: _partners_contact_of(m)),
    # Partner administrators: Modification inscription.
    **{
        f"partners:{name}": Restricted(frozenset({"partner_user"}), admin_only=True)
        for name in ("admin_partner", "admin_users", "admin_conventions", "admin_address")
    },
    "partners:admin_user_edit": Owned("partner_user", make=lambda m: _partners_user_of(m)),
    "partners:admin_user_delete": Owned("partner_user", make=lambda m: _partners_user_of(m)),
    # National admins: reference data, contents, fund administrators (records picked with ?id=).
    "partners:national_home": Restricted(frozenset({"national_admin"})),
    "partners:fund_admin_create": Restricted(frozenset({"national_admin"})),
    **{
        f"partners:national_{slug}{suffix}": Restricted(frozenset({"national_admin"}))
        for slug in ("regimes", "caisses", "types-partenaire", "types-convention", "actualites", "documentation")
        for suffix in ("", "_edit")
    },
    # accounts: second factor, consent, profile, security log, "Mes données" (tests/accounts/test_*.py)
    **{
        f"accounts:{name}": PERSONAL
        for name in (
            "otp_manage",
            "otp_enrol",
            "otp_verify",
            "otp_recovery_codes",
            "otp_recovery_codes_download",
            "otp_recovery_codes_done",
            "otp_recovery_codes_regenerate",
            "otp_remove",
            "reauth",
            "consent",
            "profile",
            "profile_contact",
            "profile_notifications",
            "security",
            "my_data",
            "data_download",
            "erasure_request",
        )
    },
    "accounts:security_organisation": Restricted(frozenset(), admin_only=True),
    "accounts:erasure_list": Restricted(
        frozenset({"union_officer", "agency_staff", "national_admin", "ucanss_admin"}), admin_only=False
    ),
    "accounts:erasure_process": Owned("agency_staff", make=lambda m: _erasure_request_of(m)),
}


def _erasure_request_of(membership):
    """A pending erasure request of a temp worker of the membership's agency."""
    from accounts.models import ErasureRequest
    from tests.accounts.factories import member

    worker = member("temp_worker", organisation=membership.organisation)
    return {"pk": ErasureRequest.objects.create(user=worker, space="interim").pk}


def _partners_preregistration_of(membership):
    from tests.partners.factories import PreRegistrationFactory

    return {"pk": PreRegistrationFactory(fund=membership.organisation).pk}


def _partners_convention_of(membership):
    from tests.partners.factories import ConventionFactory

    return {"pk": ConventionFactory(fund=membership.organisation).pk}


def _partners_contact_of(membership):
    from tests.partners.factories import ContactMessageFactory

    return {"pk": ContactMessageFactory(fund=membership.organisation).pk}


def _partners_user_of(membership):
    """Another user of the membership's partner."""
    from tests.partners.factories import partner_member, partner_of

    return {"pk": partner_member(partner_of(membership.organisation)).pk}


# URL namespaces that are not the project's own pages (protected by their own tests).
IGNORED_NAMESPACES = {"admin", "captcha"}


# --- benefits (tests/benefits/test_views.py has the per-role matrix) ---------------------------------
_BENEFITS_ALL = frozenset({"union_officer", "coop_manager", "cooperator"})
_BENEFITS_UNION_AND_HR = frozenset({"union_officer", "coop_manager"})
_BENEFITS_OFFICER = frozenset({"union_officer"})


def _benefits(name):
    """A factory of tests.benefits.isolation_objects, imported when a test needs it."""

    def make(membership):
        from tests.benefits import isolation_objects

        return getattr(isolation_objects, name)(membership)

    return make


ROUTES.update(
    {
        "benefits:info": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:catalogue": Restricted(_BENEFITS_ALL),
        "benefits:documents": Restricted(_BENEFITS_ALL),
        "benefits:tariffs_pdf": Restricted(_BENEFITS_ALL),
        "benefits:cooperator_list": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:cooperator_create": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:cooperator_detail": Owned("coop_manager", make=_benefits("cooperator")),
        "benefits:cooperator_edit": Owned("coop_manager", make=_benefits("cooperator")),
        "benefits:cooperator_login": Owned("coop_manager", make=_benefits("cooperator")),
        "benefits:dependant_create": Owned("cooperator", make=_benefits("own_cooperator")),
        "benefits:dependant_edit": Owned("cooperator", make=_benefits("own_dependant")),
        "benefits:family_document_add": Owned("coop_manager", make=_benefits("cooperator")),
        "benefits:family_document_download": Owned("coop_manager", make=_benefits("family_document")),
        "benefits:family_document_review": Owned("union_officer", make=_benefits("officer_family_document")),
        "benefits:family_documents_pending": Restricted(_BENEFITS_OFFICER),
        "benefits:my_family": Restricted(frozenset({"cooperator"})),
        "benefits:request_list": Restricted(frozenset({"coop_manager", "cooperator"})),
        "benefits:request_create": Restricted(frozenset({"coop_manager", "cooperator"})),
        "benefits:request_detail": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_edit": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_withdraw": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_documents_add": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_approve": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_reject": Owned("coop_manager", make=_benefits("request")),
        "benefits:request_document_download": Owned("coop_manager", make=_benefits("request_document")),
        "benefits:queue": Restricted(_BENEFITS_OFFICER),
        "benefits:bulk_pay": Restricted(_BENEFITS_OFFICER),
        "benefits:request_take": Owned("union_officer", make=_benefits("officer_request")),
        "benefits:request_amount": Owned("union_officer", make=_benefits("officer_request")),
        "benefits:request_pay": Owned("union_officer", make=_benefits("officer_request")),
        "benefits:request_refuse": Owned("union_officer", make=_benefits("officer_request")),
        "benefits:cooperative_list": Restricted(_BENEFITS_OFFICER),
        "benefits:cooperative_edit": Owned("union_officer", make=_benefits("officer_cooperative")),
        "benefits:contribution_add": Owned("union_officer", make=_benefits("officer_cooperative")),
        "benefits:tariffs": Restricted(_BENEFITS_OFFICER),
        "benefits:contributions": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:statistics": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:exports": Restricted(_BENEFITS_UNION_AND_HR),
        "benefits:export_cooperators": Restricted(_BENEFITS_UNION_AND_HR),
    }
)
