"""Filter form of the audit and access-log pages (parses input; selectors do the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anlao.core.selectors import LogFilters


def _select(choices: list[str], empty: str) -> forms.ChoiceField:
    return forms.ChoiceField(required=False, choices=[("", empty), *((c, c) for c in choices)],
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class LogFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"), required=False, max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                      "placeholder": _("username or name")}),
    )
    entity_id = forms.CharField(
        label=_("Record number"), required=False, max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"), required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )

    def __init__(self, data, *, entities: list[str], actions: list[str] | None = None):
        super().__init__(data)
        self.fields["entity"] = _select(entities, str(_("all records")))
        self.fields["entity"].label = _("Record type")
        if actions is not None:
            self.fields["action"] = _select(actions, str(_("all actions")))
            self.fields["action"].label = _("Action")
        self.order_fields(["actor", "entity", "entity_id", "action", "date_from", "date_to"])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> LogFilters:
        """The valid part of the input; an invalid field filters nothing rather than 500."""
        if not self.is_bound:
            return LogFilters()
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        return LogFilters(
            actor=(d.get("actor") or "").strip(), action=d.get("action") or "",
            entity=d.get("entity") or "", entity_id=(d.get("entity_id") or "").strip(),
            date_from=d.get("date_from"), date_to=d.get("date_to"),
        )
