"""Forms of the registry pages. They parse and present; services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlao.areas.models import Area, AreaLevel
from anlao.areas.selectors import communities_for, current_areas, streets_for
from anlao.core.form_errors import ServiceErrorsMixin
from anlao.core.masking import mask_address
from anlao.people.models import (
    CATEGORY_FIELDS,
    CATEGORY_LABELS,
    ContactRelation,
    Elder,
    ElderStatus,
    LivingSituation,
    Sex,
)
from anlao.people.selectors import AGE_BANDS, ElderFilters

ANY = ("", _("all"))
ALL_STATUSES = "all"
def _grouped_communities(communities: list[Area]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Communities as <optgroup>s by street, in tree order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in communities:
        street = c.parent.name if c.parent_id else ""
        groups.setdefault(street, []).append((c.code, c.name))
    return list(groups.items())


class ElderFilterForm(forms.Form):
    """The list's search and filters (GET). Unknown values are ignored, not errors."""

    q = forms.CharField(required=False, max_length=40, label=_("Search"))
    street = forms.ChoiceField(required=False, label=_("Street"))
    community = forms.ChoiceField(required=False, label=_("Community"))
    age_band = forms.ChoiceField(required=False, label=_("Age"))
    category = forms.ChoiceField(required=False, label=_("Category"))
    living_situation = forms.ChoiceField(required=False, label=_("Living situation"))
    status = forms.ChoiceField(required=False, label=_("Status"))

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        streets = list(streets_for(actor=actor))
        self.has_areas = bool(streets)
        self.fields["street"].choices = [ANY] + [(s.code, s.name) for s in streets]
        street = next((s for s in streets if s.code == self.data.get("street")), None)
        # Only one street's communities (or all in scope when no street is chosen).
        communities = list(communities_for(actor=actor, street=street).select_related("parent"))
        self.fields["community"].choices = [ANY] + (
            [(c.code, c.name) for c in communities] if street
            else _grouped_communities(communities)
        )
        self.fields["age_band"].choices = [ANY] + [
            (band, _("%(band)s years") % {"band": band}) for band in AGE_BANDS
        ]
        self.fields["category"].choices = [ANY] + [
            (name, CATEGORY_LABELS[name]) for name in (*CATEGORY_FIELDS, "disabled")
        ] + [("alone", _("living alone, empty nest or no family"))]
        self.fields["living_situation"].choices = [ANY, *LivingSituation.choices]
        self.fields["status"].choices = [*ElderStatus.choices, (ALL_STATUSES, _("any status"))]
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs.update({"class": css, "id": f"id_{name}"})

    def filters(self) -> ElderFilters:
        """Valid values only; a stale or tampered parameter just drops out."""
        self.is_valid()
        c = {k: v for k, v in self.cleaned_data.items() if v}
        for name in self.errors:
            c.pop(name, None)
        status = c.get("status", ElderStatus.ACTIVE)
        return ElderFilters(
            q=c.get("q", ""), street=c.get("street", ""), community=c.get("community", ""),
            age_band=c.get("age_band", ""), category=c.get("category", ""),
            living_situation=c.get("living_situation", ""),
            status="" if status == ALL_STATUSES else status,
        )


class ElderForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=32)
    id_number = forms.CharField(label=_("ID number"), max_length=20,
                                help_text=_("18 characters; a 15-digit legacy number is "
                                            "converted."))
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("Optional: checked against the ID number."))
    sex = forms.ChoiceField(label=_("Sex"), required=False,
                            choices=[("", _("from the ID number")), *Sex.choices],
                            help_text=_("Optional: checked against the ID number."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    residence_area = forms.ChoiceField(label=_("Residence community"))
    hukou_area = forms.ChoiceField(label=_("Hukou area"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.CharField(label=_("Latitude"), max_length=20, required=False)
    lng = forms.CharField(label=_("Longitude"), max_length=20, required=False)
    living_situation = forms.ChoiceField(label=_("Living situation"),
                                         choices=LivingSituation.choices,
                                         initial=LivingSituation.WITH_FAMILY)
    extreme_poverty = forms.BooleanField(label=CATEGORY_LABELS["extreme_poverty"], required=False)
    dibao = forms.BooleanField(label=CATEGORY_LABELS["dibao"], required=False)
    near_dibao = forms.BooleanField(label=CATEGORY_LABELS["near_dibao"], required=False)
    bereaved_one_child_family = forms.BooleanField(
        label=CATEGORY_LABELS["bereaved_one_child_family"], required=False)
    entitled_veteran = forms.BooleanField(label=CATEGORY_LABELS["entitled_veteran"],
                                          required=False)
    disability_grade = forms.ChoiceField(label=_("Disability grade"), required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    @property
    def category_boundfields(self) -> list[forms.BoundField]:
        return [self[name] for name in CATEGORY_FIELDS]

    # On edit these start empty (blank = keep): prefilling them would show the full values
    # without the logged reveal.
    KEEP_IF_BLANK = ("id_number", "phone", "address")

    def __init__(self, *args: Any, actor: Any, elder: Elder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elder = elder
        if elder is not None:
            masked = {"id_number": elder.masked_id_number, "phone": elder.masked_phone,
                      "address": mask_address(elder.address)}
            for name in self.KEEP_IF_BLANK:
                self.fields[name].required = False
                self.fields[name].widget.attrs["placeholder"] = masked[name] or "—"
                self.fields[name].help_text = _("Leave blank to keep the current value.")
        communities = list(communities_for(actor=actor).select_related("parent"))
        self.fields["residence_area"].choices = [("", "—"), *_grouped_communities(communities)]
        if len(communities) == 1:  # a community worker registers in their one community
            self.fields["residence_area"].initial = communities[0].code
        # Hukou may lie outside the actor's jurisdiction: areas are public reference data.
        areas = current_areas(levels=[AreaLevel.STREET, AreaLevel.COMMUNITY])
        self.fields["disability_grade"].choices = [("", _("not disabled"))] + [
            (str(g), _("grade %(grade)s") % {"grade": g}) for g in range(1, 5)
        ]
        self.fields["hukou_area"].choices = [("", _("same as residence"))] + [
            (a.code, ("\u3000" if a.level == AreaLevel.COMMUNITY else "") + a.name)
            for a in areas
        ]
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    @classmethod
    def initial_for(cls, elder: Elder) -> dict[str, Any]:
        hidden = ("residence_area", "hukou_area", "disability_grade", "birth_date",
                  *cls.KEEP_IF_BLANK)
        initial = {name: getattr(elder, name) for name in cls.base_fields if name not in hidden}
        initial["residence_area"] = elder.residence_area.code
        initial["hukou_area"] = elder.hukou_area.code if elder.hukou_area_id else ""
        initial["disability_grade"] = str(elder.disability_grade or "")
        for coord in ("lat", "lng"):
            initial[coord] = "" if initial[coord] is None else initial[coord]
        return initial

    def service_data(self) -> dict[str, Any]:
        """What the service expects: plain values, areas by code."""
        data = dict(self.cleaned_data)
        data["birth_date"] = data.get("birth_date") or None
        if self.elder is not None:
            for name in self.KEEP_IF_BLANK:
                if not data.get(name):
                    data.pop(name, None)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"),
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    status_date = forms.DateField(label=_("Date"),
                                  widget=forms.DateInput(attrs={"type": "date",
                                                                "class": "form-control"},
                                                         format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, elder: Elder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in ElderStatus if s.value != elder.status]
        self.fields["status"].choices = choices
        self.fields["status_date"].initial = timezone.localdate()


class ContactForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=32,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    relation = forms.ChoiceField(label=_("Relation"), choices=ContactRelation.choices,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    phone = forms.CharField(label=_("Phone"), max_length=20,
                            widget=forms.TextInput(attrs={"class": "form-control",
                                                          "inputmode": "tel"}))
    is_guardian = forms.BooleanField(label=_("Guardian"), required=False,
                                     widget=forms.CheckboxInput(
                                         attrs={"class": "form-check-input"}))
    is_emergency = forms.BooleanField(label=_("Emergency contact"), required=False,
                                      initial=True,
                                      widget=forms.CheckboxInput(
                                          attrs={"class": "form-check-input"}))


def mark_invalid(form: forms.Form) -> None:
    """Bootstrap's red outline on every field with an error (service errors included)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
