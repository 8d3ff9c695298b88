"""PDF documents drawn with reportlab: contracts of mission (from the mission's data) and payslips
for the demo and tests. The signed contract's certificate page is in interim/signature.py."""

import io

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas


def _page(title, lines, *, subject=""):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor("Guichet")
    pdf.setSubject(subject or title)
    width, height = A4
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, height - 25 * mm, title)
    pdf.setFont("Helvetica", 11)
    y = height - 40 * mm
    for line in lines:
        pdf.drawString(20 * mm, y, str(line))
        y -= 7 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def contract_pdf(contract):
    mission = contract.mission
    worker = contract.worker
    return _page(
        f"Contrat de mission n° {contract.reference}",
        [
            f"Agence : {contract.agency}",
            f"Intérimaire : {worker.user.get_full_name()} (n° {worker.number})",
            f"Entreprise utilisatrice : {mission.client}",
            f"Qualification : {mission.qualification}",
            f"Lieu : {mission.place_name} {mission.street}, {mission.postcode} {mission.town}",
            f"Du {date_format(mission.start_date, 'd/m/Y')} au {date_format(mission.end_date, 'd/m/Y')}",
            f"Horaires : {mission.hours}",
            f"Taux horaire brut : {mission.hourly_rate} €",
            f"Établi le {date_format(timezone.localdate(), 'd/m/Y')}",
        ],
    )


def payslip_pdf(worker, number, period):
    return _page(
        f"Bulletin de salaire {number}",
        [
            f"Agence : {worker.agency}",
            f"Salarié : {worker.user.get_full_name()} (n° {worker.number})",
            f"Période : {date_format(period, 'F Y')}",
        ],
    )


def document_pdf(worker, title, number):
    return _page(title, [f"Agence : {worker.agency}", f"Salarié : {worker.user.get_full_name()}", f"N° {number}"])


def amendment_pdf(contract, amendment):
    """The amendment of a contract whose dates changed: the contract's data with the new dates."""
    mission = contract.mission
    worker = contract.worker
    return _page(
        f"Avenant n° {amendment.number} au contrat {contract.reference}",
        [
            f"Agence : {contract.agency}",
            f"Intérimaire : {worker.user.get_full_name()} (n° {worker.number})",
            f"Entreprise utilisatrice : {mission.client}",
            f"Qualification : {mission.qualification}",
            f"Lieu : {mission.place_name} {mission.street}, {mission.postcode} {mission.town}",
            "Les dates de la mission sont modifiées :",
            f"  anciennes : du {date_format(amendment.previous_start, 'd/m/Y')}"
            f" au {date_format(amendment.previous_end, 'd/m/Y')}",
            f"  nouvelles : du {date_format(amendment.start_date, 'd/m/Y')}"
            f" au {date_format(amendment.end_date, 'd/m/Y')}",
            f"Motif : {amendment.reason or '-'}",
            f"Horaires : {mission.hours}",
            "Les autres clauses du contrat sont inchangées.",
            f"Établi le {date_format(timezone.localdate(), 'd/m/Y')}",
        ],
    )
