"""Pages of the exchanges: permission matrix per view, foreign ids, constant queries on lists, the
form's French messages (nothing typed lost), reads logged, slips as page, PDF and CSV."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from partners.evaluations.enums import EvaluationState
from partners.evaluations.models import Evaluation, EvaluationRead, PaymentSlip
from tests.accounts.factories import MembershipFactory
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .evaluation_factories import EvaluationFactory, evaluation_convention, exchange_pair, fee, structure_member
from .factories import PartnerFactory, fund_admin, partner_member

pytestmark = pytest.mark.django_db

FUND_PAGES = ["partners:eval_fund_list", "partners:eval_order", "partners:eval_fund_slips", "partners:eval_fees"]
STRUCTURE_PAGES = [
    "partners:eval_orders",
    "partners:eval_in_progress",
    "partners:eval_transmission",
    "partners:eval_transmitted",
    "partners:eval_slips",
    "partners:eval_history",
]


def _roles():
    """Every kind of visitor: {name: membership}."""
    admin, member, _convention = exchange_pair()
    return {
        "fund_admin": admin,
        "structure": member,
        "partner_without_evaluation_convention": partner_member(PartnerFactory(), is_admin=True),
        "national_admin": MembershipFactory(role=Role.NATIONAL_ADMIN, is_admin=True),
    }


@pytest.mark.parametrize("name", FUND_PAGES + STRUCTURE_PAGES)
def test_permission_matrix(client, name):
    expected = {
        "fund_admin": 200 if name in FUND_PAGES else 403,
        "structure": 200 if name in STRUCTURE_PAGES else 403,
        "partner_without_evaluation_convention": 403,
        "national_admin": 403,
    }
    for role, membership in _roles().items():
        client.logout()
        sign_in(client, membership.user)
        response = client.get(reverse(name))
        assert response.status_code == expected[role], f"{name} as {role}: {response.status_code}"


def test_menu_entries_only_with_a_validated_evaluation_convention(client):
    member = partner_member(PartnerFactory(), is_admin=True)
    sign_in(client, member.user)
    assert "Commande d'évaluation" not in client.get(reverse("portal:dashboard")).content.decode()
    evaluation_convention(partner=member.organisation.partner)
    page = client.get(reverse("portal:dashboard")).content.decode()
    for label in (
        "Commande d&#x27;évaluation",
        "Evaluations en cours",
        "Bordereaux de paiements",
        "Historique prestataire",
    ):
        assert label in page


def test_a_fund_never_sees_another_funds_evaluation_nor_a_structure_anothers(client):
    admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.TRANSMITTED, filled=True)
    sign_in(client, fund_admin().user)
    assert client.get(reverse("partners:eval_fund_detail", args=[evaluation.pk])).status_code == 404
    client.logout()
    other = structure_member(evaluation_convention().partner)
    sign_in(client, other.user)
    assert client.get(reverse("partners:eval_form", args=[evaluation.pk])).status_code == 404
    assert not EvaluationRead.objects.exists()


@pytest.mark.parametrize(
    ("name", "membership_key", "rows"),
    [
        ("partners:eval_fund_list", "admin", lambda c, n: EvaluationFactory.create_batch(n, convention=c)),
        ("partners:eval_orders", "member", lambda c, n: EvaluationFactory.create_batch(n, convention=c)),
        (
            "partners:eval_in_progress",
            "member",
            lambda c, n: EvaluationFactory.create_batch(n, convention=c, state=EvaluationState.ASSIGNED),
        ),
        (
            "partners:eval_transmission",
            "member",
            lambda c, n: EvaluationFactory.create_batch(
                n, convention=c, state=EvaluationState.IN_PROGRESS, filled=True
            ),
        ),
        (
            "partners:eval_transmitted",
            "member",
            lambda c, n: EvaluationFactory.create_batch(
                n, convention=c, state=EvaluationState.TRANSMITTED, filled=True
            ),
        ),
    ],
)
def test_lists_take_constant_queries(client, name, membership_key, rows):
    admin, member, convention = exchange_pair()
    membership = {"admin": admin, "member": member}[membership_key]
    sign_in(client, membership.user)
    assert_constant_queries(client, reverse(name), lambda n: rows(convention, n))


def test_history_takes_constant_queries(client):
    admin, member, convention = exchange_pair()
    sign_in(client, member.user)

    def exchanges(n):
        from partners.evaluations import services

        for _ in range(n):
            services.evaluation_order(
                membership=admin,
                convention=convention,
                data={
                    "evaluation_type": "initial",
                    "last_name": "Nom",
                    "first_name": "Prénom",
                    "birth_date": datetime.date(1940, 1, 1),
                    "address": "1 rue",
                    "postcode": "62000",
                    "town": "Arras",
                    "phone": "",
                    "pension_number": "",
                    "reason": "Motif",
                    "deadline": timezone.localdate() + datetime.timedelta(days=5),
                },
                actor=admin.user,
            )

    assert_constant_queries(client, reverse("partners:eval_history"), exchanges)


def _form_data(evaluation, **overrides):
    data = {"version": evaluation.version, "action": "draft", "visit_date": "", "needs": "Aide au ménage"}
    data.update(overrides)
    return data


def test_the_form_keeps_what_was_typed_and_says_in_french_what_is_wrong(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user)
    sign_in(client, member.user)
    url = reverse("partners:eval_form", args=[evaluation.pk])
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        url,
        _form_data(
            evaluation,
            visit_date=future,
            aggir_coherence="D",
            aid_1="home_help",
            hours_1="douze",
            aid_2="",
            hours_2="4",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "futur" in page
    assert "Choisissez A, B ou C." in page
    assert "Indiquez un nombre d&#x27;heures par mois" in page
    assert "Choisissez l&#x27;aide correspondant à ces heures." in page
    assert "Aide au ménage" in page and "douze" in page  # nothing typed is lost
    evaluation.refresh_from_db()
    assert evaluation.needs == "" and evaluation.state == EvaluationState.ASSIGNED


def test_finishing_an_incomplete_evaluation_keeps_the_draft(client):
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user)
    sign_in(client, member.user)
    url = reverse("partners:eval_form", args=[evaluation.pk])
    response = client.post(url, _form_data(evaluation, action="finish", aggir_coherence="B"))
    assert response.status_code == 400
    assert "Cotez toutes les variables discriminantes" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.needs == "Aide au ménage" and evaluation.aggir == {"coherence": "B"}
    assert evaluation.state == EvaluationState.IN_PROGRESS and not evaluation.ready


def test_a_report_is_checked_by_its_content(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, evaluator=member.user)
    sign_in(client, member.user)
    fake = SimpleUploadedFile("compte-rendu.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("partners:eval_form", args=[evaluation.pk]), {**_form_data(evaluation), "report": fake}
    )
    assert response.status_code == 400
    evaluation.refresh_from_db()
    assert not evaluation.report


def test_every_read_of_the_health_data_is_logged(client):
    admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.TRANSMITTED, filled=True)
    sign_in(client, admin.user)
    response = client.get(reverse("partners:eval_fund_detail", args=[evaluation.pk]))
    assert response.status_code == 200 and "GIR 4" in response.content.decode()
    read = EvaluationRead.objects.get()
    assert (read.user, read.organisation_id, read.what) == (admin.user, admin.organisation_id, "fund_detail")


def test_the_fund_does_not_see_a_draft(client):
    admin, _member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, filled=True)
    sign_in(client, admin.user)
    page = client.get(reverse("partners:eval_fund_detail", args=[evaluation.pk])).content.decode()
    assert "GIR 4" not in page and not EvaluationRead.objects.exists()


def test_the_fund_sends_back_with_a_comment_required_in_french(client):
    admin, _member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.TRANSMITTED, filled=True)
    sign_in(client, admin.user)
    url = reverse("partners:eval_fund_detail", args=[evaluation.pk])
    response = client.post(url, {"action": "send_back", "reason": ""})
    assert response.status_code == 400 and "Indiquez ce qui est à corriger." in response.content.decode()
    client.post(url, {"action": "send_back", "reason": "Revoir le plan."})
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.RETURNED and evaluation.decision_reason == "Revoir le plan."


def test_slip_page_pdf_and_csv_for_both_sides_with_neutralised_cells(client):
    admin, member, convention = exchange_pair()
    fee(admin.organisation)
    EvaluationFactory(convention=convention, state=EvaluationState.ACCEPTED, filled=True, last_name="=HYPERLINK(1)")
    sign_in(client, admin.user)
    response = client.post(reverse("partners:eval_fund_slips"), {"convention": convention.pk, "evaluation": []})
    assert response.status_code == 200  # nothing chosen: refused on the page
    evaluation = Evaluation.objects.get()
    response = client.post(
        reverse("partners:eval_fund_slips"), {"convention": convention.pk, "evaluation": [evaluation.pk]}
    )
    slip = PaymentSlip.objects.get()
    assert response.status_code == 302 and response.url == slip.get_absolute_url()
    for membership in (admin, member):
        client.logout()
        sign_in(client, membership.user)
        assert client.get(reverse("partners:eval_slip", args=[slip.pk])).status_code == 200
        pdf = client.get(reverse("partners:eval_slip_pdf", args=[slip.pk]))
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
        csv_response = client.get(reverse("partners:eval_slip_csv", args=[slip.pk]))
        text = b"".join(csv_response.streaming_content).decode("utf-8")
        assert "'=HY***" in text and "180,00" in text
    client.logout()
    sign_in(client, fund_admin().user)
    assert client.get(reverse("partners:eval_slip_csv", args=[slip.pk])).status_code == 404


def _order_data(label, **fields):
    return {
        "convention": label,
        "evaluation_type": "initial",
        "last_name": "Lenoir",
        "first_name": "Albertine",
        "birth_date": "1938-05-02",
        "address": "12 rue des Tilleuls",
        "postcode": "59000",
        "town": "Lille",
        "reason": "Sortie d'hospitalisation.",
        "deadline": (timezone.localdate() + datetime.timedelta(days=15)).isoformat(),
        **fields,
    }


def test_the_fund_orders_from_a_structure_typed_and_suggested(client):
    """A fund chooses among up to 2,000 structures in a text box with suggestions (a datalist), not a
    select: a label not in the list is answered on the field, with nothing typed lost."""
    admin, _member, convention = exchange_pair()
    foreign = evaluation_convention()  # another fund's structure: never suggested, never accepted
    sign_in(client, admin.user)
    url = reverse("partners:eval_order")
    label = f"{convention.partner.organisation.name} — {convention.code}"
    page = client.get(url).content.decode()
    assert f'<option value="{label}">' in page and foreign.code not in page and 'list="id_convention-liste"' in page
    wrong = client.post(url, _order_data(f"{foreign.partner.organisation.name} — {foreign.code}"))
    html = wrong.content.decode()
    assert "Choisissez une structure de la liste proposée." in html and 'value="Albertine"' in html
    assert not Evaluation.objects.exists()
    done = client.post(url, _order_data(label))
    assert done.status_code == 302
    assert Evaluation.objects.get().convention == convention
