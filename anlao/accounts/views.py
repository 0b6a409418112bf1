"""Account pages: login (Django's view, our form), password change and API tokens.

Views parse input and call one service; the services check and audit.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlao.accounts import tokens
from anlao.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    TokenCreateForm,
    add_service_errors,
)
from anlao.accounts.services import user_password_change
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.roles import Role

# Where each role's work is, after login (without a ?next=); the others see the dashboard.
LANDINGS = {
    Role.CAREGIVER: "homecare:my_route",
    Role.ASSESSOR: "assessments:list",
    Role.HOTLINE_OPERATOR: "alarms:queue",
}


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        role = getattr(self.request.user, "role", "")
        return resolve_url(LANDINGS.get(role, settings.LOGIN_REDIRECT_URL))


login = LoginView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            # Keep this session; the user's other sessions end with the old hash.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "nav": "account"})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    raw = None
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = tokens.token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            form = TokenCreateForm()
    response = render(request, "accounts/api_tokens.html", {
        "form": form, "tokens": tokens.tokens_for(request.user), "raw_token": raw,
        "created": created, "nav": "account",
    })
    # The raw token is shown once: keep it out of every cache, including the back button's.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        tokens.token_revoke(actor=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("api_tokens")
