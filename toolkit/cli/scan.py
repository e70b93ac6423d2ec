"""``h2gender scan``: sex preferences and sex-coded requirements in exported posts and messages.

Reads CSV/TSV, XLSX, TXT and JSON exports (Facebook or WhatsApp posts, flyers typed up, job-order
lines), runs ``toolkit.language.scan_texts`` on every text, and writes the flagged texts (CSV or JSON,
by the extension of ``--out``) and a summary by recruiter, place and month. Phone numbers, e-mails,
@handles and cued personal names are redacted in everything written (``language.redact``); every CSV
cell that a spreadsheet would read as a formula gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import click
import pandas as pd

from toolkit.errors import SchemaError

__all__ = ["scan", "read_messages", "neutralise_cells", "blind_score_lines", "TEXT_COLUMN_CANDIDATES"]

#: column names tried, case-insensitively, when ``--text-col`` is not given
TEXT_COLUMN_CANDIDATES = ("text", "message", "mensaje", "post", "texto", "body", "content", "contenido",
                          "description", "descripcion", "descripción", "requirements_text", "anuncio")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and headers that start with = + - @ tab or CR (read as a
    formula by spreadsheets: OWASP "CSV injection") start with an apostrophe instead."""
    def one(v):
        return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v

    out = df.astype(object).map(one) if hasattr(df, "map") else df.astype(object).applymap(one)
    out.columns = [one(str(c)) for c in df.columns]
    return out


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, dtype=str).fillna("")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample = path.read_text(encoding=encoding)[:65536]
        except UnicodeDecodeError:
            continue
        try:  # commas, semicolons (Spanish-locale Excel), tabs or pipes; a one-column file has none
            sep = csv.Sniffer().sniff(sample.split("\n", 1)[0] or ",", delimiters=",;\t|").delimiter
        except csv.Error:
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding=encoding)
    raise SchemaError(f"{path.name}: not UTF-8 or Windows-1252 text")


def _read_json(path: Path):
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(data, dict):
        lists = [k for k in ("messages", "posts", "data", "items", "records") if isinstance(data.get(k), list)]
        if not lists:
            raise SchemaError(f"{path.name}: a JSON object needs a list under one of messages, posts, data, "
                              f"items or records; keys are {sorted(data)[:10]}")
        data = data[lists[0]]
    if not isinstance(data, list):
        raise SchemaError(f"{path.name}: JSON must be a list of strings or of objects, got {type(data).__name__}")
    if all(isinstance(v, str) for v in data):
        return [v for v in data]
    if all(isinstance(v, dict) for v in data):
        return pd.DataFrame(data).astype("string").fillna("").astype(object)
    bad = next(i for i, v in enumerate(data) if not isinstance(v, (str, dict)))
    raise SchemaError(f"{path.name}: JSON list item {bad + 1} is a {type(data[bad]).__name__}; "
                      f"expected all strings or all objects")


def _text_column(table: pd.DataFrame, text_col: str | None, name: str) -> str:
    if text_col is not None:
        if text_col not in table.columns:
            raise SchemaError(f"{name}: no column {text_col!r} (--text-col); columns are {list(table.columns)}")
        return text_col
    lower = {str(c).strip().lower(): c for c in table.columns}
    for cand in TEXT_COLUMN_CANDIDATES:
        if cand in lower:
            return lower[cand]
    raise SchemaError(f"{name}: no text column; looked for {', '.join(TEXT_COLUMN_CANDIDATES)}; columns are "
                      f"{list(table.columns)}; name it with --text-col")


