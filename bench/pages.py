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
]
