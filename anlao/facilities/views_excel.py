"""Facility Excel pages: import (all-or-nothing, every row error listed), template, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.roles import has_perm
from anlao.core.xlsx import XLSX
from anlao.facilities import exports, imports
from anlao.facilities.selectors import facilities_for

MAX_UPLOAD = 5 * 1024 * 1024


def _xlsx(payload: bytes, name: str) -> HttpResponse:
    response = HttpResponse(payload, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def facility_import(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "facility.import"):
        raise DjangoPermissionDenied
    context = {"nav": "facilities", "columns": imports.COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("Choose an .xlsx file to upload."))
            if upload.size > MAX_UPLOAD:
                raise ServiceError(_("The file is larger than 5 MB."))
            result = imports.facility_import(actor=request.user, upload=upload)
        except ServiceError as exc:
            context["rejected"] = exc.message
            return render(request, "facilities/import.html", context, status=400)
        if result.errors:
            context.update(result=result, file_name=upload.name)
            return render(request, "facilities/import.html", context, status=400)
        messages.success(request, _("%(n)d facilities imported.") % {"n": len(result.created)})
        return redirect("facilities:list")
    return render(request, "facilities/import.html", context)


@login_required
def facility_import_template(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "facility.import"):
        raise DjangoPermissionDenied
    return _xlsx(exports.workbook(None), "facilities-template.xlsx")


@login_required
def facility_export(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "facility.view"):
        raise DjangoPermissionDenied
    qs = facilities_for(actor=request.user)
    audit(actor=request.user, action="facility.export", entity="facilities.facility",
          entity_id="", after={"rows": qs.count()})
    return _xlsx(exports.workbook(qs), f"facilities-{timezone.localdate():%Y%m%d}.xlsx")