def read_messages(path: str | Path, *, text_col: str | None = None, date_col: str | None = None,
                  recruiter_col: str | None = None, place_col: str | None = None) -> pd.DataFrame:
    """One row per text of an export: ``source`` (file name), ``record`` (1-based: data row, JSON
    item, or TXT message), ``text``, and ``date``, ``recruiter``, ``place`` when their columns are named.

    TXT: one message per line, or, when the file has blank lines, one per blank-line separated block.
    JSON: a list of strings, a list of objects, or an object holding such a list under ``messages``,
    ``posts``, ``data``, ``items`` or ``records``. Tables and JSON objects take the text from
    ``text_col`` (or the first of ``TEXT_COLUMN_CANDIDATES`` present). Empty texts are kept as
    records (nothing is dropped silently) and are never flagged.

    Raises
    ------
    SchemaError
        An unknown file type, unreadable JSON or a missing column; the message names the file and the
        columns it has.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        raw = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        blocks = [b.strip() for b in (pd.Series(raw).str.split(r"\n\s*\n").iloc[0] if "\n\n" in raw.strip()
                                      or any(not ln.strip() for ln in raw.strip().split("\n")) else raw.split("\n"))]
        texts = [b for b in blocks if b]
        return pd.DataFrame({"source": path.name, "record": range(1, len(texts) + 1), "text": texts})
    if suffix == ".json":
        data = _read_json(path)
        if isinstance(data, list):
            return pd.DataFrame({"source": path.name, "record": range(1, len(data) + 1), "text": data})
        table = data
    elif suffix in (".csv", ".tsv", ".xlsx", ".xlsm", ".xls"):
        table = _read_table(path)
    else:
        raise SchemaError(f"{path.name}: unknown file type {suffix or '(none)'}; use .csv, .tsv, .xlsx, .txt or .json")
    col = _text_column(table, text_col, path.name)
    extra = {"date": date_col, "recruiter": recruiter_col, "place": place_col}
    missing = [f"{c!r} (--{k}-col)" for k, c in extra.items() if c is not None and c not in table.columns]
    if missing:
        raise SchemaError(f"{path.name}: no column {', '.join(missing)}; columns are {list(table.columns)}")
    out = pd.DataFrame({"source": path.name, "record": range(1, len(table) + 1),
                        "text": table[col].astype("string").fillna("").to_numpy()})
    for key, c in extra.items():
        if c is not None:
            out[key] = table[c].astype("string").fillna("").to_numpy()
    return out


def _month(dates: pd.Series, dayfirst: bool) -> pd.Series:
    parsed = pd.to_datetime(dates.astype("string").str.strip(), errors="coerce", format="mixed", dayfirst=dayfirst)
    return parsed.dt.strftime("%Y-%m").astype("string").fillna("unknown")


def _write(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        records = df.astype(object).where(df.notna(), None).to_dict("records")
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    else:
        neutralise_cells(df).to_csv(path, index=False, encoding="utf-8")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-col", default=None, help="Column (CSV/XLSX/JSON objects) holding the text; default: the first "
              "of text, message, mensaje, post, texto, body, content, ...")
@click.option("--date-col", default=None, help="Column with the post date (for the summary by month).")
@click.option("--recruiter-col", default=None, help="Column with the recruiter or page (for the summary).")
@click.option("--place-col", default=None, help="Column with the place (for the summary).")
@click.option("--dayfirst", is_flag=True, help="Read dates such as 03/04/2024 as 3 April (day first).")
@click.option("--lang", type=click.Choice(["auto", "en", "es"]), default="auto", show_default=True,
              help="Language of the texts; auto guesses per text.")
@click.option("--report-lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
              help="Language of the measured scores printed at the end.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("scan_flagged.csv"),
              show_default=True, help="Flagged texts, CSV or JSON by extension; the summary goes beside it "
              "(<name>_summary.csv/.json).")
def scan(paths, text_col, date_col, recruiter_col, place_col, dayfirst, lang, report_lang, out) -> None:
    """Find sex preferences and sex-coded requirements in exported posts and messages.

    \b
    h2gender scan posts.csv --text-col mensaje --recruiter-col pagina --date-col fecha
    h2gender scan chat.txt flyers.json --out flagged.json
    """
    from toolkit import language

    if out.suffix.lower() not in (".csv", ".json"):
        raise click.BadParameter(f"--out must end in .csv or .json, got {out.name!r}", param_hint="--out")
    texts = pd.concat([read_messages(p, text_col=text_col, date_col=date_col, recruiter_col=recruiter_col,
                                     place_col=place_col) for p in paths], ignore_index=True)
    found = language.scan_texts(texts["text"], lang=None if lang == "auto" else lang)
    meta = texts.drop(columns="text")
    for col in ("recruiter", "place"):  # a recruiter cell may hold a phone number or an e-mail
        if col in meta.columns:
            meta[col] = language.redact(meta[col])
    if "date" in meta.columns:
        meta["month"] = _month(meta["date"], dayfirst)
    table = pd.concat([meta, found], axis=1)
    flagged = table[table["flagged"]].drop(columns="flagged")
    _write(flagged, out)
    keys = [c for c in ("recruiter", "place", "month") if c in table.columns] or ["lang"]
    summary = (table.assign(prefers_women=table["preference"] & (table["preferred_sex"] == "F"),
                            prefers_men=table["preference"] & (table["preferred_sex"] == "M"))
               .groupby(keys, dropna=False, sort=True)
               .agg(texts=("text", "size"), preferences=("preference", "sum"), prefers_women=("prefers_women", "sum"),
                    prefers_men=("prefers_men", "sum"), sex_coded=("sex_coded", "sum")).reset_index())
    summary_path = out.with_name(f"{out.stem}_summary{out.suffix}")
    _write(summary, summary_path)
    for code, g in table.groupby(table["lang"].fillna("(empty)"), sort=True):
        click.echo(f"{code}: {len(g)} texts, {int(g['preference'].sum())} with a sex preference, "
                   f"{int(g['sex_coded'].sum())} with a sex-coded requirement")
    click.echo(f"wrote {len(flagged)} flagged texts to {out} and the summary to {summary_path}")
    for line in blind_score_lines(report_lang):
        click.echo(line)


def blind_score_lines(lang: str = "en", *, name: str | None = None, fit: str | None = None) -> list[str]:
    """The blind scores of the detector, per language and per family, as ``h2gender scan`` states them:
    by default those of ``language.headline_scores`` (a sealed set scored once when one was recorded,
    else the texts of writers who never saw it, each scored by the model fitted without that writer),
    read from the committed table (``language.rules_performance`` and ``language.family_table``)."""
    from toolkit import i18n, language

    name, fit = language.scores_named(name, fit)
    perf = language.rules_performance(name, fit=fit)
    fam = language.family_table(name, fit=fit)
    key = {"sealed": "scan_scores_sealed", "first_contact": "scan_scores_first_contact"}.get(fit,
                                                                                          "scan_scores_measured")
    writers = language.score_writers(name, fit=fit)
    if (words := language.writers_words_key(writers, fit)) is not None:
        writers = i18n.t(words, lang, n=writers)
    lines = [i18n.t(key, lang, n=int(perf["n"].sum()), writers=writers,
                    scores="; ".join(
        i18n.t("scan_scores_lang", lang, code=code.upper(), precision=f"{perf.loc[code, 'precision']:.2f}",
               recall=f"{perf.loc[code, 'recall']:.2f}") for code in perf.index))]
    for code, g in fam.groupby("lang", sort=True):
        pos = g[g["positives"] > 0]
        neg = g[g["positives"] == 0]
        lines.append(i18n.t("scan_scores_families", lang, code=code.upper(),
                            recall=", ".join(f"{r.family} {r.recall:.2f}" for r in pos.itertuples()),
                            false_alarms=", ".join(f"{r.family} {r.fp}/{r.n}" for r in neg.itertuples())))
    lines.append(i18n.t("scan_scores_caveat", lang))
    return lines
