"""National admins: reference data (regimes, funds, partner and convention types), news, documentation,
and the accounts of fund administrators. One generic list/edit page per kind of record."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation
from accounts.services.credentials import account_create_with_temporary_password
from core.access import require
from core.files import PrivateFileField

from .. import selectors, services
from ..forms import LoginField
from ..models import ConventionType, Document, NewsArticle, PartnerType


class RegimeForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "code", "is_active"]

    def save(self, commit=True):
        self.instance.kind = OrganisationKind.REGIME
        return super().save(commit)


class FundForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "code", "parent", "is_active"]
        labels = {"parent": gettext_lazy("Régime")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.of_kind(OrganisationKind.REGIME)
        self.fields["parent"].required = True
        self.instance.kind = OrganisationKind.FUND


class PartnerTypeForm(forms.ModelForm):
    class Meta:
        model = PartnerType
        fields = ["code", "label", "is_active"]


class ConventionTypeForm(forms.ModelForm):
    class Meta:
        model = ConventionType
        fields = ["code", "label", "is_active"]


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsArticle
        fields = ["title", "slug", "summary", "body", "published_at", "is_published"]
        help_texts = {"slug": gettext_lazy("Laissez vide : elle est faite à partir du titre.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        """The address comes from the title when left empty, made unique with a number if needed."""
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title") and "slug" not in self.errors:
            base = slugify(cleaned["title"])[:190] or "actualite"
            taken = NewsArticle.objects.exclude(pk=self.instance.pk).filter(slug__startswith=base)
            existing = set(taken.values_list("slug", flat=True))
            slug, number = base, 2
            while slug in existing:
                slug, number = f"{base}-{number}", number + 1
            cleaned["slug"] = slug
            self.instance.slug = slug
        return cleaned


class DocumentForm(forms.ModelForm):
    file = PrivateFileField(label=gettext_lazy("Fichier (PDF)"))

    class Meta:
        model = Document
        fields = ["theme", "title", "description", "file", "is_published"]


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    form: type
    columns: tuple  # (attribute, label)

    def queryset(self):
        model = self.form._meta.model
        if self.form is RegimeForm:
            return Organisation.objects.of_kind(OrganisationKind.REGIME).order_by("name")
        if self.form is FundForm:
            admins = Membership.objects.active().filter(role=Role.FUND_ADMIN).select_related("user")
            return (
                Organisation.objects.of_kind(OrganisationKind.FUND)
                .select_related("parent")
                .prefetch_related(Prefetch("memberships", queryset=admins, to_attr="admins"))
                .order_by("parent__name", "name")
            )
        return model.objects.all()


KINDS = {
    kind.slug: kind
    for kind in [
        Kind(
            "regimes",
            gettext_lazy("Régimes"),
            RegimeForm,
            (("name", gettext_lazy("Nom")), ("code", gettext_lazy("Code"))),
        ),
        Kind(
            "caisses",
            gettext_lazy("Caisses et leurs administrateurs"),
            FundForm,
            (("name", gettext_lazy("Nom")), ("code", gettext_lazy("Code")), ("parent", gettext_lazy("Régime"))),
        ),
        Kind(
            "types-partenaire",
            gettext_lazy("Types de partenaire"),
            PartnerTypeForm,
            (("label", gettext_lazy("Libellé")), ("code", gettext_lazy("Code"))),
        ),
        Kind(
            "types-convention",
            gettext_lazy("Types de convention"),
            ConventionTypeForm,
            (("label", gettext_lazy("Libellé")), ("code", gettext_lazy("Code"))),
        ),
        Kind(
            "actualites",
            gettext_lazy("Actualités"),
            NewsForm,
            (("title", gettext_lazy("Titre")), ("published_at", gettext_lazy("Publiée le"))),
        ),
        Kind(
            "documentation",
            gettext_lazy("Documentation"),
            DocumentForm,
            (("title", gettext_lazy("Titre")), ("theme", gettext_lazy("Thème"))),
        ),
    ]
}


def home(request):
    require(request, "partners.manage_portal")
    return render(request, "partners/national_home.html", {"kinds": KINDS.values()})


def kind_list(request, slug):
    require(request, "partners.manage_portal")
    kind = KINDS[slug]
    rows = []
    for obj in kind.queryset():
        cells = []
        for attribute, _label in kind.columns:
            display = getattr(obj, f"get_{attribute}_display", None)
            cells.append(display() if display else getattr(obj, attribute))
        rows.append({"object": obj, "cells": cells, "admins": getattr(obj, "admins", None)})
    return render(
        request,
        "partners/national_list.html",
        {"kind": kind, "rows": rows, "headers": [label for _a, label in kind.columns], "slug": slug},
    )


def kind_edit(request, slug):
    """Create (no `id`) or edit (`?id=`) one record of the kind."""
    require(request, "partners.manage_portal")
    kind = KINDS[slug]
    instance = None
    if request.GET.get("id"):
        try:
            instance = get_object_or_404(kind.queryset(), pk=int(request.GET["id"]))
        except ValueError:
            raise Http404 from None
    form = kind.form(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=instance,
    )
    if request.method == "POST" and form.is_valid():
        services.reference_record_save(form=form, actor=request.user)
        messages.success(request, _("L'enregistrement est fait."))
        return redirect(f"partners:national_{slug}")
    return render(
        request, "partners/national_edit.html", {"kind": kind, "form": form, "instance": instance, "slug": slug}
    )


class FundAdminForm(forms.Form):
    required_fields_note = True

    fund = forms.ModelChoiceField(label=gettext_lazy("Caisse"), queryset=None)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    login = LoginField(label=gettext_lazy("Login"))
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = selectors.funds()


def fund_admin_create(request):
    """A fund administrator's account: a temporary password is e-mailed; the second factor is enrolled at login."""
    require(request, "partners.manage_portal")
    form = FundAdminForm(
        request.POST if request.method == "POST" else None, initial={"fund": request.GET.get("caisse")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_create_with_temporary_password(
                identifier=data["login"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["fund"],
                role=Role.FUND_ADMIN,
                is_admin=True,
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error("login", _("Ce login est déjà utilisé : choisissez-en un autre."))
            del error
        else:
            messages.success(request, _("Le compte de l'administrateur de caisse est créé."))
            return redirect("partners:national_caisses")
    return render(request, "partners/national_fund_admin.html", {"form": form})


def _list_view(slug):
    return lambda request: kind_list(request, slug)


def _edit_view(slug):
    return lambda request: kind_edit(request, slug)


urlpatterns = [
    path("national/", home, name="national_home"),
    path("national/administrateur-caisse/", fund_admin_create, name="fund_admin_create"),
    *[path(f"national/{slug}/", _list_view(slug), name=f"national_{slug}") for slug in KINDS],
    *[path(f"national/{slug}/fiche/", _edit_view(slug), name=f"national_{slug}_edit") for slug in KINDS],
]
