"""The printable assessment report (PDF, WeasyPrint).

The report carries the elder's masked ID only; it is rendered from the same presentation as
the detail page (present.summary), so the page and the paper never disagree. Chinese needs a
CJK font on the server: "Noto Sans CJK SC" (Debian: fonts-noto-cjk), which WeasyPrint embeds.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from anlao.assessments.instrument import load
from anlao.assessments.models import Assessment
from anlao.assessments.present import summary


def report_context(a: Assessment, place: str) -> dict[str, Any]:
    inst = load()
    return {"a": a, "s": summary(a, inst), "place": place, "instrument": inst,
            "printed_at": timezone.localtime(),
            "age": a.elder.age_on(a.assessed_on)}


def report_html(a: Assessment, place: str) -> str:
    return render_to_string("assessments/report_pdf.html", report_context(a, place))


def report_pdf(a: Assessment, place: str) -> bytes:
    """The report as PDF bytes. Imported lazily: WeasyPrint is slow to load and only this
    download needs it."""
    from weasyprint import HTML

    return HTML(string=report_html(a, place)).write_pdf()
