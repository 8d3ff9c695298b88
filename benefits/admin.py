from django.contrib import admin

from .models import (
    BenefitRequest,
    BenefitType,
    Contribution,
    Cooperative,
    Cooperator,
    Dependant,
    FamilyDocument,
    Tariff,
)


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ("organisation", "legal_form", "package", "city")
    list_filter = ("legal_form", "package")
    search_fields = ("organisation__name", "siret")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "union", "updated_by")


@admin.register(Cooperator)
class CooperatorAdmin(admin.ModelAdmin):
    list_display = ("family_number", "last_name", "first_name", "cooperative", "entry_date", "exit_date")
    search_fields = ("family_number", "last_name", "first_name", "email")
    list_select_related = ("cooperative__organisation",)
    raw_id_fields = ("cooperative", "user", "updated_by")


@admin.register(Dependant)
class DependantAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "relationship", "birth_date", "cooperator")
    list_select_related = ("cooperator",)
    raw_id_fields = ("cooperator", "created_by")


@admin.register(FamilyDocument)
class FamilyDocumentAdmin(admin.ModelAdmin):
    list_display = ("cooperator", "kind", "status", "uploaded_at")
    list_filter = ("kind", "status")
    list_select_related = ("cooperator",)
    raw_id_fields = ("cooperator", "uploaded_by", "decided_by")


@admin.register(BenefitType)
class BenefitTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "by_post_only", "once_per_year", "is_active", "position")


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ("year", "benefit_type", "amount")
    list_filter = ("year",)
    list_select_related = ("benefit_type",)


@admin.register(BenefitRequest)
class BenefitRequestAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the officers' pages (services, history)."""

    list_display = ("pk", "cooperator", "benefit_type", "year", "state", "amount", "created_at")
    list_filter = ("state", "year", "benefit_type")
    search_fields = ("cooperator__family_number", "cooperator__last_name")
    list_select_related = ("cooperator", "benefit_type")
    raw_id_fields = ("cooperative", "cooperator", "dependant", "created_by", "decided_by")
    readonly_fields = ("state",)
    show_full_result_count = False


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ("cooperative", "kind", "year", "label", "amount", "date")
    list_filter = ("kind", "year")
    list_select_related = ("cooperative__organisation",)
    raw_id_fields = ("cooperative", "created_by")
