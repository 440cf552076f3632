"""Administration of boards and user accounts (superusers only; no case records here)."""

from collections import Counter

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import BOARD_ROLES, PANEL_ROLES, Board, Role, User

PASSWORDS_ARE_PERSONAL = "Passwords are set by the person through the reset link"
# A case-role account's role, board and access change only through the people pages' services, which
# record the change in the audit trail and, on a reactivation, remove the old password, authenticator
# and passkeys and send a new invitation (decision 0030). Ticking "active" here did none of that.
PEOPLE_PAGE_FIELDS = ("role", "board")
CHANGED_ON_THE_PEOPLE_PAGE = (
    "Change this person's role or board, or reactivate them, on the people page (People, in the "
    "service's menu): it records the change, and a reactivation sends a new invitation so no old "
    'password or authenticator works again. Unticking "active" here ends their access at once'
)
REACTIVATE_ON_THE_PEOPLE_PAGE = (
    "Reactivate this person on the people page: it sends a new invitation, so their old password, "
    "authenticator and passkeys do not work again"
)

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

    def get_deleted_objects(self, objs, request):
        """A board with people or case records is not deleted (they protect it); the page that says so
        counts what protects it rather than naming each record: no case record is shown here."""
        deleted, counts, perms_needed, _ = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        tally = Counter(str(record._meta.verbose_name_plural) for record in collector.protected)
        return deleted, counts, perms_needed, [f"{name}: {count}" for name, count in sorted(tally.items())]


class UserCreationForm(forms.ModelForm):
    """A new account with no password: the person sets theirs through an invitation or the reset link,
    so no administrator ever knows it (no admin page that impersonates). Administrators themselves are
    made with `createsuperuser`, so only the case roles are offered here."""

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "board")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in (*BOARD_ROLES, *PANEL_ROLES)]

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserEditForm(forms.ModelForm):
    """No password field: Django's own shows the hash's algorithm, iterations and fragments of the salt
    and hash. `User.clean` refuses a case role on a staff or superuser account, and the reverse."""

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "board", "is_active", "is_staff", "is_superuser")

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        stored = self.instance
        if active and stored.pk and not stored.is_active and stored.role != Role.ADMINISTRATOR:
            raise forms.ValidationError(REACTIVATE_ON_THE_PEOPLE_PAGE)
        return active


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("full_name", "email", "role", "board", "is_active")
    list_filter = ("role", "is_active", "board__region")
    list_select_related = ("board",)
    search_fields = ("full_name", "email")
    ordering = ("full_name",)
    readonly_fields = ("password_note", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password_note")}),
        ("Person", {"fields": ("full_name", "role", "board")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "board")}),)
    filter_horizontal = ()

    @admin.display(description="Password")
    def password_note(self, obj):
        return PASSWORDS_ARE_PERSONAL

    @admin.display(description="Role, board and access")
    def people_page_note(self, obj):
        return CHANGED_ON_THE_PEOPLE_PAGE

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None or obj.role == Role.ADMINISTRATOR:
            return fields  # administrators are managed here (`createsuperuser`, decision 0030)
        return (*fields, *PEOPLE_PAGE_FIELDS, "people_page_note")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.role == Role.ADMINISTRATOR:
            return fieldsets
        return (*fieldsets, ("Changed on the people page", {"fields": ("people_page_note",)}))

    def get_urls(self):
        # Django's "change password" page lets an administrator set someone's password: gone.
        return [url for url in super().get_urls() if url.name != "auth_user_password_change"]

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted (decision 0027): their names stay on the records and
        # the audit trail, which refuses the change a deletion would make to it.
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "board" and isinstance(field, forms.ModelChoiceField):
            field.help_text = "Required for board staff and chairs; leave empty for every other role"
        return field


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sign-in attempts and access logs are records of what happened: shown, never added, changed or
    deleted here (SECURITY row 11). A locked-out person waits for the cool-off (`AXES_COOLOFF_TIME`)."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-axes' own attempt page shows the request's GET and POST data, which is not needed: only who,
# from where, when and how often. The access log's session hash is not shown either.
ACCESS_FIELDS = ("username", "ip_address", "user_agent", "path_info", "attempt_time")

for model, extra in (
    (AccessAttempt, ("failures_since_start",)),
    (AccessLog, ("logout_time",)),
    (AccessFailureLog, ("locked_out",)),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyAdmin,),
            {
                "list_display": (*ACCESS_FIELDS, *extra),
                "list_filter": ("attempt_time",),
                "search_fields": ("username", "ip_address"),
                "date_hierarchy": "attempt_time",
                "fields": (*ACCESS_FIELDS, *extra),
                "readonly_fields": (*ACCESS_FIELDS, *extra),
            },
        ),
    )
