"""Django admin (technical administration) for superusers, behind the second factor.

The default admin site becomes django-otp's OTPAdminSite (the way django-otp documents it): only a
staff user verified by an OTP device in this session gets in; everyone else is sent to the login.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from .enums import SecurityEventKind
from .models import ConsentText, ErasureRequest, Membership, Organisation, SecurityEvent, User
from .services.consent import consent_text_publish
from .services.security_log import log_event

admin.site.__class__ = OTPAdminSite
admin.site.site_header = _("Guichet · administration technique")
admin.site.site_title = _("Guichet")


class GuichetUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("identifier", "email")
        field_classes = {}


class GuichetUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "is_admin", "is_active", "joined_at")
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = GuichetUserChangeForm
    add_form = GuichetUserCreationForm
    list_display = ("identifier", "email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "must_change_password", "language")
    search_fields = ("identifier", "email", "first_name", "last_name")
    ordering = ("identifier",)
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    fieldsets = (
        (None, {"fields": ("identifier", "password")}),
        (
            _("Identité et coordonnées"),
            {"fields": ("civility", "first_name", "last_name", "birth_name", "email", "phone", "language")},
        ),
        (
            _("Accès"),
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("identifier", "email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


class MembershipAdminForm(forms.ModelForm):
    """Model validation (the role must exist for the organisation's kind) runs through full_clean."""

    class Meta:
        model = Membership
        fields = ("user", "organisation", "role", "is_admin", "is_active", "joined_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "organisation", "role", "is_admin", "is_active", "joined_at")
    list_filter = ("role", "is_admin", "is_active", "organisation__kind")
    search_fields = ("user__identifier", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if change and "role" in form.changed_data:
            log_event(
                SecurityEventKind.ROLE_CHANGED,
                user=obj.user,
                organisation=obj.organisation,
                actor=request.user,
                request=request,
                role=obj.role,
                via="admin",
            )
        if "is_admin" in form.changed_data:
            log_event(
                SecurityEventKind.ADMIN_RIGHT_CHANGED,
                user=obj.user,
                organisation=obj.organisation,
                actor=request.user,
                request=request,
                is_admin=obj.is_admin,
                via="admin",
            )


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A published text never changes (acceptances point to it): a new text is the next version."""

    list_display = ("space", "version", "title", "published_at")
    list_filter = ("space",)
    fields = ("space", "title", "body", "version", "published_at")
    readonly_fields = ("version", "published_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = consent_text_publish(space=obj.space, title=obj.title, body=obj.body)
        obj.pk, obj.version, obj.published_at = published.pk, published.version, published.published_at
        obj._state.adding = False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are processed by the space's admins in the portal (with history)."""

    list_display = ("user_label", "space", "status", "requested_at", "decided_at", "decided_by")
    list_filter = ("space", "status")
    search_fields = ("user_label",)
    list_select_related = ("decided_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "identifier", "user", "organisation", "ip_address")
    list_filter = ("kind",)
    search_fields = ("identifier", "user__identifier", "ip_address")
    list_select_related = ("user", "organisation")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
