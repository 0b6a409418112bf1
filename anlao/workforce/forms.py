"""The caregiver edit form. It parses; ``services.caregiver_update`` decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anlao.areas.models import AreaLevel
from anlao.areas.selectors import areas_for
from anlao.core.form_errors import ServiceErrorsMixin
from anlao.core.masking import mask_phone
from anlao.core.scoping import area_in_scope
from anlao.workforce.models import Caregiver

INDENT = {AreaLevel.STREET: "\u3000", AreaLevel.COMMUNITY: "\u3000\u3000"}


class CaregiverForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    # Starts empty (blank = keep): prefilling it would show the full number without the
    # logged reveal.
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            help_text=_("Leave blank to keep the current value."),
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    area = forms.TypedChoiceField(label=_("Area where the record is kept"), coerce=int)
    is_active = forms.BooleanField(label=_("Active (still working in elderly care)"),
                                   required=False)

    def __init__(self, *args: Any, actor: Any, caregiver: Caregiver, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.caregiver = caregiver
        self.fields["phone"].widget.attrs["placeholder"] = mask_phone(caregiver.phone) or "—"
        if not area_in_scope(actor, caregiver.area):
            # Only staff of the area where the record is kept may move it (see the service);
            # provider staff have no jurisdiction.
            del self.fields["area"]
        else:
            self.fields["area"].choices = [
                (a.pk, INDENT.get(a.level, "") + a.name) for a in areas_for(actor=actor)]
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    @staticmethod
    def initial_for(caregiver: Caregiver) -> dict[str, Any]:
        return {"name": caregiver.name, "area": caregiver.area_id,
                "is_active": caregiver.is_active}

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        phone = "" if d.get("clear_phone") else (d.get("phone") or None)
        return {"name": d["name"], "phone": phone, "area_id": d.get("area"),
                "is_active": d.get("is_active", False)}
