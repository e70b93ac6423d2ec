"""XLSForm sheets: written from the shipped form's definition (``toolkit.survey.form``), and read
from any form a user holds (``read_xlsform``, for ``h2gender survey map``).

An XLSForm is a workbook with a ``survey`` sheet (one row per question: type, name, labels per
language, hint, relevant, required, constraint, choice_filter), a ``choices`` sheet (list_name,
name, labels) and a ``settings`` sheet (form_title, form_id, version, default_language). The
columns ``label::English (en)`` / ``label::Español (es)`` carry the two languages.

References
----------
XLSForm specification, https://xlsform.org/en/ (survey, choices and settings sheets; multiple
language support; relevant; choice_filter; repeats).

Examples
--------
>>> sheets = form_sheets()
>>> sheets["survey"][0][:3], sheets["settings"][1][:2]
(['type', 'name', 'label::English (en)'], ['H-2 recruitment and work: worker survey', 'h2gender_worker_survey'])
"""
from __future__ import annotations

import os
from pathlib import Path

from toolkit import rawio
from toolkit.errors import SchemaError
from toolkit.survey import form as F

__all__ = ["form_sheets", "write_form", "read_xlsform", "FORM_FILE"]

FORM_FILE = f"{F.FORM_ID}.xlsx"


def form_sheets(version: str = F.FORM_VERSION) -> dict[str, list[list]]:
    """The survey, choices and settings sheets of the shipped form, header row first."""
    langs = list(F.LANGUAGES.values())
    survey_head = ["type", "name", *(f"label::{lang}" for lang in langs), *(f"hint::{lang}" for lang in langs),
                   "relevant", "required", "constraint", "choice_filter"]
    survey = [survey_head]
    for q in F.QUESTIONS:
        end = q.type.startswith("end_")
        survey.append([q.xlsform_type, "" if end else q.name, q.en, q.es, q.hint_en, q.hint_es, q.relevant,
                       "yes" if q.required else "", q.constraint, q.choice_filter])
    choices = [["list_name", "name", *(f"label::{lang}" for lang in langs), "country"]]
    for list_name, items in F.CHOICES.items():
        choices += [[list_name, c.name, c.en, c.es, c.country or ""] for c in items]
    settings = [["form_title", "form_id", "version", "default_language"],
                [F.FORM_TITLE["en"], F.FORM_ID, version, F.LANGUAGES["es"]]]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_form(path: str | os.PathLike, *, version: str = F.FORM_VERSION) -> Path:
    """Write the shipped form as an XLSForm workbook (openpyxl) and return its path."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in form_sheets(version).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def read_xlsform(path: str | os.PathLike) -> dict[str, list[dict[str, str]]]:
    """The ``survey`` and ``choices`` sheets of an XLSForm as lists of rows (column -> text).

    Raises ``SchemaError`` naming the file when a sheet or the ``type``/``name`` columns are missing.
    """
    path = Path(path)
    sheets = rawio.all_sheet_rows(path)
    lower = {name.strip().lower(): name for name in sheets}
    out = {}
    for sheet, needed in (("survey", ("type", "name")), ("choices", ("list_name", "name"))):
        if sheet not in lower:
            if sheet == "choices":
                out[sheet] = []
                continue
            raise SchemaError(f"{path.name}: not an XLSForm: no {sheet!r} sheet; sheets: {list(sheets)}")
        rows = sheets[lower[sheet]]
        header = [rawio.cell_text(h).strip() for h in rows[0]] if rows else []
        missing = [c for c in needed if c not in header]
        if missing:
            raise SchemaError(f"{path.name}: sheet {sheet!r} has no column {missing}; columns: {header}")
        out[sheet] = [{h: rawio.cell_text(v).strip() for h, v in zip(header, r) if h}
                      for r in rows[1:] if any(rawio.cell_text(v).strip() for v in r)]
    return out
