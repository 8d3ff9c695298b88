"""The Espace intérimaire's declaration (core.spaces): account policies for now; the interim space
adds its export and anonymisation hooks (files, timesheets, payslips) with its models."""

from django.utils.translation import gettext_lazy as _

from core.spaces import ErasureScope, ForgotBy, ForgotPassword, SpaceDeclaration, register

register(
    SpaceDeclaration(
        key="interim",
        slug="interimaires",
        identifier_label=_("Espace intérimaire : votre adresse e-mail"),
        forgot_password=ForgotPassword.LINK,
        forgot_by=ForgotBy.EMAIL,
        erasure_scope=ErasureScope.SPACE,
        order=20,
    )
)
