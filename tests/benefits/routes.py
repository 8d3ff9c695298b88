"""Routes of the benefits space for the isolation harness (tests/isolation.py).

tests/benefits/test_views.py has the per-role matrix. Each `make` function below creates an object of
the membership's organisation and returns its URL kwargs.
"""

from benefits.enums import FamilyDocumentKind
from benefits.models import FamilyDocument, RequestDocument
from tests.isolation import Owned, Restricted

from .factories import (
    BenefitRequestFactory,
    CooperatorFactory,
    DependantFactory,
    cooperative_of,
    pdf_bytes,
    union_cooperative,
)


def _file_into(field, name="piece.pdf"):
    from django.core.files.base import ContentFile

    field.save(name, ContentFile(pdf_bytes()), save=False)


def cooperator(membership):
    return {"pk": CooperatorFactory(cooperative=cooperative_of(membership)).pk}


def _own(membership):
    return CooperatorFactory(cooperative=cooperative_of(membership), user=membership.user)


def own_cooperator(membership):
    return {"pk": _own(membership).pk}


def own_dependant(membership):
    return {"pk": DependantFactory(cooperator=_own(membership)).pk}


def _document(cooperator_obj):
    document = FamilyDocument(
        cooperator=cooperator_obj, kind=FamilyDocumentKind.FAMILY_BOOK, original_name="livret.pdf"
    )
    _file_into(document.file, "livret.pdf")
    document.save()
    return document


def family_document(membership):
    return {"pk": _document(CooperatorFactory(cooperative=cooperative_of(membership))).pk}


def officer_family_document(membership):
    return {"pk": _document(CooperatorFactory(cooperative=union_cooperative(membership))).pk}


def request(membership):
    return {"pk": BenefitRequestFactory(cooperator__cooperative=cooperative_of(membership)).pk}


def request_document(membership):
    request_obj = BenefitRequestFactory(cooperator__cooperative=cooperative_of(membership))
    document = RequestDocument(request=request_obj, original_name="facture.pdf")
    _file_into(document.file, "facture.pdf")
    document.save()
    return {"pk": document.pk}


def officer_request(membership):
    return {"pk": BenefitRequestFactory(cooperator__cooperative=union_cooperative(membership), processing=True).pk}


def officer_cooperative(membership):
    return {"pk": union_cooperative(membership).pk}


POST_ONLY = ("post",)  # actions (require_POST): a GET answers 405 before anything is looked up
_ALL = frozenset({"union_officer", "coop_manager", "cooperator"})
_UNION_AND_HR = frozenset({"union_officer", "coop_manager"})
_OFFICER = frozenset({"union_officer"})

ROUTES = {
    "benefits:info": Restricted(_UNION_AND_HR),
    "benefits:catalogue": Restricted(_ALL),
    "benefits:documents": Restricted(_ALL),
    "benefits:tariffs_pdf": Restricted(_ALL),
    "benefits:cooperator_list": Restricted(_UNION_AND_HR),
    "benefits:cooperator_create": Restricted(_UNION_AND_HR),
    "benefits:cooperator_detail": Owned("coop_manager", make=cooperator),
    "benefits:cooperator_edit": Owned("coop_manager", make=cooperator),
    "benefits:cooperator_login": Owned("coop_manager", make=cooperator),
    "benefits:dependant_create": Owned("cooperator", make=own_cooperator),
    "benefits:dependant_edit": Owned("cooperator", make=own_dependant),
    "benefits:family_document_add": Owned("coop_manager", make=cooperator, methods=POST_ONLY),
    "benefits:family_document_download": Owned("coop_manager", make=family_document),
    "benefits:family_document_review": Owned("union_officer", make=officer_family_document),
    "benefits:family_documents_pending": Restricted(_OFFICER),
    "benefits:my_family": Restricted(frozenset({"cooperator"})),
    "benefits:request_list": Restricted(frozenset({"coop_manager", "cooperator"})),
    "benefits:request_create": Restricted(frozenset({"coop_manager", "cooperator"})),
    "benefits:request_detail": Owned("coop_manager", make=request),
    "benefits:request_edit": Owned("coop_manager", make=request),
    "benefits:request_withdraw": Owned("coop_manager", make=request),
    "benefits:request_documents_add": Owned("coop_manager", make=request, methods=POST_ONLY),
    "benefits:request_approve": Owned("coop_manager", make=request, methods=POST_ONLY),
    "benefits:request_reject": Owned("coop_manager", make=request, methods=POST_ONLY),
    "benefits:request_document_download": Owned("coop_manager", make=request_document),
    "benefits:queue": Restricted(_OFFICER),
    "benefits:bulk_pay": Restricted(_OFFICER, method="post"),
    "benefits:request_take": Owned("union_officer", make=officer_request, methods=POST_ONLY),
    "benefits:request_amount": Owned("union_officer", make=officer_request, methods=POST_ONLY),
    "benefits:request_pay": Owned("union_officer", make=officer_request, methods=POST_ONLY),
    "benefits:request_refuse": Owned("union_officer", make=officer_request, methods=POST_ONLY),
    "benefits:cooperative_list": Restricted(_OFFICER),
    "benefits:cooperative_edit": Owned("union_officer", make=officer_cooperative),
    "benefits:contribution_add": Owned("union_officer", make=officer_cooperative),
    "benefits:tariffs": Restricted(_OFFICER),
    "benefits:contributions": Restricted(_UNION_AND_HR),
    "benefits:statistics": Restricted(_UNION_AND_HR),
    "benefits:exports": Restricted(_UNION_AND_HR),
    "benefits:export_cooperators": Restricted(_UNION_AND_HR),
}
