"""Render a publication's scope as files: the evidence tables (CSV or JSON, numbers unformatted,
small cells suppressed, every row) and the findings with their numbers, intervals and sentences
(``findings.json``). What ``h2gender analyze`` writes; it computes nothing."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from toolkit import disclosure, present, safeio

__all__ = ["write", "TableFormat", "TABLE_FORMATS"]

TableFormat = Literal["csv", "json"]
TABLE_FORMATS: tuple[str, ...] = get_args(TableFormat)


def write(pub, out: str | Path, *, lang: str, fmt: TableFormat = "csv", verb: str = "analyze",
          say=lambda message: None) -> list[Path]:
    """Write the tables and ``findings.json`` of the publication's scope (``pub.scope()``) under
    ``out``; returns the paths written. A table without an allow-list of publishable columns
    (``disclosure.ALLOWED_COLUMNS``) is not written, and ``say`` is told so."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"format must be one of {list(TABLE_FORMATS)}, got {fmt!r}")
    ev = pub.scope().evidence
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in ev.raw_tables.items():
        if name not in disclosure.ALLOWED_COLUMNS:
            say(f"not written: {name} (no allow-list of publishable columns)")
            continue
        table = disclosure.publishable_columns(name, table)  # a column not on the allow-list is not written
        path = out / f"{name}.{fmt}"
        keep_index = not isinstance(table.index, pd.RangeIndex)
        if fmt == "csv":  # cells starting with = + - @ tab CR are neutralised (employers write those names)
            safeio.write_csv(table, path, index=keep_index)
        else:
            (table.reset_index() if keep_index else table).to_json(path, orient="records", indent=1, force_ascii=False)
        say(f"wrote {path} ({len(table)} rows)")
        written.append(path)
    occ_name = present.occupation_namer(ev.soc_titles, lang)
    findings = []
    for f in ev.findings:
        title, text = present.finding_text(f, lang, k=ev.k, occ_name=occ_name)
        findings.append({**f.as_dict(), "title": title, "text": text})
    provenance = {key: value for key, value in ev.provenance.items() if key != "truth"}
    provenance["command"] = pub.request.command(lang, verb=verb)
    provenance["absent"] = [list(a) for a in pub.absent]
    result = {"synthetic": ev.synthetic, "findings": findings, "provenance": provenance}
    path = out / "findings.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    say(f"wrote {path}")
    return [*written, path]
