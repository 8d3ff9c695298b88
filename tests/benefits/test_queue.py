"""Issue 9, the officers' queue and stale clicks: filters that say what they do, counts of what can be taken,
only the actions that will work, and a message (not a bare 403) for a click on a page gone stale."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from benefits.enums import RequestState
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    catalogue()
    coop = CooperativeFactory()
    family = cooperator_with_account(coop)
    requests = {
        state: BenefitRequestFactory(cooperator=family, state=state, amount="60.00" if state != "entered" else None)
        for state in (RequestState.AWAITING, RequestState.ENTERED, RequestState.PROCESSING, RequestState.REFUSED)
    }
    return {
        "coop": coop,
        "family": family,
        "requests": requests,
        "officer": member(Role.UNION_OFFICER, organisation=coop.union),
    }


def _table(html):
    return html.split("<table", 1)[1].split("</table>", 1)[0]


def test_queue_state_filter_all_means_all_and_filters_combine(client, world):
    sign_in(client, world["officer"])
    url = reverse("benefits:queue")
    refs = {state: r.reference for state, r in world["requests"].items()}
    html = client.get(url).content.decode()
    assert refs["entered"] in _table(html) and refs["processing"] in _table(html)
    assert refs["refused"] not in _table(html) and refs["awaiting"] not in _table(html)
    assert "À traiter (saisies et en cours)" in html
    # "Tous" really is every state.
    html = client.get(url + "?etat=tous").content.decode()
    assert all(ref in _table(html) for ref in refs.values())
    # Another filter keeps the default state filter (it no longer brings every state back).
    html = client.get(url + f"?cooperative={world['coop'].organisation.name}").content.decode()
    assert refs["refused"] not in _table(html) and refs["entered"] in _table(html)
    # The header counts what can be taken: not the request still awaiting the cooperative's approval.
    assert "1 saisie(s) à prendre en charge, 1 en cours de traitement." in html


def test_only_working_actions_are_shown_and_a_stale_click_gets_a_message(client, world):
    paid = BenefitRequestFactory(cooperator=world["family"], paid=True)
    sign_in(client, world["family"].user)
    html = client.get(reverse("benefits:request_detail", args=[paid.pk])).content.decode()
    assert "Retirer la demande" not in html
    response = client.post(reverse("benefits:request_withdraw", args=[paid.pk]), follow=True)
    assert response.status_code == 200
    assert "n’est pas possible dans l’état actuel (« Payée »)" in response.content.decode()
    paid.refresh_from_db()
    assert paid.state == RequestState.PAID


def test_the_queue_counts_its_rows_once_and_stays_within_twelve_queries(client, world):
    from tests.utils.queries import assert_constant_queries, count_queries

    sign_in(client, world["officer"])
    url = reverse("benefits:queue")
    client.get(url)
    queries = [q["sql"] for q in count_queries(client, url)]
    assert not [sql for sql in queries if sql.startswith("SELECT COUNT(*)")]  # the per-state counts are its count
    assert "2 résultats" in client.get(url).content.decode()
    count = assert_constant_queries(
        client,
        url + "?etat=tous&page=2&par_page=10",
        lambda n: BenefitRequestFactory.create_batch(n * 6, cooperator=world["family"], state=RequestState.PROCESSING),
        few=2,
        more=3,
    )
    assert count <= 12


@pytest.mark.django_db
def test_the_queue_reads_a_states_ids_from_its_own_index():
    """benefits_req_state_created serves the queue filtered by state in its default order (created_at, pk):
    a deep page's ids are read from the index (state, created_at, id, cooperative_id) alone."""
    from django.db import connection, transaction

    from benefits.models import BenefitRequest

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, BenefitRequest._meta.db_table)
    assert constraints["benefits_req_state_created"]["columns"] == ["state", "created_at", "id", "cooperative_id"]
    if connection.vendor != "postgresql":
        return
    ids = (
        BenefitRequest.objects.filter(state=RequestState.PAID, cooperative__union_id=1)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[500:525]
    )
    sql, params = ids.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using benefits_req_state_created" in plan, plan
