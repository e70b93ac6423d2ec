"""KoboToolbox and ODK Central exports of the shipped survey -> the worker reader's input, with no
mapping file: the mapping is the form's own definition (``toolkit.survey.form``).

``read_form_export(path)`` returns a ``SurveyExport`` for an export of the shipped form, None for
any other file (which then goes through a mapping file as before). It reads:

- CSV (Kobo: ``;`` or ``,`` separated; ODK Central: ``,``), XLSX (Kobo: the main sheet first,
  each repeat group on its own sheet) and ODK Central's CSV zip (the main ``<form>.csv`` and one
  ``<form>-<repeat>.csv`` per repeat);
- headers with group paths joined by ``/`` (or Kobo's other separators ``-``, ``:``, ``.``; ODK
  Central uses ``-``) or without groups: a column is a question when its last part is a question's
  name and the parts before it are that question's groups (or nothing);
- select_multiple answers as one space-separated column, as one 1/0 column per choice
  (``group/q/choice`` or ``q/choice``), or both (the joined column wins where both are filled);
- exports spanning versions of the form (Kobo ``__version__``, ODK ``FormVersion``): a question of
  an older version (``form.FORMER_QUESTIONS``) fills today's question where that is empty;
- repeat groups joined to their submission by ``_parent_index`` -> ``_index`` (Kobo) or
  ``PARENT_KEY`` -> ``KEY`` (ODK Central);
- values as choice names (the export default) or as labels in either language. Headers must be the
  questions' names (KoboToolbox's default "XML values and headers", ODK Central's only form); an
  export with label headers is not recognised and goes the mapping-file way.

Columns are matched by name, never by position or label. Metadata (``_uuid``, ``_id``,
``_submission_time``, ``_status``, ``_validation_status``, ``_submitted_by``, ``meta/instanceID``,
``start``, ``end``, ``deviceid``, ODK's ``KEY``, ``SubmissionDate``, ``SubmitterName``...) is dropped
and never carried into any output; columns that are neither the form's nor metadata are listed in
``ignored_columns``. Every submission is a row of ``table``: those that cannot become a worker
record carry a reason in ``reasons`` (``no_consent``; ``unknown_<question>_choice`` for an answer
outside the form's choices), which the worker reader counts with its own.

An export is recognised as the shipped form's when the questions ``consent``, ``program`` and
``sex`` are among its columns.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit import codes, rawio
from toolkit.errors import SchemaError
from toolkit.survey import form as F

__all__ = ["SurveyExport", "read_form_export", "read_export_tables", "classify_columns", "METADATA_COLUMNS",
           "SIGNATURE"]

#: Questions whose presence marks an export of the shipped form.
SIGNATURE = ("consent", "program", "sex")
#: Metadata columns of KoboToolbox and ODK Central exports (also any column starting with "_", and
#: anything under ``meta`` or ``formhub``).
METADATA_COLUMNS = frozenset({
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "audit",
    "instanceid", "instancename", "deprecatedid", "rootuuid", "key", "parent_key", "submissiondate",
    "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status", "reviewstate",
    "deviceid", "edits", "formversion", "uuid", "version",
})
_SEPARATORS = r"[/:.\-]"
_TRUE = {"1", "1.0", "true", "yes", "si", "sí"}
_VERSION_COLUMNS = ("__version__", "FormVersion")


@dataclass(frozen=True)
class SurveyExport:
    """An export of the shipped survey, read.

    ``table``: one row per submission, the canonical worker fields as text (index: the row's
    position in the main sheet or CSV); ``reasons``: why a row cannot be a worker record (NA when it
    can); ``responses``: every answer of the form (choice names; select_multiple space-separated),
    no metadata; ``repeats``: repeat group name -> its rows with ``submission`` (the main row
    position); ``versions``: form version -> submissions; ``ignored_columns``: columns that are
    neither the form's nor metadata; ``orphan_repeat_rows``: repeat rows whose submission is absent;
    ``select_multiple_conflicts``: answers whose joined column and 1/0 columns disagree (the joined
    column is read); ``wages_not_hourly``: wages kept as missing because no hourly rate follows
    from them (``piece`` rate, ``no_unit``), as DOL piece rates are (``dol.HOURS_PER_UNIT``).
    """

    source_file: str
    table: pd.DataFrame
    reasons: pd.Series
    responses: pd.DataFrame
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    ignored_columns: tuple[str, ...] = ()
    orphan_repeat_rows: int = 0
    select_multiple_conflicts: int = 0
    wages_not_hourly: dict[str, int] = field(default_factory=dict)


def _read_csv_bytes(data: bytes, name: str) -> pd.DataFrame:
    """Cells as text, decoded as ``rawio.decide_encoding`` decides for the whole file. KoboToolbox and
    ODK Central write UTF-8: a UTF-8 export with bytes that are not UTF-8 was altered after export, so it
    is refused with the lines that hold them rather than read with replaced characters."""
    encoding, _, replace = rawio.decide_encoding(data)
    if replace:
        lines = [i for i, line in enumerate(data.split(b"\n"), 1)
                 if rawio.REPLACEMENT in line.decode("utf-8", errors="replace")]
        shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
        raise SchemaError(f"{name}: UTF-8 export with bytes that are not UTF-8 on line(s) {shown}; "
                          "export it again from the server")
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    head = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=head.count)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SchemaError(f"{name}: cannot parse as CSV separated by {sep!r} ({exc})") from exc


def _csv_header(path: Path) -> list[str]:
    """The header of a CSV (first line, its separator sniffed), read without the rest of the file."""
    with path.open("rb") as fh:
        first = fh.readline()
    return list(_read_csv_bytes(first, path.name).columns) if first.strip() else []


def _has_signature(columns) -> bool:
    found, _, _ = classify_columns(columns)
    return set(SIGNATURE) <= {name for name, _ in found.values()}


def read_export_tables(path: str | os.PathLike) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(main table, repeat tables by name) of a CSV, XLSX or ODK Central zip export; cells as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in rawio.CSV_SUFFIXES:
        return _read_csv_bytes(path.read_bytes(), path.name), {}
    if suffix in rawio.SHEET_SUFFIXES:
        sheets = rawio.all_sheet_rows(path)
        frames = {}
        for name, rows in sheets.items():
            if not rows:
                continue
            header = [rawio.cell_text(h) for h in rows[0]]
            body = [[rawio.cell_text(v) for v in (r + [None] * (len(header) - len(r)))[: len(header)]] for r in rows[1:]]
            frames[name] = pd.DataFrame(body, columns=header, dtype=object)
        if not frames:
            raise SchemaError(f"{path.name}: every sheet is empty")
        first = next(iter(frames))
        return frames[first], {name: df for name, df in frames.items() if name != first}
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = {m: zf.read(m) for m in zf.namelist() if m.lower().endswith(".csv")}
        except zipfile.BadZipFile as exc:
            raise SchemaError(f"{path.name}: not a zip file ({exc})") from exc
        tables = {m: _read_csv_bytes(data, f"{path.name}:{m}") for m, data in members.items()}
        mains = [m for m, df in tables.items() if "PARENT_KEY" not in df.columns]
        if len(mains) != 1:
            raise SchemaError(f"{path.name}: expected one main CSV (without PARENT_KEY) in the zip, found {mains}")
        repeats = {Path(m).stem.rsplit("-", 1)[-1]: df for m, df in tables.items() if m != mains[0]}
        return tables[mains[0]], repeats
    raise SchemaError(f"{path.name}: unsupported file type {suffix!r}; expected .csv, .xlsx or .zip")


def _is_metadata(column: str) -> bool:
    parts = [p for p in re.split(_SEPARATORS, column) if p]
    return (column.startswith("_") or not parts or parts[0].lower() in ("meta", "formhub")
            or codes.fold(parts[-1]) in METADATA_COLUMNS)


def _under(prefix: tuple[str, ...], groups: tuple[str, ...]) -> bool:
    """Whether a header's leading parts are the question's groups: all of them, the innermost
    ones (Kobo leaves out outer groups in some layouts) or none."""
    return not prefix or (len(prefix) <= len(groups) and groups[len(groups) - len(prefix):] == prefix)


def classify_columns(columns) -> tuple[dict[str, tuple[str, str | None]], list[str], list[str]]:
    """Each column of an export -> (question, choice or None); plus the metadata columns and the
    columns that are neither.

    >>> found, meta, other = classify_columns(["season/program", "treatment-unequal_treatment-pay", "_uuid",
    ...                                        "sex", "notes"])
    >>> found, meta, other
    ({'season/program': ('program', None), 'treatment-unequal_treatment-pay': ('unequal_treatment', 'pay'), \
'sex': ('sex', None)}, ['_uuid'], ['notes'])
    """
    questions = {q.name: q for q in F.QUESTIONS if q.is_answer}
    former = {f.name for f in F.FORMER_QUESTIONS}
    found, meta, other = {}, [], []
    for col in columns:
        col = str(col)
        parts = [p for p in re.split(_SEPARATORS, col.strip()) if p]
        match = None
        if parts and (parts[-1] in questions or parts[-1] in former):
            if _under(tuple(parts[:-1]), F.group_path(parts[-1])):
                match = (parts[-1], None)
        if match is None and len(parts) >= 2 and parts[-2] in questions:
            q = questions[parts[-2]]
            if q.type == "select_multiple" and parts[-1] in F.CHOICES_BY_NAME[q.choices] \
                    and _under(tuple(parts[:-2]), F.group_path(q.name)):
                match = (q.name, parts[-1])
        if match is not None:
            found[col] = match
        elif _is_metadata(col):
            meta.append(col)
        else:
            other.append(col)
    return found, meta, other


def _choice_name(value: str, list_name: str) -> str | None:
    """The choice name of an exported value (a name, or a label in either language); None if unknown."""
    by_name = F.CHOICES_BY_NAME[list_name]
    if value in by_name:
        return value
    folded = codes.fold(value)
    for c in by_name.values():
        if folded in (codes.fold(c.en), codes.fold(c.es), codes.fold(c.name)):
            return c.name
    return None


def _answers(main: pd.DataFrame, found: dict[str, tuple[str, str | None]], questions) -> tuple[dict[str, pd.Series], int]:
    """Question -> its answers (text, "" when empty) on the main rows, joined and split select_multiple
    merged; and how many joined answers disagree with their 1/0 columns."""
    out: dict[str, pd.Series] = {}
    conflicts = 0
    for q in questions:
        cols = [c for c, (name, choice) in found.items() if name == q.name and choice is None]
        value = pd.Series("", index=main.index, dtype=object)
        for c in cols:
            v = main[c].fillna("").astype(str).str.strip()
            value = value.where(value != "", v)
        if q.type == "select_multiple":
            split = [(c, choice) for c, (name, choice) in found.items() if name == q.name and choice is not None]
            order = {c.name: i for i, c in enumerate(F.CHOICES[q.choices])}
            split.sort(key=lambda item: order[item[1]])
            if split:
                picked = pd.Series([[] for _ in range(len(main))], index=main.index, dtype=object)
                for c, choice in split:
                    on = main[c].fillna("").astype(str).str.strip().str.lower().isin(_TRUE)
                    picked = pd.Series([p + [choice] if o else p for p, o in zip(picked, on)], index=main.index)
                joined = picked.map(" ".join)
                conflicts += int(((value != "") & (value.map(lambda v: sorted(v.split())) != picked.map(sorted))).sum())
                value = value.where(value != "", joined)
        out[q.name] = value
    return out, conflicts


def _canonical(ans: dict[str, pd.Series], index) -> tuple[pd.DataFrame, pd.Series]:
    from toolkit.dol import HOURS_PER_UNIT

    reasons = pd.Series(pd.NA, index=index, dtype="string")
    consent = ans["consent"].map(lambda v: _choice_name(v, "yes_no") if v else None)
    reasons[consent != "yes"] = "no_consent"
    table = pd.DataFrame(index=index)
    names: dict[str, pd.Series] = {}
    for q in F.QUESTIONS:
        if q.name not in ans or q.type != "select_one":
            continue
        raw = ans[q.name]
        name = raw.map(lambda v, lst=q.choices: (_choice_name(v, lst) or "?") if v else "")
        bad = (name == "?") & reasons.isna()
        reasons[bad] = f"unknown_{q.name}_choice"
        names[q.name] = name.where(name != "?", "")

    def canon(question: str) -> pd.Series:
        lst = F.CHOICES_BY_NAME[F.QUESTIONS_BY_NAME[question].choices]
        return names[question].map(lambda n: (lst[n].canonical or "") if n else "")

    for question in ("program", "sex", "age_band", "origin_state", "worksite_state", "occupation"):
        table[F.QUESTIONS_BY_NAME[question].field] = canon(question)
    table["nationality"] = canon("origin_country")
    stage = canon("stage_reached")
    table["stage"] = stage.map(lambda s: F.STAGE_CANONICAL[s][0] if s else "")
    table["selected"] = stage.map(lambda s: F.STAGE_CANONICAL[s][1] if s else "")
    table["fiscal_year"] = ans["season_year"]
    table["employer_name"] = ans["employer"]
    table["recruiter"] = ans["recruiter"]
    amount = pd.to_numeric(ans["wage_amount"], errors="coerce")
    hours = names["wage_unit"].map(lambda u: HOURS_PER_UNIT.get(u, float("nan")) if u else float("nan"))
    hourly = (amount / hours).round(4)
    table["wage_hourly"] = [("" if pd.isna(h) else repr(float(h))) if not (a.strip() and pd.isna(n)) else a
                            for h, a, n in zip(hourly, ans["wage_amount"], amount)]
    return table.where(table != "", None), reasons  # unanswered is missing, not an empty text


def _wages_not_hourly(ans: dict[str, pd.Series]) -> dict[str, int]:
    given = pd.to_numeric(ans["wage_amount"], errors="coerce").notna()
    unit = ans["wage_unit"].map(lambda v: _choice_name(v, "wage_unit") if v else None)
    counts = {"piece": int((given & (unit == "piece")).sum()), "no_unit": int((given & unit.isna()).sum())}
    return {k: v for k, v in counts.items() if v}


def _refuse_label_headers(columns, name: str) -> None:
    """A ``SchemaError`` when the headers are the form's question labels (Kobo's "labels" header
    option): the columns cannot be matched by name, and a mapping file would be the wrong advice."""
    leaves = {codes.fold(str(c).split("/")[-1]) for c in columns}
    for lang in F.LANGUAGES:
        if all(codes.fold(getattr(F.QUESTIONS_BY_NAME[q], lang)) in leaves for q in SIGNATURE):
            raise SchemaError(f"{name}: an export of the h2gender survey with question labels as headers; export "
                              "again with \"XML values and headers\" (KoboToolbox's default) so columns are matched "
                              "by name")


def read_form_export(path: str | os.PathLike) -> SurveyExport | None:
    """The shipped survey's export at ``path`` (see the module docstring), or None when the file is
    not one (no ``consent``, ``program`` and ``sex`` columns) or not a type an export comes in."""
    path = Path(path)
    if path.suffix.lower() not in (*rawio.CSV_SUFFIXES, *rawio.SHEET_SUFFIXES, ".zip"):
        return None
    if path.suffix.lower() in rawio.CSV_SUFFIXES:
        header = _csv_header(path)
        if not _has_signature(header):
            _refuse_label_headers(header, path.name)
            return None  # another file: not read twice
    main, repeat_tables = read_export_tables(path)
    found, meta, other = classify_columns(main.columns)
    if not _has_signature(main.columns):
        _refuse_label_headers(main.columns, path.name)
        return None
    main = main.reset_index(drop=True)
    main_questions = [q for q in F.QUESTIONS if q.is_answer and not set(F.group_path(q.name)) & set(F.REPEATS)]
    ans, conflicts = _answers(main, found, main_questions)
    for former in F.FORMER_QUESTIONS:
        old = pd.Series("", index=main.index, dtype=object)
        for c in [c for c, (name, _) in found.items() if name == former.name]:
            old = old.where(old != "", main[c].fillna("").astype(str).str.strip())
        use = (ans[former.target] == "") & (old != "")
        ans[former.target] = ans[former.target].where(~use, old)
        for question, constant in former.constants:
            ans[question] = ans[question].where(~use | (ans[question] != ""), constant)
    table, reasons = _canonical(ans, main.index)
    version_col = next((c for c in _VERSION_COLUMNS if c in main.columns), None)
    versions = main[version_col].fillna("").astype(str).value_counts().to_dict() if version_col else {}
    repeats, orphans = {}, 0
    for name, df in repeat_tables.items():
        repeat_questions = [q for q in F.QUESTIONS if q.is_answer and (
            name in F.group_path(q.name) or (name not in F.REPEATS and set(F.group_path(q.name)) & set(F.REPEATS)))]
        if "_parent_index" in df.columns and "_index" in main.columns:
            parent = main["_index"].astype(str).str.replace(r"\.0$", "", regex=True)
            link = df["_parent_index"].astype(str).str.replace(r"\.0$", "", regex=True)
        elif "PARENT_KEY" in df.columns and "KEY" in main.columns:
            parent, link = main["KEY"].astype(str), df["PARENT_KEY"].astype(str)
        else:
            raise SchemaError(f"{path.name}: repeat table {name!r} has neither _parent_index (Kobo) nor PARENT_KEY "
                              f"(ODK Central) to join it to its submission; columns: {list(df.columns)}")
        position = pd.Series(range(len(main)), index=parent.to_numpy())
        submission = link.map(position)
        orphans += int(submission.isna().sum())
        rfound, _, _ = classify_columns(df.columns)
        rans, _ = _answers(df.reset_index(drop=True), rfound, repeat_questions)
        out = pd.DataFrame({"submission": submission.to_numpy(), **{k: v.to_numpy() for k, v in rans.items()}})
        repeats[name] = out.dropna(subset=["submission"]).astype({"submission": int}).reset_index(drop=True)
    responses = pd.DataFrame({k: v for k, v in ans.items()})
    return SurveyExport(source_file=path.name, table=table, reasons=reasons, responses=responses,
                        repeats=repeats, versions=versions, ignored_columns=tuple(other), orphan_repeat_rows=orphans,
                        select_multiple_conflicts=conflicts, wages_not_hourly=_wages_not_hourly(ans))
