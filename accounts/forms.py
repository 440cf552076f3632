"""Sign-in forms in GOV.UK Design System markup."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import RegexValidator

SIGN_IN_ERROR = "Enter a correct email address and password"


class SignInForm(AuthenticationForm):
    """Email and password. The same message for an unknown email and a wrong password."""

    error_messages = {
        "invalid_login": SIGN_IN_ERROR,
        "inactive": SIGN_IN_ERROR,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Continue"),
        )

    def confirm_login_allowed(self, user):
        # Inactive users never get this far (the backend refuses them); keep one message anyway.
        if not user.is_active:
            raise forms.ValidationError(SIGN_IN_ERROR, code="invalid_login")


class SecurityCodeForm(forms.Form):
    """The six-digit code from the user's authenticator app."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, submit_label="Sign in", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.FIVE, label_size=Size.SMALL),
            Submit("submit", submit_label),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return code


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            required="Enter your email address", invalid="Enter an email address in the correct format"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Send reset link"),
        )


class NewPasswordForm(SetPasswordForm):
    """A new password, typed twice, checked by Django's validators. A subclass may name its boxes
    (`labels`), its messages when left empty (`required`) and its button."""

    labels: tuple[str, str] | None = None
    required = ("Enter a new password", "Confirm the new password")
    submit_label = "Change password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in enumerate(("new_password1", "new_password2")):
            if self.labels:
                self.fields[name].label = self.labels[number]
            self.fields[name].error_messages["required"] = self.required[number]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", self.submit_label),
        )


# --- People and boards


class InvitationPasswordForm(NewPasswordForm):
    """The invitee's password, checked by Django's validators (against their name and email too)."""

    labels = ("Password", "Confirm password")
    required = ("Enter a password", "Confirm the password")
    submit_label = "Continue"


def _role_choices(roles) -> list[tuple[str, str]]:
    from accounts.models import Role

    return [(role, Role(role).label) for role in roles]


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the person's full name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address: the invitation is sent there",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, error_messages={"required": "Choose a role"})

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["role"].error_messages["invalid_choice"] = "Choose a role from the list"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Submit("submit", "Send invitation"),
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="New role", widget=forms.RadioSelect, error_messages={"required": "Choose a role"})

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["role"].error_messages["invalid_choice"] = "Choose a role from the list"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.radios("role", legend_size=Size.SMALL), Submit("submit", "Change role"))


class ConfirmForm(forms.Form):
    """A confirmation page's button, with an optional reason for deactivation."""

    reason = forms.CharField(
        label="Reason (optional)",
        help_text="For example, left the board in March. It is kept in the audit trail.",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
    )

    def __init__(self, *args, submit_label="Confirm", with_reason=False, warning=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_reason:
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        button = Submit("submit", submit_label, **({"css_class": "govuk-button--warning"} if warning else {}))
        reason = [Field.textarea("reason", label_size=Size.SMALL, rows=3)] if with_reason else []
        self.helper.layout = Layout(*reason, button)


class BoardForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="2 to 12 capital letters or digits, starting with a letter, for example NTH",
        max_length=12,
        error_messages={"required": "Enter the board's code"},
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", "Use 2 to 12 capital letters or digits, starting with a letter")
        ],
    )
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter the board's name"})
    region = forms.ChoiceField(label="Region", error_messages={"required": "Choose the board's region"})
    active_from = DateInputField(label="Active from", help_text="For example, 1 4 2006")
    active_until = DateInputField(
        label="Active until (optional)", help_text="Leave blank while the board is active", required=False
    )

    def __init__(self, *args, **kwargs):
        from accounts.models import Region

        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Choose a region"), *Region.choices]
        self.fields["active_from"].error_messages.update(
            required="Enter the date the board started", incomplete="Enter the day, month and year"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.select("region"),
            Field("active_from", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("active_until", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Submit("submit", "Save board"),
        )


class ApiTokenForm(forms.Form):
    """Name a new personal API token."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell it apart later (for example, nightly export)",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name", field_width=Fluid.TWO_THIRDS))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name


class PasskeyNameForm(forms.Form):
    """Name a passkey, so its owner can tell it apart from their others."""

    name = forms.CharField(
        label="Name",
        max_length=64,
        help_text="Where the passkey is kept, so you can tell it apart later (for example, work laptop)",
        error_messages={
            "required": "Enter a name for the passkey",
            "max_length": "The name must be 64 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name", field_width=Fluid.TWO_THIRDS), Submit("submit", "Save name"))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the passkey")
        return name


class TotpRecoveryForm(forms.Form):
    """Whether a panel user with a passkey may still sign in with their authenticator app's codes."""

    accept_codes = forms.ChoiceField(
        label="If you cannot use your passkey, can you sign in with a code from your authenticator app?",
        choices=[
            ("yes", "Yes, keep codes as a way to sign in if I lose my passkey"),
            ("no", "No, only my passkey (recommended)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether codes from your authenticator app are still accepted"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("accept_codes", legend_size=Size.SMALL),
            Submit("submit", "Save choice", css_class="govuk-button--secondary"),
        )
