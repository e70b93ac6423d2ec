"""The project's labelled sets of job-order sentences and recruitment posts, read and checked.

``EVALUATION_SETS`` names each set, its file in ``toolkit/data`` and its layout; each loader checks
every row (a non-empty, unrepeated text, a known language, a 0/1 label, a preferred sex that fits the
label) and names the file line of the first bad one. ``toolkit.language`` (the evaluation tables) and
``toolkit.preference`` (the detector, fitted on these sets and the writers' corpora) both read them
from here, so neither imports the other.
"""
from __future__ import annotations

import os
from importlib import resources

import pandas as pd

__all__ = ["EVALUATION_SETS", "WRITER_FAMILIES", "WRITER_COLUMNS", "check_rows", "load_writer_set",
           "load_challenge_set", "load_job_order_blind_set", "load_dev_set", "load_blind_set",
           "load_evaluation_set"]

_CHALLENGE_COLUMNS = ["text", "lang", "label", "preferred_sex", "note"]
_RECRUITMENT_COLUMNS = ["id", "text", "lang", "label", "family", "sex_coded"]

#: labelled sets by name: file in ``toolkit/data`` and layout ("job_order" or "recruitment"); the
#: ``dev`` set is split into ``dev`` (its train part, on which the rules were written) and ``dev_heldout``
EVALUATION_SETS = {"challenge": ("job_order_challenge.csv", "job_order"),
                   "job_order_blind": ("job_order_blind.csv", "job_order"),
                   "dev": ("recruitment_dev.csv", "recruitment"),
                   "dev_heldout": ("recruitment_dev.csv", "recruitment"),
                   "blind": ("recruitment_blind.csv", "recruitment")}


def _open_set(file: str, path: str | os.PathLike | None):
    if path is None:
        return resources.files("toolkit").joinpath("data", file).open(encoding="utf-8"), file
    return open(path, encoding="utf-8"), os.fspath(path)


def _read_set(fh, name: str, columns: list[str]) -> pd.DataFrame:
    with fh:
        data = pd.read_csv(fh, dtype="string", keep_default_na=False)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; expected {columns}")
    return data


#: families of the writer corpora (``load_writer_set``): label 1 and label 0
WRITER_FAMILIES = {1: ("explicit", "preference", "exclusion", "quota", "fee", "body", "marital", "title", "misspelled",
                       "regional"),
                   0: ("neutral", "generic_masculine", "eeo", "welcome", "quote_warning", "housing", "customers",
                       "names", "other_sense", "mentions_sex_neutral")}
WRITER_COLUMNS = ["id", "writer", "lang", "text", "label", "family", "preferred_sex"]


def check_rows(data: pd.DataFrame, name: str, *, unique: tuple[str, ...] = ("text",),
               nonempty: tuple[str, ...] = ("text",), sex_required: bool = False,
               families: dict[int, tuple[str, ...]] | None = None) -> None:
    """Check every row of a labelled set; the one validator of every loader of this module.

    Each row needs: the ``nonempty`` columns not blank; the ``unique`` columns not repeated from an
    earlier row; ``lang`` "en" or "es"; ``label`` (and ``sex_coded`` when there) "0" or "1"; with
    ``families``, a ``family`` among those of its label; ``preferred_sex`` (when the column is there)
    "" when the label is 0 and "M", "F" or "" when it is 1 (``sex_required``: "M" or "F").

    Raises
    ------
    ValueError
        At the first bad row: ``"<name> line <i>: column '<col>' is <value>; expected <what>"`` (line 1
        is the header), or the repeated or empty value named likewise.
    """
    seen: dict[str, set] = {c: set() for c in unique}
    has_sex = "preferred_sex" in data.columns
    allowed_fam = {k: set(v) for k, v in (families or {}).items()}
    for i, row in enumerate(data.to_dict("records"), start=2):  # line 1 is the header
        where = f"{name} line {i}"
        for col in nonempty:
            if not str(row[col]).strip():
                raise ValueError(f"{where}: column {col!r} is empty; expected a value")
        for col in unique:
            if row[col] in seen[col]:
                raise ValueError(f"{where}: column {col!r} repeats {row[col]!r}; expected unique values")
            seen[col].add(row[col])
        if row["lang"] not in ("en", "es"):
            raise ValueError(f"{where}: column 'lang' is {row['lang']!r}; expected 'en' or 'es'")
        for col in ("label", "sex_coded"):
            if col in row and row[col] not in ("0", "1"):
                raise ValueError(f"{where}: column {col!r} is {row[col]!r}; expected '0' or '1'")
        label = int(row["label"])
        if families is not None and row["family"] not in allowed_fam.get(label, ()):
            raise ValueError(f"{where}: column 'family' is {row['family']!r}; expected for label {label} one of "
                             f"{sorted(allowed_fam.get(label, ()))}")
        if has_sex:
            allowed = (("M", "F") if sex_required else ("M", "F", "")) if label else ("",)
            if row["preferred_sex"] not in allowed:
                raise ValueError(f"{where}: column 'preferred_sex' is {row['preferred_sex']!r}; expected "
                                 f"{' or '.join(repr(a) for a in allowed)} when label is {label}")


