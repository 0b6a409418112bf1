"""The files of an exported run, rendered from its frozen payment lines.

Rendered on request rather than stored: the lines never change after export (their status
does, but the files list what was sent), so the same run always gives the same files.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from anlao.areas.models import Area
from anlao.benefits.models import BenefitRun, Payment, PaymentStatus
from anlao.benefits.payments import bankfiles
from anlao.core.masking import mask_id_number
from anlao.people.models import Elder


def payment_lines(run: BenefitRun, *, to_bank: bool) -> list[dict[str, Any]]:
    """Every line of the run (or only those sent to the bank) with the elder's name and ID."""
    qs = Payment.objects.filter(run=run).order_by("line")
    if to_bank:
        qs = qs.exclude(status=PaymentStatus.HELD)
    rows = list(qs)
    elders = Elder.objects.in_bulk([p.elder_id for p in rows])
    out = []
    for p in rows:
        e = elders.get(p.elder_id)
        out.append({"line": p.line, "account_number": p.account_number, "holder": p.holder,
                    "bank": p.bank, "amount_fen": p.amount_fen, "kind": p.kind,
                    "id_number": e.id_number if e else "", "elder_name": e.name if e else "",
                    "community_code": p.community_code, "status": p.status,
                    "reference": f"{run.program[:8]}-{run.period}-{p.line}"})
    return out


def bank_csv(run: BenefitRun) -> bytes:
    return bankfiles.to_csv(bankfiles.export_rows(payment_lines(run, to_bank=True)))


def bank_xlsx(run: BenefitRun) -> bytes:
    return bankfiles.to_xlsx(bankfiles.export_rows(payment_lines(run, to_bank=True)),
                             run.period)


def community_sections(run: BenefitRun) -> list[dict[str, Any]]:
    """Lines grouped by community, each with its count and total (all lines, held too)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for ln in payment_lines(run, to_bank=False):
        ln["masked_id"] = mask_id_number(ln["id_number"])
        n = ln["account_number"]
        ln["masked_account"] = "*" * (len(n) - 4) + n[-4:] if n else ""
        ln["amount"] = bankfiles.yuan(ln["amount_fen"])
        ln["bank_name"] = bankfiles.BANKS.get(ln["bank"], {}).get("name", ln["bank"])
        groups.setdefault(ln["community_code"], []).append(ln)
    names = dict(Area.objects.current().filter(code__in=list(groups)).values_list("code",
                                                                                  "name"))
    return [{"code": code, "name": names.get(code, code or "—"), "lines": rows,
             "count": len(rows), "total_fen": sum(r["amount_fen"] for r in rows),
             "total": bankfiles.yuan(sum(r["amount_fen"] for r in rows))}
            for code, rows in sorted(groups.items())]


def community_pdf(run: BenefitRun, program_name: str = "") -> bytes:
    """One page (or more) per community with totals and signature lines. WeasyPrint is
    imported lazily: it is slow to load and only this download needs it."""
    from weasyprint import HTML

    sections = community_sections(run)
    html = render_to_string("benefits/payment_list_pdf.html", {
        "run": run, "sections": sections, "program_name": program_name or run.program,
        "total": bankfiles.yuan(sum(s["total_fen"] for s in sections)),
        "printed_at": timezone.localtime()})
    return HTML(string=html).write_pdf()
