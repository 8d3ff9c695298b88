"""Asserts that a view's query count does not grow with the number of rows it shows.

    def test_list_is_constant(client):
        client.force_login(user)
        assert_constant_queries(client, url, lambda n: RequestFactory.create_batch(n, ...))

The helper creates `few` rows, requests the page (a first, unmeasured request warms up caches such
as the session and content types), counts the queries, creates `more` rows, counts again, and fails
with both query lists when the counts differ.
"""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import fragments


def _fetch(client_or_callable, url):
    if callable(client_or_callable) and not hasattr(client_or_callable, "get"):
        return client_or_callable()
    response = client_or_callable.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    # Render lazy responses fully (templates evaluate querysets while rendering).
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def count_queries(client_or_callable, url=None):
    """Runs the request (or callable) once and returns the captured queries: with every fragment
    rendered (core.fragments kept none), what the page costs when it is rendered."""
    with fragments.disabled(), CaptureQueriesContext(connection) as ctx:
        _fetch(client_or_callable, url)
    return ctx.captured_queries


def _describe(queries):
    return "\n".join(f"  {i + 1}. {q['sql'][:300]}" for i, q in enumerate(queries))


def _page_queries(queries):
    """The queries of the page itself: without the session's read, which the test settings make in the
    database while production (cached_db with Redis) reads it from the cache."""
    return [q for q in queries if 'FROM "django_session"' not in q["sql"]]


def assert_constant_queries(client_or_callable, url=None, make_rows=None, *, few=1, more=5, at_most=None):
    """Fails when showing `few + more` rows takes more queries than showing `few` rows.

    client_or_callable: a Django test client (then `url` is requested with GET) or a callable doing
    the work (then `url` is ignored). make_rows(n): creates n more rows the view should show.
    at_most: also fails when the page runs more queries than that, the session's read not counted
    (the performance issue's limit is 12 a page).
    """
    assert make_rows is not None, "make_rows(n) is required"
    make_rows(few)
    _fetch(client_or_callable, url)  # warm-up: session, content types, permission caches
    first = count_queries(client_or_callable, url)
    make_rows(more)
    second = count_queries(client_or_callable, url)
    assert len(first) == len(second), (
        f"The query count grows with the rows: {len(first)} queries with {few} row(s), "
        f"{len(second)} with {few + more}.\nWith {few}:\n{_describe(first)}\nWith {few + more}:\n{_describe(second)}"
    )
    if at_most is not None:
        page = _page_queries(second)
        assert len(page) <= at_most, f"{len(page)} queries, more than {at_most}:\n{_describe(page)}"
    return len(first)


@contextmanager
def constant_queries():
    """Context-manager style: measure two runs of the same code and compare them.

    with constant_queries() as measure:
        make_rows(1)
        with measure():
            client.get(url)
        make_rows(5)
        with measure():
            client.get(url)
    """
    runs = []

    @contextmanager
    def measure():
        with fragments.disabled(), CaptureQueriesContext(connection) as ctx:
            yield ctx
        runs.append(ctx.captured_queries)

    yield measure
    assert len(runs) >= 2, "measure() at least twice"
    counts = [len(run) for run in runs]
    assert len(set(counts)) == 1, f"The query count changed between runs: {counts}\n" + "\n---\n".join(
        _describe(run) for run in runs
    )


def kept_page(client, url, table):
    """The page's HTML, failing unless it was served from a kept fragment (core/fragments.py): `table`,
    which the fragment reads when rendered, is not queried."""
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    read = [query["sql"] for query in ctx.captured_queries if f'"{table}"' in query["sql"]]
    assert not read, f"rendered again, not kept: {read}"
    return html
