"""Routes of accounts for the isolation harness (tests/isolation.py)."""

from tests.isolation import PERSONAL, PUBLIC, TECHNICAL, Owned, Restricted

from .factories import member, passkey


def erasure_request(membership):
    """A pending erasure request of a temp worker of the membership's agency (addressed to its admins)."""
    from accounts.services.gdpr import erasure_request_create

    membership.is_admin = True
    membership.save(update_fields=["is_admin"])
    worker = member("temp_worker", organisation=membership.organisation)
    return {"pk": erasure_request_create(user=worker, space="interim").pk}


def own_passkey(membership):
    return {"pk": passkey(membership.user).pk}


ROUTES = {
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
    # Public, reached with a signed token sent to the new address (tests/accounts/test_security_mail.py).
    "accounts:email_confirm": TECHNICAL,
    "accounts:password_reset_complete": PUBLIC,
    # Second factor, consent, profile, security log, "Mes données" (tests/accounts/test_*.py)
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
            "consent_withdraw",
            "profile",
            "profile_contact",
            "profile_notifications",
            "security",
            "sessions",
            "my_data",
            "data_download",
            "erasure_request",
        )
    },
    "accounts:security_organisation": Restricted(frozenset(), admin_only=True),
    # The admins of the roles each space names (core.spaces consent_publishers).
    "accounts:consent_publish": Restricted(
        frozenset({"union_officer", "national_admin", "ucanss_admin"}), admin_only=True
    ),
    # Any organisation's admins, for the requests of their own organisations' people.
    "accounts:erasure_list": Restricted(frozenset(), admin_only=True),
    "accounts:erasure_process": Owned("agency_staff", make=erasure_request),
    # Passkeys: the JSON ceremonies (tests/accounts/test_passkeys.py), one's own passkey to remove.
    "accounts:passkey_register_begin": TECHNICAL,
    "accounts:passkey_register_complete": TECHNICAL,
    "accounts:passkey_authentication_begin": TECHNICAL,
    "accounts:passkey_authentication_complete": TECHNICAL,
    "accounts:passkey_remove": Owned("cooperator", make=own_passkey),
}
