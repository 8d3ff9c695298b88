"""The pages the bench measures. Each space adds its own pages here.

label: the table's row name; path: the URL; login: True to request it as the bench user (a demo account).
The first page is the baseline: a bare template view, every other page's p50 is compared to its p50.
"""

from collections import namedtuple

Page = namedtuple("Page", "label path login")

PAGES = [
    Page("baseline", "/bench/baseline/", False),
    # The same bare view for a signed-in user: what every signed-in page pays (session write, gates).
    Page("baseline-auth", "/bench/baseline/", True),
    Page("home", "/", False),
    Page("dashboard", "/tableau-de-bord/", True),
    # Prestations, as the HR manager of the demo Scop (the default bench user). The volumes and the
    # officers' queue are measured by bench/benefits_volume.py.
    Page("benefits-requests", "/prestations/demandes/", True),
    Page("benefits-cooperators", "/prestations/cooperateurs/", True),
    Page("benefits-extraction", "/prestations/extractions/cooperateurs.xlsx", True),
]