def load_writer_set(path: str | os.PathLike, *, strict_families: bool = True) -> pd.DataFrame:
    """One labelled corpus in the writer format (``toolkit/data/recruitment_writers``), checked row by
    row with ``check_rows``.

    Columns ``id, writer, lang, text, label, family, preferred_sex``: a unique id, a non-empty writer,
    lang "en" or "es", a non-empty text, label 0 or 1, a family (with ``strict_families`` one of
    ``WRITER_FAMILIES`` for its label; otherwise any non-empty name), preferred_sex "M", "F" or ""
    ("" when label is 0).

    Raises
    ------
    ValueError
        Naming the file, the line (1 is the header), the column and what was expected.
    """
    name = os.fspath(path)
    try:
        data = pd.read_csv(path, dtype="string", keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name}: not a readable CSV ({exc})") from None
    missing = [c for c in WRITER_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; expected {WRITER_COLUMNS}")
    check_rows(data, name, unique=("id",), nonempty=("id", "writer", "text", "family"),
               families=WRITER_FAMILIES if strict_families else None)
    return data[WRITER_COLUMNS].astype({"label": int}).reset_index(drop=True)


def _load_job_order_set(file: str, path) -> pd.DataFrame:
    fh, name = _open_set(file, path)
    data = _read_set(fh, name, _CHALLENGE_COLUMNS)
    check_rows(data, name, sex_required=True)
    return data[_CHALLENGE_COLUMNS].assign(label=data["label"].astype(int))


def _load_recruitment_set(file: str, path) -> pd.DataFrame:
    fh, name = _open_set(file, path)
    data = _read_set(fh, name, _RECRUITMENT_COLUMNS)
    check_rows(data, name, unique=("id", "text"), nonempty=("id", "text"))
    extra = [c for c in ("preferred_sex", "split") if c in data.columns]
    return data[_RECRUITMENT_COLUMNS + extra].astype({"label": int, "sex_coded": int})


def load_challenge_set(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The challenge set: hand-written job-order sentences the templates never produced.

    ``toolkit/data/job_order_challenge.csv`` holds 195 sentences (98 English, 97 Spanish; 75 with an
    explicit preference) written by hand by the project in the style of H-2A/H-2B job orders (duties,
    requirements, housing, transport, pay). None was generated by ``tools/build_job_order_sentences.py``
    or uses its templates or word lists, and none is in ``job_order_sentences.csv``; they are not real
    job orders. Positives vary the phrasing (exclusions such as "Women need not apply" and "Abstenerse
    mujeres", "looking for 10 strong men", "camas para hombres solamente", "ideal candidate: a woman");
    negatives include hard cases ("men's and women's restrooms", "Mr./Sra." names, "manhole", "female
    plug", "hombro", "Manzana", generic masculine "los trabajadores", "sin distinción de sexo"). Sex-marked
    job titles ("foreman", "cocinera") are labelled 0: the set predates issue 15, under which a call
    for a feminine title ("Se solicita cocinera") counts as a preference, so the rules flag that one line.
    The rules were revised on this set, so for them it is not unseen; for the classifier, trained only
    on the template sentences, it is.

    Columns: ``text``, ``lang`` ("en" or "es"), ``label`` (1 = explicit sex preference or exclusion,
    0 = none), ``preferred_sex`` ("M" or "F" when label is 1, "" otherwise) and ``note`` (why).

    Parameters
    ----------
    path : str or path-like, optional
        Read this file instead of the packaged one (to validate a copy).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, ``label`` as int.

    Raises
    ------
    ValueError
        A column is missing, or a row has an empty or repeated text, an unknown language or label, or a
        ``preferred_sex`` that does not fit its label; the message names the file line.
    """
    return _load_job_order_set(EVALUATION_SETS["challenge"][0], path)


def load_job_order_blind_set(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The first blind set: 175 job-order sentences (88 English, 87 Spanish; 72 with an explicit
    preference) in ``toolkit/data/job_order_blind.csv``, written by a separate author who never saw
    the rules, the templates or the other sets, including informal recruiter posts, misspellings and
    preferences hidden in requirement lists. Its scores led to issue 15; the rules of issue 15 were
    written on ``load_dev_set`` and never revised on this set. Columns and errors as
    ``load_challenge_set``."""
    return _load_job_order_set(EVALUATION_SETS["job_order_blind"][0], path)


def load_dev_set(*, split: str | None = None, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The development set of recruitment posts and job-order lines the rules were written on.

    ``toolkit/data/recruitment_dev.csv`` (described in ``recruitment_dev.md``): 667 lines, 386 Spanish
    and 281 English, written by the project (not real posts): Facebook and WhatsApp recruiter posts,
    flyers, job-order lines and workers' messages, in formal and informal registers, with typos,
    emoji and ALL CAPS. 361 state a preference (label 1), in the families ``explicit``,
    ``requirement_field``, ``informal``, ``feminine_title``, ``implied`` and ``exclusion``; the rest
    are hard negatives (``sexo_indistinto``, ``welcoming``, ``warning_quote``,
    ``report_discrimination``, ``separate_housing``, ``generic_masculine``, ``requirement_only``,
    ``neutral``). ``sex_coded`` marks lines with a sex-coded requirement (lifting threshold, upper age
    limit, strength, height) whatever their label. A quarter of each language and family (seeded) is
    ``split == "heldout"``: its first score is recorded in ``tests/test_language_dev.py``; after that
    one look the rules were revised once, so it is not unseen any more.

    Parameters
    ----------
    split : {None, "train", "heldout"}, keyword-only
        Only that part; None (default) for all.
    path : str or path-like, optional
        Read this file instead of the packaged one.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``text``, ``lang``, ``label`` (int), ``family``, ``sex_coded`` (int),
        ``preferred_sex`` ("M", "F" or "") and ``split``.

    Raises
    ------
    ValueError
        A bad ``split``, a missing column, or a row with an empty or repeated text or id, an unknown
        language, a label or sex_coded other than 0/1, or a preferred_sex that does not fit its label.
    """
    if split not in (None, "train", "heldout"):
        raise ValueError(f"split must be one of [None, 'train', 'heldout'], got {split!r}")
    data = _load_recruitment_set(EVALUATION_SETS["dev"][0], path)
    return data if split is None else data[data["split"] == split].reset_index(drop=True)


def load_blind_set(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The blind set of recruitment posts and job-order lines (``toolkit/data/recruitment_blind.csv``,
    described in ``recruitment_blind.md``), written by a separate author who saw neither the rules
    nor the development set. The rules were final and committed before it was first read, and were
    never changed after: its scores are the honest estimate. Columns as ``load_dev_set`` (without
    ``split``); errors likewise."""
    return _load_recruitment_set(EVALUATION_SETS["blind"][0], path)


def load_evaluation_set(name: str) -> pd.DataFrame:
    """One labelled set by name (``EVALUATION_SETS``): text, lang and label, plus family and
    sex_coded for the recruitment sets (family is the ``note`` of the job-order sets)."""
    if name not in EVALUATION_SETS:
        raise ValueError(f"name must be one of {list(EVALUATION_SETS)}, got {name!r}")
    if name == "challenge":
        return load_challenge_set().rename(columns={"note": "family"})
    if name == "job_order_blind":
        return load_job_order_blind_set().rename(columns={"note": "family"})
    if name in ("dev", "dev_heldout"):
        return load_dev_set(split="train" if name == "dev" else "heldout")
    return load_blind_set()
