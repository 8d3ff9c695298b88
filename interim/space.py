"""The Espace intérimaire's declaration (core.spaces): account policies, and what "Mes données" and
an erasure do with the worker files (one per agency), diplomas, contracts (with their signing trail,
amendments and the hours entered by the client company), advances and payslips."""

from django.utils.translation import gettext_lazy as _

from core.spaces import ErasureScope, ForgotBy, ForgotPassword, SpaceDeclaration, model_row, register

KEPT = _(
    "Les bulletins de paie, attestations et certificats de travail sont conservés 5 ans (article L3243-4 du "
    "code du travail) ; les contrats signés, leur journal et leurs preuves 5 ans après la fin de la mission. "
    "Votre fiche (numéro de sécurité sociale, adresse, coordonnées bancaires, carte vitale), vos diplômes, "
    "disponibilités et préférences sont effacés."
)


def export(user):
    from .models import Worker

    files = []
    for worker in Worker.objects.filter(user=user).select_related("agency__organisation"):
        contracts = worker.contracts.select_related("mission").prefetch_related(
            "audit", "amendments", "timesheets__entries"
        )
        files.append(
            {
                "agence": str(worker.agency),
                "fiche": model_row(worker, exclude=("calendar_token",)),
                "modifications": [model_row(c) for c in worker.changes.all()],
                "diplômes": [model_row(d) for d in worker.diplomas.all()],
                "contrats": [_contract(c) for c in contracts],
                "acomptes": [model_row(a) for a in worker.advances.all()],
                "disponibilités": [model_row(a) for a in worker.availabilities.all()],
                "absences": [model_row(a) for a in worker.absences.all()],
                "créneaux": [model_row(s) for s in worker.slots.all()],
                "documents": [model_row(d) for d in worker.documents.all()],
                "documents_demandés": [model_row(d) for d in worker.document_requests.all()],
                "offres_de_mission": [model_row(o) for o in worker.offers.all()],
            }
        )
    return {"fiches_intérimaire": files} if files else {}


def _contract(contract):
    """A contract with what was recorded about its worker: the signing trail (addresses, browsers),
    the amendments, and the hours the client company entered week by week."""
    return {
        **model_row(contract, exclude=("verification_code",)),
        "journal_de_signature": [model_row(entry) for entry in contract.audit.all()],
        "avenants": [model_row(amendment) for amendment in contract.amendments.all()],
        "feuilles_d_heures": [
            {**model_row(sheet), "heures": [model_row(entry) for entry in sheet.entries.all()]}
            for sheet in contract.timesheets.all()
        ],
    }


def anonymise(user):
    from .models import Worker

    for worker in Worker.objects.filter(user=user):
        if worker.ss_card:
            worker.ss_card.delete(save=False)
        for diploma in worker.diplomas.all():
            diploma.file.delete(save=False)
        worker.diplomas.all().delete()
        for change in worker.changes.all():
            if change.proposed_file:
                change.proposed_file.delete(save=False)
        worker.changes.all().delete()
        worker.availabilities.all().delete()
        worker.nir = worker.street = worker.postcode = worker.town = worker.iban = worker.bank_holder = ""
        worker.mobility_km = None
        worker.family_situation = worker.work_period = ""
        worker.children = 0
        worker.ss_card = ""
        worker.save()
    return [KEPT]


register(
    SpaceDeclaration(
        key="interim",
        slug="interimaires",
        identifier_label=_("Espace intérimaire : votre adresse e-mail"),
        forgot_password=ForgotPassword.LINK,
        forgot_by=ForgotBy.EMAIL,
        erasure_scope=ErasureScope.SPACE,
        export=export,
        anonymise=anonymise,
        kept=KEPT,
        order=20,
    )
)
