import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core.tables import Column, DataTable, FilterForm
from tests.accounts.factories import OrganisationFactory
from tests.utils.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


class Filters(FilterForm):
    lookups = {"q": "name__icontains"}
    q = forms.CharField(required=False, label="Nom")
    kind = forms.ChoiceField(required=False, label="Type", choices=[("", "Tous"), *OrganisationKind.choices])


COLUMNS = [
    Column("name", "Nom", order_by="name"),
    Column("kind", "Type", order_by="kind"),
    Column("parent", "Rattachée à", accessor="parent.name", order_by="parent__name"),
    Column("code", "Code"),
]


def make_table(query="", **kwargs):
    request = RequestFactory().get("/liste/" + (f"?{query}" if query else ""))
    options = {"columns": COLUMNS, "filter_form_class": Filters, "default_sort": "name", "caption": "Organisations"}
    options.update(kwargs)
    # Regimes and funds (with codes) are reference data loaded by a migration (partners): not this test's rows.
    return request, DataTable(request, Organisation.objects.filter(code="").select_related("parent"), **options)


def render(request, table):
    return render_to_string("components/data_table.html", {"table": table}, request=request)


@pytest.fixture
def organisations():
    return [OrganisationFactory(name=name) for name in ["Bêta", "Alpha", "Gamma", "Delta"]]


def names(table):
    return [row["object"].name for row in table.rows()]


def test_default_sort_and_toggle(organisations):
    request, table = make_table()
    assert names(table) == ["Alpha", "Bêta", "Delta", "Gamma"]
    headers = {h.column.key: h for h in table.headers()}
    assert headers["name"].aria_sort == "ascending"
    assert headers["name"].sort_value == "-name"  # clicking sorts descending
    assert headers["kind"].aria_sort is None
    assert headers["kind"].sort_value == "kind"
    assert headers["code"].sort_value is None  # not sortable
    request, table = make_table("tri=-name")
    assert names(table) == ["Gamma", "Delta", "Bêta", "Alpha"]
    assert {h.column.key: h for h in table.headers()}["name"].aria_sort == "descending"


def test_sort_keys_are_allowlisted(organisations):
    for bad in ("password", "-code", "name__foo", "organisation_set"):
        _, table = make_table(f"tri={bad}")
        assert table.sort == "name"
        assert names(table)[0] == "Alpha"


def test_filters_count_and_reset(organisations):
    _, table = make_table("q=ta&kind=cooperative&tri=-name&par_page=10&page=1")
    assert names(table) == ["Delta", "Bêta"]
    assert table.active_filter_count == 2
    assert table.reset_params.dict() == {"tri": "-name", "par_page": "10"}
    assert sorted(table.filter_hidden_params) == [("par_page", "10"), ("tri", "-name")]
    _, table = make_table("q=&kind=")
    assert table.active_filter_count == 0


def test_invalid_filter_does_not_filter(organisations):
    _, table = make_table("kind=martian")
    assert table.active_filter_count == 0
    assert table.total == 4
    assert table.filter_form.errors


def test_page_size_and_pagination():
    OrganisationFactory.create_batch(23)
    _, table = make_table("par_page=10&page=3")
    assert table.page_size == 10
    assert table.total == 23
    assert table.paginator.num_pages == 3
    assert len(table.rows()) == 3
    _, table = make_table("par_page=7&page=abc")  # not an allowed size, not a number
    assert table.page_size == 25
    assert table.page.number == 1
    _, table = make_table("page=99")
    assert table.page.number == 1  # get_page: the last page (1 page of 25)


def test_rendering_keeps_querystring_and_marks_sort(organisations):
    OrganisationFactory.create_batch(10)
    request, table = make_table("q=a&tri=name&par_page=10&page=2")
    html = render(request, table)
    assert 'aria-sort="ascending"' in html
    # Sorting keeps the filters and page size but goes back to page 1.
    assert 'href="?q=a&amp;tri=-name&amp;par_page=10"' in html
    # Pagination keeps everything else.
    assert 'href="?q=a&amp;tri=name&amp;par_page=10&amp;page=1" rel="prev"' in html
    assert 'aria-label="Pagination"' in html
    assert "Page 2 sur 2" in html
    assert "1 filtre actif" in html
    assert 'href="?tri=name&amp;par_page=10"' in html  # reset link: no filter, no page
    assert "résultats" in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html


