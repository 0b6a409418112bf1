"""A provider's home-care workers: skills, certificate level, home, weekly hours and leave —
what dispatch plans with. Provider managers keep their own team; officers pick a provider."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anlao.accounts.models import Organisation
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.form_errors import service_error_onto
from anlao.core.http import error_text, form_date
from anlao.core.roles import has_perm
from anlao.core.scoping import sees_by_organisation
from anlao.homecare.models import CaregiverProfile
from anlao.homecare.team import selectors
from anlao.homecare.team.services import caregiver_profile_save, leave_add
from anlao.workforce.models import SkillLevel

WEEKDAYS = [gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
            gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun")]


def _provider(request: HttpRequest) -> Organisation:
    """The provider whose team is shown: the manager's own, or the officer's choice in
    their scope (another district's provider answers 404, like a missing one)."""
    try:
        return selectors.team_provider(actor=request.user, provider_id=request.GET.get("provider"))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc


def _profile(provider: Organisation, pk: int) -> CaregiverProfile:
    try:
        return selectors.team_profile_get(provider, pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def team(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "homecare.staff"):
        raise DjangoPermissionDenied
    if not sees_by_organisation(request.user) and not request.GET.get("provider"):
        return render(request, "homecare/team_providers.html",
                      {"nav": "homecare",
                       "providers": selectors.team_providers(actor=request.user)})
    provider = _provider(request)
    profiles = selectors.team_profiles(provider)
    today = timezone.localdate()
    rows = [{"p": p, "hours": _hours_text(p.working_hours),
             "leave": [lv for lv in p.leaves.all() if lv.end >= today][:2]} for p in profiles]
    return render(request, "homecare/team.html",
                  {"nav": "homecare", "provider": provider, "rows": rows,
                   "query": _query(request)})


def _hours_text(hours: dict[str, list[str]]) -> str:
    parts = [f"{WEEKDAYS[int(d)]} {span[0]}–{span[1]}" for d, span in sorted(hours.items())]
    return "，".join(parts) or "—"


def _query(request: HttpRequest) -> str:
    pid = request.GET.get("provider")
    return f"?provider={pid}" if pid else ""


class ProfileForm(forms.Form):
    skills = forms.CharField(label=gettext_lazy("Skills"), required=False,
                             help_text=gettext_lazy("Lower-case words separated by commas, "
                                                    "e.g. bathing, nursing."))
    level = forms.ChoiceField(label=gettext_lazy("Certificate level"), required=False,
                              choices=[("", "—"), *SkillLevel.choices])
    home_lat = forms.CharField(label=gettext_lazy("Home latitude"), required=False)
    home_lng = forms.CharField(label=gettext_lazy("Home longitude"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for d in range(7):
            self.fields[f"from_{d}"] = forms.TimeField(required=False, label=WEEKDAYS[d])
            self.fields[f"until_{d}"] = forms.TimeField(required=False, label=WEEKDAYS[d])

    def hours(self) -> dict[str, list[str]]:
        out = {}
        for d in range(7):
            start, end = self.cleaned_data.get(f"from_{d}"), self.cleaned_data.get(f"until_{d}")
            if start or end:
                out[str(d)] = [f"{start:%H:%M}" if start else "", f"{end:%H:%M}" if end else ""]
        return out


def _initial(p: CaregiverProfile) -> dict[str, Any]:
    data: dict[str, Any] = {"skills": ", ".join(p.skills), "level": p.level,
                            "home_lat": p.home_lat, "home_lng": p.home_lng}
    for d, (start, end) in p.working_hours.items():
        data[f"from_{d}"], data[f"until_{d}"] = start, end
    return data


def _save(request: HttpRequest, provider: Organisation, p: CaregiverProfile,
          form: ProfileForm) -> bool:
    try:
        caregiver_profile_save(
            actor=request.user, caregiver_id=p.caregiver_id, provider_id=provider.pk,
            skills=[s for s in form.cleaned_data["skills"].replace("，", ",").split(",")],
            level=form.cleaned_data["level"], home_lat=form.cleaned_data["home_lat"],
            home_lng=form.cleaned_data["home_lng"], working_hours=form.hours())
    except ServiceError as exc:  # ValidationFailed and PermissionDenied are ServiceErrors
        service_error_onto(form, exc)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request)
    p = _profile(provider, pk)
    form = ProfileForm(request.POST or None, initial=_initial(p))
    if request.method == "POST" and form.is_valid() and _save(request, provider, p, form):
        messages.success(request, _("Saved. The next plan uses the new details."))
        return redirect(f"{request.path}{_query(request)}")
    days = [(WEEKDAYS[d], form[f"from_{d}"], form[f"until_{d}"]) for d in range(7)]
    leaves = p.leaves.order_by("-start")[:20]
    return render(request, "homecare/team_profile.html",
                  {"nav": "homecare", "provider": provider, "p": p, "form": form, "days": days,
                   "leaves": leaves, "query": _query(request)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def leave_new(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request)
    p = _profile(provider, pk)
    start = form_date(request.POST.get("start"))
    end = form_date(request.POST.get("end") or request.POST.get("start"))
    if start is None or end is None:
        messages.error(request, _("Give the leave's first and last day."))
        return redirect(reverse("homecare:team_profile", args=[p.pk]) + _query(request))
    try:
        leave_add(actor=request.user, profile_id=p.pk, start=start, end=end,
                  reason=request.POST.get("reason", ""))
        messages.success(request, _("Leave recorded; plans from now on leave the caregiver "
                                    "out on those days."))
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("homecare:team_profile", args=[p.pk]) + _query(request))
