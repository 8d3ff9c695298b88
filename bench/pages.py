"""What the bench measures (bench/run.py), on the spec's volumes. Each space adds its own pages here.

Roles: the demo accounts the bench signs in as (sessions made server-side, second factor verified,
consents accepted). Every page is measured in alternating adjacent pairs against its reference:
the anonymous bare view for PAGES, Django admin's changelist of the same rows for LISTS, page 1 for
DEEP; EXPORTS are timed from the first byte.
"""

from collections import namedtuple

ROLES = {
    "hr": "rh@ateliers-canal.demo",
    "officer": "gestion@union.demo",
    "fund": "caisse@carsat.demo",
    "admin": "admin",
    "agency": "agence@coop-emploi.demo",
}

# label, path, role (None: anonymous), key: a key page (target >= 0.2x the bare view, p95 <= 150 ms)
Page = namedtuple("Page", "label path role key", defaults=(False,))

BASELINE = Page("bare view, anonymous", "/bench/baseline/", None)

PAGES = [
    Page("bare view, signed in (HR)", "/bench/baseline/", "hr"),
    Page("dashboard (HR)", "/tableau-de-bord/", "hr", True),
    Page("dashboard (officer)", "/tableau-de-bord/", "officer", True),
    Page("HR requests", "/prestations/demandes/", "hr", True),
    Page("officers' queue", "/prestations/instruction/", "officer", True),
    Page("cooperators (officer)", "/prestations/cooperateurs/", "officer", True),
    Page("fund queue", "/partenaires/caisse/", "fund", True),
    Page("statistics (officer)", "/prestations/statistiques/", "officer"),
]

# label, our list at 100 rows a page, its role, Django admin's changelist of the same rows (100 a page)
List = namedtuple("List", "label path role admin_path")

LISTS = [
    List(
        "paid requests, 100 rows",
        "/prestations/instruction/?etat=paid&par_page=100",
        "officer",
        "/admin/benefits/benefitrequest/?state__exact=paid",
    ),
    List("cooperators, 100 rows", "/prestations/cooperateurs/?par_page=100", "officer", "/admin/benefits/cooperator/"),
    # Espace intérimaire, the agency at volume (interim_seed_volume: 5,000 workers, 200,000 contracts).
    List(
        "agency workers, 100 rows",
        "/interimaires/agence/interimaires/?par_page=100",
        "agency",
        "/admin/interim/worker/",
    ),
    List(
        "agency validation queue, 100 rows",
        "/interimaires/agence/a-valider/?par_page=100",
        "agency",
        "/admin/interim/profilechange/?state__exact=pending",
    ),
]

# label, first page, deep page, role (target: the deep page within 1.5x the first page's time)
Deep = namedtuple("Deep", "label first deep role")

DEEP = [
    Deep(
        "queue, paid: page 1,000 vs 1",
        "/prestations/instruction/?etat=paid",
        "/prestations/instruction/?etat=paid&page=1000",
        "officer",
    ),
]

# label, path, role, plain: the SQL of the same rows, dumped with COPY ... TO STDOUT CSV for comparison
Export = namedtuple("Export", "label path role plain")

EXPORTS = [
    Export(
        "cooperators .xlsx (officer, 20,000 rows)",
        "/prestations/extractions/cooperateurs.xlsx",
        "officer",
        "SELECT c.*, o.name FROM benefits_cooperator c JOIN benefits_cooperative k ON k.id = c.cooperative_id "
        "JOIN accounts_organisation o ON o.id = k.organisation_id ORDER BY o.name, c.sort_name",
    ),
]

# label, page whose SQL time is the target (<= 50 ms at volume)
STATISTICS = ("statistics: SQL", "/prestations/statistiques/", "officer")
