"""Registry pages for Excel: the import (template, upload, review, report, commit, cancel) and
the export of the filtered list. Views parse, call one service or selector, and render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.imports import ImportRejected
from anlao.core.roles import has_perm
from anlao.core.xlsx import XLSX
from anlao.people import exports, imports
from anlao.people.forms import ElderFilterForm
from anlao.people.models import ElderImport, ElderImportStatus

MAX_UPLOAD_BYTES = 40 * 1024 * 1024  # a 200,000-row sheet is about 15 MB


def _needs(perm: str) -> Callable:
    """403 for users without ``perm``; service permission errors become 403 too."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_perm(request.user, perm):
                raise DjangoPermissionDenied
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied from exc
            except NotFound as exc:
                raise Http404(exc.message) from exc
        return login_required(wrapped)
    return decorator


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- export ------------------------------------------------------------------------------

@_needs("elder.export")
@require_GET
def elder_export(request: HttpRequest) -> HttpResponse:
    """The list's filters, parsed by the list's own form, to a masked workbook."""
    filters = ElderFilterForm(request.GET, actor=request.user).filters()
    try:
        out, _count = exports.elders_export(actor=request.user, filters=filters)
    except ServiceError as exc:
        messages.error(request, exc.message)
        query = request.GET.urlencode()
        return redirect(reverse("people:list") + (f"?{query}" if query else ""))
    name = f"elders-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


# --- import ------------------------------------------------------------------------------

@_needs("elder.import")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(exports.import_template(actor=request.user), "elder-import-template.xlsx")


def _upload_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {"nav": "elders", "error": error,
               "recent": imports.elder_imports_recent(actor=request.user),
               "max_rows": f"{settings.IMPORT_MAX_ROWS:,}"}
    return render(request, "people/import_upload.html", context, status=status)


@_needs("elder.import")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _upload_page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(request, _("Choose an .xlsx file to upload."), 400)
    if upload.size > MAX_UPLOAD_BYTES:
        return _upload_page(request, _("The file is larger than %(mb)s MB.")
                            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, 400)
    try:
        batch = imports.elder_import_validate(actor=request.user, upload=upload,
                                              file_name=upload.name)
    except ImportRejected as exc:
        return _upload_page(request, exc.message, 400)
    return redirect("people:import_review", batch_id=batch.pk)


@_needs("elder.import")
@require_GET
def import_review(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = imports.elder_import_get(actor=request.user, batch_id=batch_id)
    context = {
        "nav": "elders", "batch": batch, "errors": batch.error_preview,
        "more_errors": batch.error_rows - len(batch.error_preview),
        "is_open": batch.status == ElderImportStatus.VALIDATED,
        "has_report": batch.status != ElderImportStatus.CANCELLED and (
            batch.error_rows or batch.status == ElderImportStatus.VALIDATED),
    }
    return render(request, "people/import_review.html", context)


@_needs("elder.import")
@require_GET
def import_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch: ElderImport = imports.elder_import_get(actor=request.user, batch_id=batch_id,
                                                  with_rows=True)
    if not batch.payload:
        raise Http404(_("This import's rows are no longer kept."))
    return _xlsx(exports.import_report(batch), f"elder-import-{batch.pk}-report.xlsx")


@_needs("elder.import")
@require_POST
def import_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    try:
        batch = imports.elder_import_commit(actor=request.user, batch_id=batch_id)
    except ServiceError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        # The review page now shows the result; only a skipped row deserves a second word.
        if batch.skipped_rows:
            messages.warning(request, _("%(n)s rows were skipped (see the report).")
                             % {"n": batch.skipped_rows})
    return redirect("people:import_review", batch_id=batch_id)


@_needs("elder.import")
@require_POST
def import_cancel(request: HttpRequest, batch_id: int) -> HttpResponse:
    try:
        imports.elder_import_cancel(actor=request.user, batch_id=batch_id)
    except ServiceError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        messages.error(request, exc.message)
        return redirect("people:import_review", batch_id=batch_id)
    messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("people:import")
