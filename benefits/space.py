"""The Prestations space's declaration (core.spaces): its account policies and the personal data it
holds about a cooperator (the cooperator's file, family, requests, family documents)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from core.models import Transition
from core.spaces import ErasureScope, ForgotBy, ForgotPassword, SpaceDeclaration, model_row, register

from .models import BenefitRequest, Cooperator, Dependant, FamilyDocument

ANONYMOUS = "Anonymisé"

KEPT = _(
    "Les demandes de prestation, leurs montants, leurs dates de paiement et leurs justificatifs sont "
    "conservés 10 ans, car ce sont des pièces comptables (article L123-22 du code de commerce) : ils "
    "restent rattachés au seul numéro de famille, sans nom, adresse, e-mail, téléphone ni IBAN. Les "
    "ayants droit ne gardent que leur lien et leur année de naissance (règles d'âge des prestations "
    "versées). Les documents de famille (livret de famille, RIB, accord RGPD) sont supprimés."
)


def _cooperators(user):
    return Cooperator.objects.filter(user=user).select_related("cooperative__organisation")


def export(user):
    """The cooperator's file, family, dependants, requests, and family documents (metadata), per family."""
    families = []
    for cooperator in _cooperators(user):
        families.append(
            {
                "cooperator": {
                    **model_row(cooperator),
                    "cooperative": cooperator.cooperative.organisation.name,
                },
                "dependants": [model_row(d) for d in Dependant.objects.filter(cooperator=cooperator)],
                "requests": [
                    {
                        **model_row(r),
                        "benefit_type": r.benefit_type.name,
                        "beneficiary": (r.dependant.get_full_name() if r.dependant_id else cooperator.get_full_name()),
                        "documents": [model_row(doc) for doc in r.documents.all()],
                    }
                    for r in BenefitRequest.objects.filter(cooperator=cooperator)
                    .select_related("benefit_type", "dependant")
                    .prefetch_related("documents")
                    .order_by("created_at", "pk")
                ],
                "family_documents": [
                    model_row(doc) for doc in FamilyDocument.objects.filter(cooperator=cooperator).order_by("pk")
                ],
            }
        )
    return {"families": families} if families else {}


def _delete_with_history(queryset):
    """Deletes rows with their files and their history (nothing personal survives)."""
    model = queryset.model
    content_type = ContentType.objects.get_for_model(model)
    for obj in queryset:
        if obj.file:
            obj.file.delete(save=False)
        Transition.objects.filter(content_type=content_type, object_id=str(obj.pk)).delete()
        obj.delete()


def anonymise(user):
    """Erases the cooperator's identity, contact details, address and IBAN; drops family documents;
    keeps requests and payments (accounting) under the family number alone."""
    for cooperator in _cooperators(user):
        Cooperator.objects.filter(pk=cooperator.pk).update(
            civility="",
            first_name="",
            last_name=ANONYMOUS,
            birth_date=None,
            email="",
            phone="",
            address="",
            postcode="",
            city="",
            iban="",
        )
        for dependant in Dependant.objects.filter(cooperator=cooperator):
            Dependant.objects.filter(pk=dependant.pk).update(
                first_name="",
                last_name=ANONYMOUS,
                birth_date=datetime.date(dependant.birth_date.year, 1, 1),
            )
        BenefitRequest.objects.filter(cooperator=cooperator).update(comment="")
        _delete_with_history(FamilyDocument.objects.filter(cooperator=cooperator))
    return [KEPT]


def union_of(user):
    """The Union that holds the cooperator's file: its admins may process an erasure request."""
    return list(_cooperators(user).values_list("cooperative__union_id", flat=True))


register(
    SpaceDeclaration(
        key="benefits",
        slug="prestations",
        identifier_label=_(
            "Prestations : votre numéro de famille suivi de vos initiales (par exemple F004217MD), "
            "ou votre adresse e-mail"
        ),
        forgot_password=ForgotPassword.TEMPORARY,
        forgot_by=ForgotBy.LOGIN,
        erasure_scope=ErasureScope.SPACE,
        erasure_organisations=union_of,
        consent_publishers=("union_officer",),
        export=export,
        anonymise=anonymise,
        kept=KEPT,
        order=10,
    )
)
