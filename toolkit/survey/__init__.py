"""The worker survey: from the field to the report.

- ``toolkit.survey.form``: the shipped survey defined once as data (questions, choices keyed to
  canonical worker fields and values, older versions' questions);
- ``toolkit.survey.xlsform``: writes it as an XLSForm (KoboToolbox, ODK) and reads any XLSForm;
- ``toolkit.survey.exports``: reads KoboToolbox and ODK Central exports of it (CSV, XLSX, CSV zip)
  into the worker reader's input, with no mapping file (``workers.read_worker_records`` calls it);
- ``toolkit.survey.mapping``: drafts the mapping file for exports of other forms;
- ``toolkit.survey.simulate``: synthetic exports with planted answers (the import's test fixtures);
- ``write_kit(out)``: the form and the organizer's guides (``h2gender survey form``).
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["write_kit", "GUIDE_LANGS"]

GUIDE_LANGS = ("en", "es")


def write_kit(out: str | os.PathLike) -> list[Path]:
    """Write the XLSForm and the organizer's guide in English and Spanish to ``out``; the paths."""
    from toolkit.survey import xlsform

    out = Path(out)
    written = [xlsform.write_form(out / xlsform.FORM_FILE)]
    for lang in GUIDE_LANGS:
        text = resources.files("toolkit").joinpath(f"data/survey_guide_{lang}.md").read_text(encoding="utf-8")
        path = out / f"organizer_guide_{lang}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
