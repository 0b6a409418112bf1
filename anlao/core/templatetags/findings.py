"""Template tags of the review page pattern (anlao.core.rules): a finding's status badge and
its confirm / dismiss form. ``{% load findings %}``, then ``{% finding_status f store %}`` and
``{% finding_review_form f store action=url back=query %}``."""

from __future__ import annotations

from typing import Any

from django import template

from anlao.core.rules import DECISIONS, FindingStore, Status

register = template.Library()

BADGES = {Status.OPEN: "text-bg-warning", Status.CONFIRMED: "text-bg-danger",
          Status.DISMISSED: "text-bg-success"}


@register.inclusion_tag("core/_finding_status.html")
def finding_status(finding: Any, store: FindingStore) -> dict[str, Any]:
    """The status in the app's own word, coloured by the kernel's status, with the note."""
    status = store.status_of(finding)
    return {"css": BADGES.get(status, "text-bg-light border"),
            "word": getattr(finding, f"get_{store.status_field}_display")(),
            "note": getattr(finding, store.note_field),
            "reviewer": getattr(finding, "reviewed_by", None) if status != Status.OPEN else None}


@register.inclusion_tag("core/_finding_review.html", takes_context=True)
def finding_review_form(context: Any, finding: Any, store: FindingStore, action: str = "",
                        back: str = "") -> dict[str, Any]:
    """Confirm or dismiss with a note; rendered only for an open finding."""
    return {"csrf_token": context.get("csrf_token"), "f": finding, "action": action,
            "back": back, "field": store.form_field, "note_max": store.note_max(),
            "note_hint": store.note_hint, "open": store.status_of(finding) == Status.OPEN,
            "decisions": [(store.posted.get(d, store.stored(d)), store.label(d))
                          for d in DECISIONS]}
