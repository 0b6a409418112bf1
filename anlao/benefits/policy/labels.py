"""Translatable names for the engine's codes (stop reasons, change reasons, steps)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    "deceased": _("deceased"),
    "hukou_moved": _("hukou moved out"),
    "ineligible": _("no longer eligible"),
    "duplicate": _("duplicate benefit"),
    "policy_change": _("policy change"),
    "not_verified": _("not verified"),
    "other": _("other"),
    "first_payment": _("first payment"),
    "tier_change": _("tier change"),
    "amount_change": _("amount change"),
    "resumed": _("resumed after a late life verification"),
}
KINDS = {"new": _("new"), "stopped": _("stopped"), "changed": _("amount changed"),
         "unchanged": _("unchanged")}
STEPS = {"queued": _("queued, waiting for the worker"), "load": _("loading elders"),
         "evaluate": _("evaluating the policy"),
         "write": _("writing entitlements"), "changes": _("writing changes"),
         "done": _("done"), "failed": _("failed")}
PAYMENT = {"monthly": _("monthly"), "quarterly": _("quarterly, in advance")}
TIER_CHANGE = {"month_after_birthday": _("from the month after the birthday"),
               "birthday_month": _("from the month of the birthday")}
STOP_TIMING = {"month_after": _("from the month after"), "same_month": _("from that month")}
DIMENSIONS = {"age": _("age"), "ability_level": _("ability level"),
              "disability_grade": _("disability grade")}


def reason_label(code: str | None) -> str:
    if not code:
        return ""
    if code.startswith("exclusive:"):
        return str(_("paid by the higher program %(code)s") % {"code": code[10:]})
    return str(REASONS.get(code, code))