def test_empty_table_shows_empty_state():
    request, table = make_table("q=zzz")
    html = render(request, table)
    assert "Aucun résultat ne correspond à ces filtres." in html
    assert "<table" not in html


def test_accessor_paths_and_links(organisations):
    fund = OrganisationFactory(kind=OrganisationKind.FUND, name="Caisse Est")
    columns = [
        Column("name", "Nom", link=lambda org: f"/org/{org.pk}/"),
        Column("kind", "Type"),
        Column("parent", "Parent", accessor="parent.name"),
    ]
    request, table = make_table("q=Caisse", columns=columns, default_sort=None)
    [row] = table.rows()
    cells = row["cells"]
    assert cells[0]["link"] == f"/org/{fund.pk}/"
    assert cells[1]["value"] == "Caisse"  # get_kind_display
    assert cells[2]["value"] == fund.parent.name
    html = render(request, table)
    assert f'<th scope="row"><a href="/org/{fund.pk}/">Caisse Est</a></th>' in html


def test_constant_query_count(client, settings):
    def view():
        request, table = make_table("tri=parent")
        return render(request, table)

    count = assert_constant_queries(
        view, make_rows=lambda n: OrganisationFactory.create_batch(n, kind=OrganisationKind.FUND), few=2, more=8
    )
    assert count == 2  # count + page


def test_dates_and_times_are_shown_in_europe_paris(settings):
    """A datetime stored in UTC shows in Europe/Paris: 23:30 UTC on 31 December is 1 January in Paris."""
    import datetime

    from django.utils import timezone

    assert settings.TIME_ZONE == "Europe/Paris"
    stamp = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    org = OrganisationFactory(name="Horodatée")
    columns = [
        Column("name", "Nom"),
        Column("at", "Reçu le", accessor=lambda row: stamp),
        Column("day", "Reçue le", accessor=lambda row: stamp, date_only=True),
        Column("plain", "Date", accessor=lambda row: datetime.date(2026, 2, 3)),
    ]
    request = RequestFactory().get("/liste/")
    table = DataTable(request, Organisation.objects.filter(pk=org.pk), columns=columns)
    with timezone.override("Europe/Paris"):
        html = render(request, table)
    assert "01/01/2026 00:30" in html
    assert ">01/01/2026<" in html.replace("\n", "")
    assert "03/02/2026" in html
    assert "31/12/2025" not in html


