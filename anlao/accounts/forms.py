"""Forms of the account pages. They parse input only; the services enforce the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from anlao.core.errors import ValidationFailed


def _control(**attrs: str) -> dict[str, str]:
    return {"class": "form-control", **attrs}


class LoginForm(AuthenticationForm):
    """Django's login form with Bootstrap widgets and our labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(_control(autocomplete="username",
                                                              autocapitalize="none"))
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update(_control(autocomplete="current-password"))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False,
        widget=forms.PasswordInput(attrs=_control(autocomplete="current-password",
                                                  autofocus="autofocus")),
    )
    new_password1 = forms.CharField(
        label=_("New password"), strip=False,
        help_text=_("At least 10 characters; not a common password; not only digits."),
        widget=forms.PasswordInput(attrs=_control(autocomplete="new-password")),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs=_control(autocomplete="new-password")),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=64,
        help_text=_("What the token is for, e.g. “street office Excel sync”."),
        widget=forms.TextInput(attrs=_control(placeholder=_("e.g. data sync"))),
    )


def add_service_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's field errors on the form; unknown fields become form-wide errors."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
