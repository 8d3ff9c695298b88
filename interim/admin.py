"""Technical administration of the interim reference data, and read views of worker files and profile
changes (the agency works in its own back office, interim/views/agency_*.py; the bench compares the two).
Workflow states are not editable here: they change through their declared steps."""

from django.contrib import admin

from .models import (
    Agency,
    ClientCompany,
    Contract,
    NewsItem,
    ProfileChange,
    Qualification,
    Sector,
    SectorContact,
    Worker,
)


class SectorContactInline(admin.TabularInline):
    model = SectorContact
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "phone", "oncall_phone", "advance_share")
    list_select_related = ("organisation",)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "position")
    list_select_related = ("agency__organisation",)
    inlines = [SectorContactInline]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "published_at")
    list_select_related = ("agency__organisation",)


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "agency")
    list_select_related = ("agency__organisation",)


@admin.register(ClientCompany)
class ClientCompanyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "phone")
    list_select_related = ("organisation",)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    """Technical view of the worker files (the agency works in its own pages); the bench compares them."""

    list_display = ("number", "user", "agency", "sector", "town", "created_at")
    list_select_related = ("user", "agency__organisation", "sector")
    list_filter = ("agency", "sector")
    search_fields = ("number", "user__last_name", "user__first_name", "nir")
    raw_id_fields = ("membership", "user", "sector")
    readonly_fields = ("calendar_token",)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ("worker", "group", "state", "created_at")
    list_select_related = ("worker__user",)
    list_filter = ("state", "group")
    readonly_fields = ("state", "decided_by", "decided_at", "decision_reason")
    raw_id_fields = ("worker",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Read only: contracts change through their declared steps and services (the bench compares the
    agency's Contrats list with this changelist of the same rows)."""

    list_display = ("reference", "worker", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("reference",)
    list_select_related = ("worker__user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
