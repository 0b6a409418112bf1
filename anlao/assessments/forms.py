"""Forms of the assessment pages. They parse and present; the services decide what is valid.

The item answers are not a Django form: the step page renders the instrument's options
itself (the help-scale wording with each score) and ``parse_answers`` reads them back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anlao.areas.selectors import communities_for, streets_for
from anlao.assessments.instrument import Instrument, load
from anlao.assessments.models import Assessment, AssessmentReason, AssessmentState
from anlao.assessments.selectors import agencies, agency_assessors

ANY = ("", _("all"))
MAX_RISK_EVENTS = 99


def wording(obj: Any) -> str:
    """The instrument's Chinese wording in Chinese, its English label otherwise."""
    return obj.zh if (get_language() or "zh").startswith("zh") else obj.en


def area_choices(actor: Any) -> list[Any]:
    """Streets, each followed by its communities, as <optgroup>s; empty without areas."""
    streets = list(streets_for(actor=actor))
    if not streets:
        return []
    groups: dict[str, list[tuple[str, str]]] = {s.code: [] for s in streets}
    for c in communities_for(actor=actor).select_related("parent"):
        groups.setdefault(c.parent.code if c.parent_id else "", []).append(
            (c.code, f"· {c.name}"))
    choices: list[Any] = [("", _("all areas"))]
    for s in streets:
        choices.append((s.name, [(s.code, _("%(street)s (whole street)") % {"street": s.name}),
                                 *groups.get(s.code, [])]))
    return choices


def _style(form: forms.Form) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("id", f"id_{name}")


class ListFilterForm(forms.Form):
    """The list's filters (GET). Unknown values drop out instead of failing."""

    state = forms.ChoiceField(required=False, label=_("State"))
    agency = forms.ChoiceField(required=False, label=_("Agency"))
    area = forms.ChoiceField(required=False, label=_("Area"))

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        self.fields["state"].choices = [ANY, *AssessmentState.choices]
        self.fields["agency"].choices = [ANY] + [(str(o.pk), o.name) for o in agencies()]
        self.fields["area"].choices = area_choices(actor)
        self.has_areas = bool(self.fields["area"].choices)
        _style(self)

    def cleaned(self) -> dict[str, str]:
        self.is_valid()
        return {k: self.cleaned_data.get(k, "") for k in ("state", "agency", "area")}


class AreaFilterForm(forms.Form):
    area = forms.ChoiceField(required=False, label=_("Area"))

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        self.fields["area"].choices = area_choices(actor)
        self.has_areas = bool(self.fields["area"].choices)
        _style(self)

    def area_code(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("area", "") if self.has_areas else ""


class RequestForm(forms.Form):
    agency = forms.ChoiceField(label=_("Assessment agency"))
    reason = forms.ChoiceField(label=_("Reason for assessment"), choices=AssessmentReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—")] + [(str(o.pk), o.name) for o in agencies()]
        _style(self)


class DetailsForm(forms.Form):
    """The last entry step: conditions of C.4, care-risk events, assessors, date, reason."""

    assessed_on = forms.DateField(label=_("Assessment date"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.ChoiceField(label=_("Reason for assessment"), choices=AssessmentReason.choices)
    assessor_1 = forms.ChoiceField(label=_("First assessor"), required=False)
    assessor_2 = forms.ChoiceField(label=_("Second assessor"), required=False)
    coma = forms.BooleanField(label=_("In a coma"), required=False)
    dementia = forms.BooleanField(label=_("Dementia (ICD-10 F00–F03)"), required=False)
    psychiatric_disorder = forms.BooleanField(
        label=_("Other mental disorder diagnosed by a psychiatrist"), required=False)
    diagnosis_note = forms.CharField(label=_("Diagnosis"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, assessment: Assessment, instrument: Instrument | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument or load()
        people = [("", "—")] + [(str(u.pk), str(u)) for u in
                               agency_assessors(assessment.agency_id)]
        self.fields["assessor_1"].choices = people
        self.fields["assessor_2"].choices = people
        for event in self.instrument.risk_events:
            self.fields[f"risk_{event.code}"] = forms.IntegerField(
                label=wording(event), required=False, min_value=0, max_value=MAX_RISK_EVENTS,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        _style(self)

    @classmethod
    def initial_for(cls, a: Assessment) -> dict[str, Any]:
        data: dict[str, Any] = {
            "assessed_on": a.assessed_on, "reason": a.reason,
            "assessor_1": str(a.assessor_1_id or ""), "assessor_2": str(a.assessor_2_id or ""),
            "coma": a.coma, "dementia": a.dementia,
            "psychiatric_disorder": a.psychiatric_disorder,
            "diagnosis_note": a.diagnosis_note, "note": a.note,
        }
        for code, n in (a.risk_events or {}).items():
            data[f"risk_{code}"] = n
        return data

    def risk_fields(self) -> list[forms.BoundField]:
        return [self[f"risk_{e.code}"] for e in self.instrument.risk_events]

    def service_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "assessed_on": c["assessed_on"], "reason": c["reason"],
            "assessor_1": c["assessor_1"] or None, "assessor_2": c["assessor_2"] or None,
            "coma": c["coma"], "dementia": c["dementia"],
            "psychiatric_disorder": c["psychiatric_disorder"],
            "diagnosis_note": c["diagnosis_note"], "note": c["note"],
            "risk_events": {e.code: c.get(f"risk_{e.code}") or 0
                            for e in self.instrument.risk_events},
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            name = key.replace("risk_events.", "risk_")
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for sending it back"), max_length=255,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class AnswerError(ValueError):
    """A posted answer that is not a whole number."""


def parse_answers(post: Any, codes: tuple[str, ...] | list[str]) -> dict[str, int]:
    """The item answers present in a POST (``B.1.1=3``). Absent or empty ones are left out:
    a radio group cannot be cleared, so "no value" means "not answered yet"."""
    answers: dict[str, int] = {}
    for code in codes:
        raw = (post.get(code) or "").strip()
        if not raw:
            continue
        try:
            answers[code] = int(raw)
        except ValueError as exc:
            raise AnswerError(code) from exc
    return answers
