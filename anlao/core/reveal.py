"""Why a full personal value is shown: a reason chosen from a fixed list, with an optional
text (required for "other"), stored clean in the access log as ``<code>`` or
``<code>: <text>`` and shown translated on the access-log page."""

from __future__ import annotations

import unicodedata

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.core.errors import ServiceError

NOTE_MAX = 200


class RevealReason(models.TextChoices):
    SERVICE = "service", gettext_lazy("service delivery")
    PAYMENT = "payment", gettext_lazy("payment")
    VERIFICATION = "verification", gettext_lazy("verification")
    COMPLAINT = "complaint", gettext_lazy("complaint")
    OTHER = "other", gettext_lazy("other")


def clean_note(text: str | None) -> str:
    """Text as one line: control and format characters (newlines, NUL, bidi overrides,
    zero-width marks) dropped, runs of spaces made one, cut at ``NOTE_MAX``."""
    kept = "".join(" " if ch.isspace() else ch for ch in unicodedata.normalize("NFC", text or "")
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())[:NOTE_MAX]


def reveal_reason(reason: str | None, note: str | None = "") -> str:
    """The reason as the access log keeps it; ``ServiceError`` (field ``reason``) unless it
    is one of the list, and for "other" unless a text of two characters or more says why."""
    code = (reason or "").strip()
    if code not in RevealReason.values:
        raise ServiceError(_("Choose why you need the full value."), field="reason")
    text = clean_note(note)
    if code == RevealReason.OTHER and len(text) < 2:
        raise ServiceError(_("Say why you need the full value."), field="reason")
    return f"{code}: {text}" if text else code


def reason_display(stored: str) -> str:
    """``"payment: 核对账户"`` → ``"payment — 核对账户"`` in the reader's language; reasons
    written before the list existed are shown as they were."""
    code, _sep, text = stored.partition(": ")
    if code not in RevealReason.values:
        return stored
    label = str(RevealReason(code).label)
    return f"{label} — {text}" if text else label
