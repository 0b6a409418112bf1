"""The audit and access-log pages.

Views parse input, call one selector and shape rows for the template. Reading a log needs
``audit.view``: anyone else gets 403 (the nav link is hidden for them too).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anlao.core import selectors
from anlao.core.forms import LogFilterForm
from anlao.core.masking import mask_address, mask_id_number, mask_phone
from anlao.core.models import AccessLog, AuditLog
from anlao.core.roles import has_perm

# Audit snapshots hold full personal values; the log page shows them masked like lists do.
MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


def _require_audit_view(request: HttpRequest) -> None:
    if not has_perm(request.user, "audit.view"):
        raise DjangoPermissionDenied


def _show(key: str, value: Any) -> Any:
    if isinstance(value, str) and key in MASKS:
        return MASKS[key](value)
    return value


def _field_label(entity: str, key: str) -> str:
    """The field's own words ("dibao" → "低保") when the entity is a model; else the key."""
    try:
        field = apps.get_model(entity)._meta.get_field(key.removesuffix("_id"))
    except (LookupError, ValueError, FieldDoesNotExist):
        return key
    if field.auto_created and not field.concrete:  # a reverse relation: the other side's name
        return str(field.related_model._meta.verbose_name_plural)
    return str(getattr(field, "verbose_name", key))


def diff_rows(before: dict | None, after: dict | None, entity: str = "") -> list[dict[str, Any]]:
    """One row per key of either snapshot, changed keys flagged, personal values masked."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [{"key": "", "before": before, "after": after, "changed": True}]
    keys = list(dict.fromkeys([*before, *after]))
    return [
        {"key": k, "label": _field_label(entity, k), "before": _show(k, before.get(k)),
         "after": _show(k, after.get(k)), "changed": before.get(k) != after.get(k)}
        for k in keys
    ]


def _page(request: HttpRequest, qs) -> Any:
    return Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_audit_view(request)
    form = LogFilterForm(request.GET or None, entities=selectors.log_entities(AuditLog),
                         actions=selectors.audit_actions())
    page = _page(request, selectors.audit_rows_for(actor=request.user, filters=form.filters()))
    rows = [{"row": r, "diff": diff_rows(r.before, r.after, r.entity)}
            for r in page.object_list]
    return render(request, "core/audit_log.html", {
        "nav": "audit", "tab": "audit", "form": form, "page": page, "rows": rows,
        "query": _query_without_page(request),
    })


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    _require_audit_view(request)
    form = LogFilterForm(request.GET or None, entities=selectors.log_entities(AccessLog))
    page = _page(request, selectors.access_rows_for(actor=request.user, filters=form.filters()))
    return render(request, "core/access_log.html", {
        "nav": "audit", "tab": "access", "form": form, "page": page,
        "query": _query_without_page(request),
    })
