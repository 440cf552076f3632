"""Administration of boards and user accounts (superusers only; no case records here)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Board, User

# django-otp's device admin shows each device's key and QR code: whoever reads it holds the person's
# second factor (issue 18). Devices are linked and reset through the people pages only.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
# django-otp-webauthn's admin would let an administrator move a passkey to another person's account
# (its user field is editable), a second factor given to someone else: passkeys are added and removed
# by their owner on the account page, and all of them go when the person accepts a new invitation.
for _model in (WebAuthnCredential, WebAuthnAttestation):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "region", "active_from", "active_until")
    list_filter = ("region",)
    search_fields = ("name", "code")
    ordering = ("name",)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "board")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "board", "is_active", "is_staff", "is_superuser")

    def clean_email(self):
        return self.cleaned_data["email"].lower()


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("full_name", "email", "role", "board", "is_active")
    list_filter = ("role", "is_active", "board__region")
    list_select_related = ("board",)
    search_fields = ("full_name", "email")
    ordering = ("full_name",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "board")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "board", "password1", "password2")}),
    )
    filter_horizontal = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "board" and isinstance(field, forms.ModelChoiceField):
            field.help_text = "Required for board staff and chairs; leave empty for every other role"
        return field
