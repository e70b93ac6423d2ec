"""Draft the column mapping (``workers.load_mapping`` format) of an export of another form, from
that form (``h2gender survey map EXPORT --form FORM.xlsx``).

The export's columns are matched to the form's questions by name (the last part of a group path;
never by position or label); each question is given the canonical worker field its name or labels
point to (keywords in English and Spanish, ``FIELD_KEYWORDS``); a select_one's choices get
canonical values where their names or labels say one (``Mujer`` -> F, ``Oaxaca`` -> 20, ``H2A`` ->
H-2A). Questions that ask for names, passports or phones are listed as ``identifiers`` (dropped at
load). What could not be mapped is written as comments for the organizer to finish by hand.

Examples
--------
>>> survey = [{"type": "select_one genero", "name": "genero", "label": "Sexo"},
...           {"type": "integer", "name": "anio", "label": "Año de la temporada"},
...           {"type": "text", "name": "nombre", "label": "Nombre completo"}]
>>> choices = [{"list_name": "genero", "name": "1", "label": "Mujer"},
...            {"list_name": "genero", "name": "2", "label": "Hombre"}]
>>> d = draft_mapping(["grupo/genero", "grupo/anio", "nombre", "_uuid"], survey, choices)
>>> d.mapping["columns"], d.mapping["values"], d.mapping["identifiers"]
({'sex': 'grupo/genero', 'fiscal_year': 'grupo/anio'}, {'sex': {'1': 'F', '2': 'M'}}, ['nombre'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from toolkit import codes, workers
from toolkit.survey.exports import _SEPARATORS, _is_metadata

__all__ = ["Draft", "draft_mapping", "mapping_yaml", "FIELD_KEYWORDS", "IDENTIFIER_KEYWORDS"]

#: Canonical field -> keywords (folded) of a question's name or label that point to it; the first
#: field whose keyword is found wins, so the more specific come first.
FIELD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "origin_state": ("origin_state", "estado de origen", "state of origin", "origin state", "estado_origen",
                     "departamento"),
    "worksite_state": ("worksite", "work state", "estado de trabajo", "estado donde trabaj", "estado_trabajo"),
    "nationality": ("nationality", "nacionalidad", "country", "pais"),
    "employer_name": ("employer", "empleador", "patron", "empresa", "company"),
    "recruiter": ("recruit", "reclut", "agencia", "agency"),
    "sex": ("sex", "sexo", "gender", "genero"),
    "age_band": ("age ", "edad"),
    "fiscal_year": ("year", "ano ", "anio", "fiscal"),
    "program": ("program", "programa", "visa"),
    "soc_code": ("soc ", "occupation", "ocupacion", "puesto", "oficio"),
    "stage": ("stage", "etapa"),
    "selected": ("selected", "seleccionad"),
    "wage_hourly": ("wage", "salario", "sueldo", "pago por hora", "hourly"),
    "case_number": ("case number", "numero de caso", "case_number"),
}
#: Keywords of questions that identify a person: listed under ``identifiers`` so they are dropped.
IDENTIFIER_KEYWORDS = ("name", "nombre", "passport", "pasaporte", "phone", "telefono", "celular", "curp",
                       "birth", "nacimiento", "address", "domicilio", "email", "correo")
_PROGRAMS = {"h2a": "H-2A", "h-2a": "H-2A", "h2b": "H-2B", "h-2b": "H-2B"}


@dataclass(frozen=True)
class Draft:
    """A drafted mapping (``workers.load_mapping`` format) and the ``notes`` on what it left out."""

    mapping: dict
    notes: list[str] = field(default_factory=list)


def _leaf(column: str) -> str:
    parts = [p for p in re.split(_SEPARATORS, column.strip()) if p]
    return parts[-1] if parts else column


def _words(text: str) -> str:
    return " " + codes.fold(text).replace("_", " ") + " "


def _key(keyword: str) -> str:
    """A keyword as it is searched: from the start of a word; to its end too when it ends in a space."""
    return " " + codes.fold(keyword).replace("_", " ") + (" " if keyword.endswith(" ") else "")


def _field_for(name: str, labels: list[str]) -> str | None:
    for text in (name, *labels):
        words = _words(text)
        for fld, keys in FIELD_KEYWORDS.items():
            if any(_key(k) in words for k in keys):
                return fld
    return None


def _value_for(fld: str, choice: dict, labels: list[str]) -> str | None:
    for text in (choice.get("name", ""), *labels):
        t = codes.fold(text)
        if fld == "sex" and t in workers.SEX_VALUES:
            return workers.SEX_VALUES[t]
        if fld == "origin_state" and codes.mexican_state_code(text):
            return codes.mexican_state_code(text)
        if fld == "program" and t.replace(" ", "") in _PROGRAMS:
            return _PROGRAMS[t.replace(" ", "")]
    return None


def draft_mapping(columns, survey: list[dict], choices: list[dict]) -> Draft:
    """The mapping for an export with ``columns`` of the form whose sheets are ``survey`` and
    ``choices`` (rows as dicts, as ``xlsform.read_xlsform`` returns them)."""
    def labels(row: dict) -> list[str]:
        return [v for k, v in row.items() if k.split("::")[0] == "label" and v]

    questions = {r["name"]: r for r in survey if r.get("name") and not r.get("type", "").startswith(("begin", "end"))}
    by_list: dict[str, list[dict]] = {}
    for c in choices:
        by_list.setdefault(c.get("list_name", ""), []).append(c)
    mapped: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    identifiers, notes = [], []
    for col in [str(c) for c in columns]:
        if _is_metadata(col):
            notes.append(f"{col}: server metadata, left out")
            continue
        q = questions.get(_leaf(col))
        if q is None:
            notes.append(f"{col}: not a question of the form (a select_multiple choice column, or another form's)")
            continue
        lab = labels(q)
        fld = _field_for(q["name"], lab)
        if fld is None and any(_key(k) in _words(" ".join([q["name"], *lab])) for k in IDENTIFIER_KEYWORDS):
            identifiers.append(col)
            continue
        if fld is None:
            notes.append(f"{col}: no canonical field recognised; add it under columns if it is one")
            continue
        if fld in mapped:
            notes.append(f"{col}: also looks like {fld}, already mapped to {mapped[fld]!r}; check which is right")
            continue
        mapped[fld] = col
        if fld == "wage_hourly" and not any(_key(k) in _words(" ".join([q["name"], *lab]))
                                            for k in ("hour", "hora", "hourly")):
            notes.append(f"{col}: mapped to wage_hourly, which must be dollars per hour; check the question's unit")
        qtype = q.get("type", "").split()
        if qtype and qtype[0] in ("select_one", "select_multiple") and len(qtype) > 1 and fld in ("sex", "origin_state",
                                                                                                  "program"):
            vals, unknown = {}, []
            for c in by_list.get(qtype[1], []):
                v = _value_for(fld, c, labels(c))
                if v is None:
                    unknown.append(c.get("name", ""))
                else:
                    vals[c.get("name", "")] = v
            if vals:
                values[fld] = vals
            if unknown:
                notes.append(f"{col} ({fld}): no canonical value for choices {unknown}; they are read as missing "
                             f"or rejected; add them under values.{fld} if they have one")
    missing = [f for f in ("sex", "program", "fiscal_year") if f not in mapped]
    if missing:
        notes.append(f"not found in the export: {missing}; the report needs sex, and program and year unless you "
                     f"give them as constants (e.g. `program: H-2A`)")
    return Draft({"columns": mapped, "values": values, "identifiers": identifiers}, notes)


def mapping_yaml(draft: Draft, *, export_name: str, form_name: str) -> str:
    """The mapping as YAML, with the notes as comments; ``workers.load_mapping`` reads it."""
    head = [f"# Worker-file mapping drafted by `h2gender survey map` from {form_name} for {export_name}.",
            "# Left: canonical field of the toolkit; right: the column in the export. Check it before use.",
            "# Borrador de mapeo: a la izquierda el campo del toolkit, a la derecha la columna de la exportación.",
            "# The export must be a comma-separated CSV or an XLSX for --mapping (not ';').", ""]
    body = yaml.safe_dump(draft.mapping, allow_unicode=True, sort_keys=False)
    tail = ["", "# Not mapped / sin mapear:"] + [f"#   {n}" for n in draft.notes]
    return "\n".join(head) + body + "\n".join(tail) + "\n"
