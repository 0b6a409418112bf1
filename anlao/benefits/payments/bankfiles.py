"""Bank data as data, and the files exchanged with the bank (layout: docs/benefits.md).

Pure functions: no database access. The services validate and write; the views serve bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from anlao.core import xlsx

# Bank code → name, allowed account-number lengths and whether the Luhn check digit applies.
# Card numbers (借记卡) carry a Luhn digit; passbook accounts of local banks (存折) do not.
BANKS: dict[str, dict[str, Any]] = {
    "ICBC": {"name": "中国工商银行", "lengths": (16, 19), "luhn": True},
    "ABC": {"name": "中国农业银行", "lengths": (16, 19), "luhn": True},
    "BOC": {"name": "中国银行", "lengths": (16, 19), "luhn": True},
    "CCB": {"name": "中国建设银行", "lengths": (16, 19), "luhn": True},
    "PSBC": {"name": "中国邮政储蓄银行", "lengths": (19, 19), "luhn": True},
    "HZBANK": {"name": "杭州银行", "lengths": (12, 19), "luhn": False},
    "ZJRCU": {"name": "浙江农商银行", "lengths": (12, 19), "luhn": False},
}

EXPORT_HEADER = ["line", "account_number", "holder", "bank", "amount", "id_number",
                 "elder_name", "community_code", "kind", "reference"]
RETURN_HEADER = ["line", "account_number", "amount", "result", "reason"]
RESULTS = {"paid": "paid", "成功": "paid", "failed": "failed", "失败": "failed"}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def account_problem(bank: str, number: str) -> str | None:
    """Why ``number`` cannot be an account of ``bank`` (English, translated by the caller)."""
    spec = BANKS.get(bank)
    if spec is None:
        return "unknown bank"
    if not number.isdigit() or not number.isascii():
        return "digits only"
    lo, hi = spec["lengths"]
    if not lo <= len(number) <= hi:
        return "wrong length"
    if spec["luhn"] and not luhn_ok(number):
        return "check digit"
    return None


def yuan(fen: int) -> str:
    """Fen → ``'123.45'`` (the bank's amount format: yuan with two decimals)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_yuan(text: str) -> int | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    if value != value.quantize(Decimal("0.01")) or value < 0:
        return None
    return int(value * 100)


def export_rows(lines: list[dict[str, Any]]) -> list[list[str]]:
    """The bank file's rows: header, one row per payment line, and a TOTAL trailer."""
    rows = [EXPORT_HEADER]
    for ln in lines:
        rows.append([str(ln["line"]), ln["account_number"], ln["holder"], ln["bank"],
                     yuan(ln["amount_fen"]), ln["id_number"], ln["elder_name"],
                     ln["community_code"], ln["kind"], ln["reference"]])
    total = sum(ln["amount_fen"] for ln in lines)
    rows.append(["TOTAL", str(len(lines)), "", "", yuan(total), "", "", "", "", ""])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(xlsx.csv_row(r) for r in rows)
    return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens Chinese text correctly


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for row in rows:
        xlsx.append(ws, row)  # all text: account numbers must not become floats
    for col, width in zip("ABCDEFGHIJ", (6, 22, 12, 10, 12, 20, 10, 14, 9, 14), strict=True):
        ws.column_dimensions[col].width = width
    return xlsx.workbook_bytes(wb)


@dataclass
class ReturnRow:
    number: int  # 1-based row in the file, for messages
    line: int
    account_number: str
    amount_fen: int
    result: str
    reason: str


def parse_return(content: bytes) -> tuple[list[ReturnRow], tuple[int, int] | None, list[str]]:
    """Rows, the TOTAL trailer (count, fen) and format errors of a bank return file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], None, [_("The file is not UTF-8 text.")]
    table = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not table or [c.strip() for c in table[0]] != RETURN_HEADER:
        return [], None, [_("The first row must be: %(header)s") % {
            "header": ",".join(RETURN_HEADER)}]
    rows, errors, trailer = [], [], None
    for n, raw in enumerate(table[1:], start=2):
        cells = [c.strip() for c in raw] + [""] * 5
        if cells[0] == "TOTAL":
            count, fen = cells[1], parse_yuan(cells[2])
            trailer = (int(count), fen) if count.isdigit() and fen is not None else None
            if trailer is None:
                errors.append(_("Row %(n)s: TOTAL needs a count and an amount.") % {"n": n})
            continue
        fen = parse_yuan(cells[2])
        if not cells[0].isdigit() or fen is None or cells[3] not in RESULTS:
            errors.append(_("Row %(n)s: expected a line number, an account, an amount like "
                            "100.00 and the result paid or failed.") % {"n": n})
            continue
        rows.append(ReturnRow(n, int(cells[0]), cells[1], fen, RESULTS[cells[3]], cells[4]))
    return rows, trailer, errors
