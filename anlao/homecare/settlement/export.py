"""The settlement statement as PDF (WeasyPrint) and Excel (openpyxl).

Both render the same rows (``statement``), taken from the frozen lines, so the paper, the
spreadsheet and the page always agree, and the totals row is the sum of the visit rows. The
elder's ID number never appears (name and community are enough to trace a visit). Chinese in
the PDF needs "Noto Sans CJK SC" on the server (Debian: fonts-noto-cjk), which WeasyPrint embeds.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from anlao.core import xlsx
from anlao.core.money import fen_to_yuan
from anlao.homecare.models import Settlement, SettlementState
from anlao.homecare.settlement.selectors import lines_for
from anlao.homecare.settlement.services import OPEN, REJECTED, UNVERIFIED

REASON_LABELS = {
    REJECTED: gettext_lazy("rejected anomaly"),
    OPEN: gettext_lazy("anomaly not yet reviewed"),
    UNVERIFIED: gettext_lazy("visit not verified"),
}


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


def _local(value: Any, fmt: str = "%H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def statement_rows(settlement: Settlement) -> list[dict[str, Any]]:
    rows = []
    for n, ln in enumerate(lines_for(settlement), start=1):
        v = ln.visit
        cg = v.caregiver.caregiver.name if v.caregiver_id else ""
        rows.append({"n": n, "visit_id": v.pk, "date": v.date, "elder": v.order.elder.name,
                     "item": v.order.item.name, "caregiver": cg,
                     "check_in": _local(v.check_in_at), "check_out": _local(v.check_out_at),
                     "price": fen_to_yuan(ln.price_fen), "copay": fen_to_yuan(ln.copay_fen),
                     "payable": fen_to_yuan(ln.payable_fen),
                     "reason": reason_label(ln.excluded_reason) if ln.excluded_reason else ""})
    return rows


def summary(settlement: Settlement) -> list[tuple[str, Any]]:
    s = settlement
    return [(_("Provider"), s.provider.name), (_("Month"), s.period.strftime("%Y-%m")),
            (_("State"), s.get_state_display()), (_("Visits"), s.visits),
            (_("Gross (yuan)"), fen_to_yuan(s.gross_fen)),
            (_("Co-pay by elders (yuan)"), fen_to_yuan(s.copay_fen)),
            (_("Excluded (yuan)"), fen_to_yuan(s.excluded_fen)),
            (_("Payable (yuan)"), fen_to_yuan(s.payable_fen)),
            (_("Computed by"), str(s.computed_by)),
            (_("Approved by"), str(s.approved_by) if s.approved_by_id else "—"),
            (_("Digest"), s.digest[:16])]


def statement_pdf(settlement: Settlement) -> bytes:
    """The PDF; a frozen (approved or exported) statement is cached by its digest, because a
    large month takes WeasyPrint tens of seconds (about 1 s per 100 lines)."""
    if settlement.state == SettlementState.COMPUTED:
        return _render_pdf(settlement)
    key = (f"homecare:settlement-pdf:{settlement.pk}:{settlement.digest}:{settlement.state}:"
           f"{get_language()}")
    pdf = cache.get(key)
    if pdf is None:
        pdf = _render_pdf(settlement)
        cache.set(key, pdf, timeout=24 * 3600)
    return pdf


def _render_pdf(settlement: Settlement) -> bytes:
    """WeasyPrint is imported lazily: it is slow to load and only this download needs it."""
    from weasyprint import HTML

    rows = statement_rows(settlement)
    html = render_to_string("homecare/pdf/settlement_statement.html", {
        "s": settlement, "rows": rows, "summary": summary(settlement),
        "printed_at": timezone.localtime(),
        "totals": {"price": fen_to_yuan(settlement.gross_fen),
                   "copay": fen_to_yuan(settlement.copay_fen),
                   "payable": fen_to_yuan(settlement.payable_fen)}})
    return HTML(string=html).write_pdf()


LINE_HEADERS = [gettext_lazy("#"), gettext_lazy("Visit"), gettext_lazy("Date"),
                gettext_lazy("Elder"), gettext_lazy("Service"), gettext_lazy("Caregiver"),
                gettext_lazy("Checked in"), gettext_lazy("Checked out"),
                gettext_lazy("Price (yuan)"), gettext_lazy("Co-pay (yuan)"),
                gettext_lazy("Payable (yuan)"), gettext_lazy("Excluded because")]


def statement_xlsx(settlement: Settlement) -> bytes:
    """Two sheets: the summary and one row per visit, closed by a SUM row that must equal the
    summary (numbers are written as numbers so finance can re-add them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    for label, value in summary(settlement):
        xlsx.append(ws, [label, value])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 36
    lines = wb.create_sheet(_("Visits")[:31])
    xlsx.append(lines, [str(h) for h in LINE_HEADERS])
    for cell in lines[1]:
        cell.font = Font(bold=True)
    rows = statement_rows(settlement)
    for r in rows:
        xlsx.append(lines, [r["n"], r["visit_id"], r["date"], r["elder"], r["item"],
                            r["caregiver"], r["check_in"], r["check_out"], r["price"],
                            r["copay"], r["payable"], r["reason"]])
    last = len(rows) + 1
    xlsx.append(lines, [_("Total"), None, None, None, None, None, None, None,
                        *(xlsx.Formula(f"=SUM({c}2:{c}{last})") for c in "IJK"), None])
    for col, width in zip("ABCDEFGHIJKL", (6, 9, 12, 10, 14, 10, 9, 9, 12, 12, 12, 18),
                          strict=True):
        lines.column_dimensions[col].width = width
    return xlsx.workbook_bytes(wb)


def filename(settlement: Settlement, ext: str) -> str:
    return f"settlement-{settlement.provider_id}-{settlement.period:%Y-%m}.{ext}"