def test_no_strftime_in_views():
    """Views hand dates to templates (filters local_date / local_datetime), never strftime: that showed UTC."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("*/views.py"), *root.glob("*/views/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "strftime":
                continue
            receiver = node.func.value
            local = isinstance(receiver, ast.Call) and getattr(receiver.func, "attr", "") in {"localdate", "localtime"}
            if not local:
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not offenders, "strftime in views (show dates through the template filters):\n" + "\n".join(offenders)


def test_local_date_filters():
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    stamp = datetime.datetime(2026, 6, 30, 22, 15, tzinfo=datetime.UTC)
    template = Template(
        "{% load guichet %}{{ at|local_date }}|{{ at|local_datetime }}|{{ at|local_time }}|{{ none|local_date }}"
    )
    with timezone.override("Europe/Paris"):
        assert template.render(Context({"at": stamp, "none": None})) == "01/07/2026|01/07/2026 00:15|00:15|"


def test_cells_are_rendered_in_python_escaped_linked_and_dashed(organisations):
    from core.tables import badge_html, date_cell

    OrganisationFactory(name="<b>Gras</b>")
    columns = [
        Column("name", "Nom", order_by="name", link=lambda o: f"/o/{o.pk}/?a=1&b=2"),
        Column("parent", "Rattachée à", accessor="parent.name"),
        Column("created", "Créée", accessor=lambda o: None, render=date_cell),
        Column("badge", "État", accessor=lambda o: o.name, render=lambda row, value: badge_html(value, "pink")),
    ]
    request, table = make_table("tri=name", columns=columns)
    html = render(request, table)
    assert "&lt;b&gt;Gras&lt;/b&gt;" in html and "<b>Gras</b>" not in html
    assert '<a href="/o/' in html and "?a=1&amp;b=2" in html
    assert "<td>—</td>" in html  # no parent, no date
    assert '<span class="badge badge-grey">Alpha</span>' in html  # unknown colour: grey


def test_a_cell_template_gets_row_value_and_the_csrf_token(organisations, tmp_path, settings):
    (tmp_path / "cell.html").write_text("<form>{% csrf_token %}{{ row.name }}:{{ value }}</form>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    columns = [
        Column("name", "Nom", order_by="name"),
        Column("form", "Action", accessor="kind", cell_template="cell.html"),
    ]
    request, table = make_table("tri=name", columns=columns)
    html = render(request, table)
    assert 'name="csrfmiddlewaretoken"' in html and "Alpha:" in html


def test_a_rendered_column_beside_a_cell_template(organisations, tmp_path, settings):
    from core.tables import badge_html

    (tmp_path / "cell.html").write_text("[{{ value }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    columns = [
        Column("name", "Nom", order_by="name", render=lambda row, value: badge_html(value, "green")),
        Column("form", "Action", accessor="name", cell_template="cell.html"),
    ]
    request, table = make_table("tri=name", columns=columns)
    html = render(request, table)
    assert '<span class="badge badge-green">Alpha</span>' in html and "[Alpha]" in html


def test_a_deep_page_reads_its_ids_then_its_rows_in_the_same_order(monkeypatch):
    import core.tables

    for index in range(30):
        OrganisationFactory(name=f"Org {index:02d}")
    _request, plain = make_table("tri=-name&page=2&par_page=10")
    monkeypatch.setattr(core.tables, "DEFERRED_JOIN_OFFSET", 5)
    _request, deferred = make_table("tri=-name&page=2&par_page=10")
    assert names(deferred) == names(plain) and len(names(plain)) == 10
    assert deferred.total == plain.total and deferred.page.number == 2


def test_a_count_given_by_the_view_is_not_counted_again(organisations, django_assert_num_queries):
    request = RequestFactory().get("/liste/")
    queryset = Organisation.objects.filter(code="").select_related("parent")
    with django_assert_num_queries(1):  # the page only
        table = DataTable(request, queryset, columns=COLUMNS, default_sort="name", count=4)
        assert len(table.rows()) == 4 and table.total == 4


# -- the component rendered in Python (DataTable.render) ------------------------------------------


def test_hostile_values_are_escaped_everywhere(organisations):
    """Cells, links, caption, filter values carried along and sort values: escaped; a spreadsheet
    formula is only text in HTML (shown as typed)."""
    OrganisationFactory(name="<script>alert(1)</script>")
    OrganisationFactory(name="=cmd|' /C calc'!A0")
    columns = [
        Column("name", "<i>Nom</i>", order_by="name", link=lambda o: f'/o/"{o.pk}"/'),
        Column("code", "Code", accessor=lambda o: o.name),
    ]
    request, table = make_table(
        'q=<script>&tri=name&x="><img src=x>', columns=columns, caption="<b>Liste</b>", filter_form_class=None
    )
    html = render(request, table)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<b>Liste" not in html and "<i>Nom" not in html
    assert "&lt;b&gt;Liste&lt;/b&gt;" in html and "&lt;i&gt;Nom&lt;/i&gt;" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html
    assert 'href="/o/&quot;' in html
    # The sort link keeps the other parameters, URL-encoded then escaped.
    assert 'href="?q=%3Cscript%3E&amp;tri=-name&amp;x=%22%3E%3Cimg+src%3Dx%3E"' in html


def test_filter_values_carried_along_are_escaped(organisations):
    request, table = make_table('q=Al&tri=name&par_page="><b>')
    html = render(request, table)
    assert '<input type="hidden" name="par_page" value="&quot;&gt;&lt;b&gt;">' in html
    assert '<input type="text" name="q" value="Al" id="id_q">' in html


def test_headers_scope_caption_and_aria_sort(organisations):
    request, table = make_table("tri=-kind&page=1")
    html = render(request, table)
    assert '<caption id="liste-caption">Organisations</caption>' in html  # one page: no "page 1 sur 1"
    assert html.count('<th scope="col"') == 4 and html.count('<th scope="row">') == 4
    assert '<th scope="col" aria-sort="descending">' in html
    # The sorted column toggles; the others sort ascending first; the page is dropped.
    assert 'href="?tri=kind">Type<span class="sort-icon" aria-hidden="true">▼</span>' in html
    assert '<span class="visually-hidden"> (trier par ordre croissant)</span>' in html
    assert 'href="?tri=name">Nom<span class="sort-icon" aria-hidden="true">↕</span>' in html
    assert '<th scope="col">\nCode\n</th>' in html  # not sortable: no link
    request, table = make_table("tri=kind")
    html = render(request, table)
    assert '<th scope="col" aria-sort="ascending">' in html
    assert "(trier par ordre décroissant)" in html


def test_numeric_columns_and_table_id(organisations):
    columns = [Column("name", "Nom", order_by="name"), Column("amount", "Montant", accessor=lambda o: 3, numeric=True)]
    request, table = make_table(columns=columns)
    html = table.render(None, "autre")
    assert '<th scope="col" class="num">\nMontant\n</th>' in html and '<td class="num">3</td>' in html
    assert 'id="autre"' in html and 'aria-labelledby="autre-caption"' in html and 'id="autre-count"' in html


def test_empty_state_without_filters_shows_the_tables_message():
    request, table = make_table(filter_form_class=None, empty_message="Rien <encore>.")
    html = render(request, table)
    assert '<div class="empty-state">\n<p>Rien &lt;encore&gt;.</p>\n</div>' in html
    assert "<table" not in html and "pagination" not in html and "0 résultat" in html


def test_empty_state_with_filters_offers_the_reset_link(organisations):
    request, table = make_table("q=zzz&tri=-name&page=3")
    html = render(request, table)
    assert '<p><a class="button" href="?tri=-name">Réinitialiser les filtres</a></p>' in html


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        # first page: no previous link, next is page 2; gaps shown as an ellipsis
        (
            "par_page=10",
            [
                '<span class="disabled" aria-disabled="true">‹ Précédente</span>',
                '<a href="?par_page=10&amp;page=2" rel="next">',
                '<a class="current" href="?par_page=10&amp;page=1" aria-current="page">',
                '<li><span aria-hidden="true">…</span></li>',
                "Page 1 sur 5",
            ],
            ['rel="prev"'],
        ),
        # last page: no next link
        (
            "par_page=10&page=5",
            [
                '<a href="?par_page=10&amp;page=4" rel="prev">‹ Précédente',
                '<span class="disabled" aria-disabled="true">Suivante ›</span>',
                '<span class="visually-hidden"> — page 5 sur 5</span>',
            ],
            ['rel="next"'],
        ),
        # the page parameter keeps its place in the query string
        (
            "page=3&par_page=10&tri=-name",
            ['href="?page=2&amp;par_page=10&amp;tri=-name" rel="prev"', 'href="?page=4&amp;par_page=10&amp;tri=-name"'],
            [],
        ),
        # out of range: the last page
        ("par_page=10&page=99", ["Page 5 sur 5"], ['rel="next"']),
    ],
)
def test_pagination_edges(query, expected, absent):
    OrganisationFactory.create_batch(45)
    request, table = make_table(query)
    html = render(request, table)
    for part in expected:
        assert part in html
    for part in absent:
        assert part not in html


def test_a_single_page_has_no_pagination(organisations):
    request, table = make_table()
    assert "pagination" not in render(request, table)


def test_page_size_form_only_past_the_smallest_size():
    OrganisationFactory.create_batch(12)
    request, table = make_table("par_page=25&tri=name")
    html = render(request, table)
    assert '<input type="hidden" name="tri" value="name">' in html  # the page size form keeps the sort
    assert '<option value="25" selected>25</option>' in html
    request, table = make_table("q=zzz")
    assert "page-size" not in render(request, table)


def test_widgets_built_in_python_match_djangos_templates():
    from core.tables import form_field_html, widget_html

    class Form(forms.Form):
        text = forms.CharField(label="Texte <b>", help_text="Aide", max_length=5)
        day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        choice = forms.ChoiceField(choices=[("", "Tous"), ("a", "A & B"), ("Groupe", [("c", "C")])], required=False)
        number = forms.IntegerField(required=False, disabled=True)
        several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
        flag = forms.BooleanField(required=False)
        radio = forms.ChoiceField(choices=[("1", "Un")], widget=forms.RadioSelect, required=False)
        organisation = forms.ModelChoiceField(queryset=Organisation.objects.order_by("pk")[:20], required=False)

    first = Organisation.objects.order_by("pk").first()
    assert first is not None  # reference data (regimes, funds)
    valid = {"text": '"><script>', "choice": "a", "several": ["y"], "number": "3", "organisation": first.pk}
    for data in (valid, {"text": "trop long", "choice": "c"}, None):
        form = Form(data=data) if data is not None else Form(initial={"day": "2026-01-02"})
        for field in form:
            assert widget_html(field) == str(field), field.name
            template = render_to_string("components/form_field.html", {"field": field})
            assert " ".join(form_field_html(field).split()) == " ".join(template.split()), field.name


def test_pagination_tag_keeps_the_other_parameters():
    from django.core.paginator import Paginator
    from django.template import Context, Template

    request = RequestFactory().get("/liste/?q=x&page=2")
    page = Paginator(range(30), 10).get_page(2)
    html = Template("{% include 'components/pagination.html' with page=page %}").render(
        Context({"page": page, "request": request})
    )
    assert 'href="?q=x&amp;page=1" rel="prev"' in html and 'href="?q=x&amp;page=3" rel="next"' in html
    assert 'aria-current="page"' in html and "Page 2 sur 3" in html


def test_row_links_are_reversed_once_per_table_and_match_reverse(organisations):
    from unittest import mock

    from django.urls import reverse

    from core import tables
    from core.tables import row_url

    link = row_url("benefits:request_detail")
    by_name = row_url("partners:fund_preregistration", kwarg="pk")
    with mock.patch.object(tables, "reverse", wraps=reverse) as spy:
        for organisation in organisations:
            assert link(organisation) == reverse("benefits:request_detail", args=[organisation.pk])
            assert by_name(organisation) == reverse("partners:fund_preregistration", kwargs={"pk": organisation.pk})
    assert spy.call_count == 2  # once per link, not per row


def test_cached_url_is_the_url_tag():
    from django.template import Context, Template
    from django.urls import reverse

    html = Template("{% load guichet %}{% cached_url 'portal:home' %}|{% cached_url 'accounts:logout' %}").render(
        Context()
    )
    assert html == f"{reverse('portal:home')}|{reverse('accounts:logout')}"


def test_a_table_builds_nothing_until_it_is_rendered(organisations):
    """A table kept in a fragment (core/fragments.py) costs its view nothing: the queryset may be a
    function, and the filters and the sort are read when the table is rendered."""
    built = []

    def queryset():
        built.append(True)
        return Organisation.objects.filter(code="").select_related("parent")

    request = RequestFactory().get("/liste/?q=a&tri=-name")
    table = DataTable(request, queryset, columns=COLUMNS, filter_form_class=Filters, default_sort="name")
    assert built == [] and "filter_form" not in table.__dict__ and "sort" not in table.__dict__
    assert "Gamma" in render(request, table) and built == [True]
    assert names(table) == ["Gamma", "Delta", "Bêta", "Alpha"]
