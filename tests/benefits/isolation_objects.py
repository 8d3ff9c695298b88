"""Objects of one organisation for the isolation harness (tests/isolation.py): each returns URL kwargs."""

from benefits.enums import FamilyDocumentKind
from benefits.models import FamilyDocument, RequestDocument

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
