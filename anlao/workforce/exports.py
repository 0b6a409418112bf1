"""The approved quarterly claim as an Excel workbook for finance (one row per caregiver)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from anlao.core import xlsx
from anlao.core.masking import mask_id_number
from anlao.core.money import fen_to_yuan
from anlao.workforce.models import ClaimBatch
from anlao.workforce.present import line_texts


def batch_workbook(batch: ClaimBatch) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = batch.label
    xlsx.append(ws, [_("Caregiver post subsidy claim"), batch.label, str(batch.area)])
    xlsx.append(ws, [_("Name"), _("ID number"), _("Facility"), _("Months paid"),
                     _("Post subsidy (yuan)"), _("Length-of-service bonus (yuan)"),
                     _("Total (yuan)"), _("Explanation")])
    for ln in batch.lines.select_related("caregiver", "facility"):
        xlsx.append(ws, [ln.caregiver.name, mask_id_number(ln.caregiver.id_number),
                         ln.facility.name if ln.facility else "", ln.months_paid,
                         fen_to_yuan(ln.post_fen), fen_to_yuan(ln.bonus_fen),
                         fen_to_yuan(ln.total_fen), "\n".join(line_texts(ln.explanation))])
    xlsx.append(ws, [_("Total"), "", "", "", "", "", fen_to_yuan(batch.total_fen), ""])
    for col, width in zip("ABCDEFGH", (12, 22, 24, 8, 14, 14, 12, 80), strict=True):
        ws.column_dimensions[col].width = width
    return xlsx.workbook_bytes(wb)
