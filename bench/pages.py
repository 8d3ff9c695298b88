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
    # Espace intérimaire: a worker of the volume agency (interim_seed_volume: ~40 contracts, a month of
    # validated hours, an advance) and the user of its first client company (26 weeks of timesheets).
    "worker": "ivol20001@volume.test",
    "client": "client@volume.test",
    # Espace Organismes (seed_demo): an agent with requests and rights, the CPAM's correspondent.
    "requester": "agent@cpam.demo",
    "correspondent": "correspondant@cpam.demo",
}

# Ids in paths: "{name}" in a path is filled at bench time with the value of RESOLVE[name], an expression
# evaluated in the bench's Django shell (bench/run.py, SESSION_SNIPPET) where `users` maps each role of
# ROLES to its account, `model("app.Model")` gives a model and Count is imported. Choose rows with the
# most related rows (documents, dependants, entries): those are the pages whose queries must not grow.
RESOLVE = {
    "hr_request": (
        "model('benefits.BenefitRequest').objects.filter(cooperative__organisation__memberships__user=users['hr'])"
        ".annotate(n=Count('documents')).order_by('-n', '-pk')[0].pk"
    ),
    "officer_request": (
        "model('benefits.BenefitRequest').objects.filter(cooperative__union__memberships__user=users['officer'], "
        "state='processing').annotate(n=Count('documents')).order_by('-n', '-pk')[0].pk"
    ),
    "cooperator": (
        "model('benefits.Cooperator').objects.filter(cooperative__union__memberships__user=users['officer'])"
        ".annotate(n=Count('dependants')).order_by('-n', 'pk')[0].pk"
    ),
    "preregistration": (
        "model('partners.PreRegistration').objects.filter(fund__memberships__user=users['fund'])"
        ".order_by('state', '-pk')[0].pk"
    ),
    "worker_contract": (
        "model('interim.Contract').objects.filter(worker__user=users['worker']).order_by('-created_at')[0].pk"
    ),
    "worker": "model('interim.Worker').objects.get(user=users['worker']).pk",
    "agency_mission": (
        "model('interim.Contract').objects.filter(worker__user=users['worker']).order_by('-created_at')[0].mission_id"
    ),
    "access_request": (
        "model('habilitations.AccessRequest').objects.filter(organisme__memberships__user=users['correspondent'], "
        "state='pending', application__management='local').order_by('-pk')[0].pk"
    ),
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
    Page("request detail (HR)", "/prestations/demandes/{hr_request}/", "hr", True),
    Page("request detail (officer)", "/prestations/demandes/{officer_request}/", "officer", True),
    Page("cooperator detail (officer)", "/prestations/cooperateurs/{cooperator}/", "officer"),
    Page("pre-registration (fund)", "/partenaires/caisse/preinscriptions/{preregistration}/", "fund"),
    # Espace intérimaire at volume (one agency: 5,000 workers, 200,000 contracts).
    Page("worker's home", "/tableau-de-bord/", "worker", True),
    Page("worker's planning", "/interimaires/plannings/", "worker", True),
    Page("worker's contracts", "/interimaires/contrats/", "worker", True),
    Page("worker's contract", "/interimaires/contrats/{worker_contract}/", "worker"),
    Page("worker's advances", "/interimaires/acomptes/", "worker"),
    Page("dashboard (agency)", "/tableau-de-bord/", "agency", True),
    Page("agency missions", "/interimaires/agence/missions/", "agency", True),
    Page("agency advances", "/interimaires/agence/acomptes/", "agency"),
    Page("agency's worker page", "/interimaires/agence/interimaires/{worker}/", "agency"),
    Page("agency's contract page", "/interimaires/agence/contrats/{worker_contract}/", "agency"),
    Page("agency's mission page", "/interimaires/agence/missions/{agency_mission}/", "agency"),
    Page("client timesheets", "/interimaires/feuilles-heures/", "client", True),
    Page("client hours entry", "/interimaires/heures/", "client"),
    # Espace Organismes (seed_demo's organismes).
    Page("my requests and rights (requester)", "/organismes/mes-informations/habilitations/", "requester", True),
    Page("correspondent's queue", "/organismes/a-valider/", "correspondent", True),
    Page("access request (correspondent)", "/organismes/a-valider/{access_request}/", "correspondent"),
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


def resolve(ids):
    """Fills the ids of every path (RESOLVE) in place, with `ids` {name: value} computed at bench time."""
    global PAGES, LISTS, DEEP, EXPORTS, STATISTICS

    def fill(path):
        return path.format(**ids) if "{" in path else path

    PAGES = [page._replace(path=fill(page.path)) for page in PAGES]
    LISTS = [item._replace(path=fill(item.path), admin_path=fill(item.admin_path)) for item in LISTS]
    DEEP = [item._replace(first=fill(item.first), deep=fill(item.deep)) for item in DEEP]
    EXPORTS = [item._replace(path=fill(item.path)) for item in EXPORTS]
    STATISTICS = (STATISTICS[0], fill(STATISTICS[1]), STATISTICS[2])
