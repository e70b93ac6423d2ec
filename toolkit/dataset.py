"""One request, one loader: what to analyse (``Request``) and the data it names (``Dataset``).

A ``Request`` is built once (by the CLI, a notebook's parameters or Python), validated once, and
passed down unchanged: data source, programs, fiscal years, worksite states, seed, data
directory, the user's worker file and its column mapping, the suppression threshold k and the
languages. ``load(request)`` turns it into a ``Dataset``: the canonical cases and worker records,
the companion tables of the cases (worksites, housing, recruiters), and the provenance (every
input file with its sha256 and role, the release each year comes from, the accounting of what was
read and kept). Nothing here reads or writes ``os.environ``; the data directory travels in the
request.

Examples
--------
>>> r = Request.build(program="all", fy="2017-2019", state="tx", lang="en,es")
>>> r.programs, r.fiscal_years, r.states, r.langs
(('H-2A', 'H-2B'), (2017, 2018, 2019), ('TX',), ('en', 'es'))
>>> r.program_label, r.years_label
('all', '2017-2019')
>>> Request.build(state="XX")
Traceback (most recent call last):
...
toolkit.errors.RequestError: state 'XX' is not a USPS state or territory code (e.g. TX, GA, PR)
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from toolkit import occupation_shares, config, i18n, schema
from toolkit.codes import USPS_CODES
from toolkit.checksum import sha256_file
from toolkit.errors import DataValidationError, RequestError

__all__ = ["Request", "Dataset", "load", "Source", "SOURCES", "parse_years", "parse_states"]

Source = Literal["synthetic", "store"]
SOURCES: tuple[str, ...] = get_args(Source)


_FIRST_FY, _LAST_FY = 2000, 2100


def _tuple_of(value, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value)
    raise RequestError(f"{what} must be a string or a list of strings, got {value!r}")


def parse_years(value: int | str | Iterable[int | str]) -> tuple[int, ...]:
    """Fiscal years from 2019, "2019", "2010-2019", "2013,2015" or a list; sorted, unique.

    >>> parse_years("2013-2015,2019")
    (2013, 2014, 2015, 2019)
    """
    parts = [value] if isinstance(value, int) else list(_tuple_of(value, "fiscal years"))
    years: set[int] = set()
    for part in parts:
        text = str(part).strip()
        m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if lo > hi:
                raise RequestError(f"fiscal year range {text!r} runs backwards; write it as {hi}-{lo}")
            years.update(range(lo, hi + 1))
        elif re.fullmatch(r"\d{4}", text):
            years.add(int(text))
        else:
            raise RequestError(f"fiscal year {text!r} is not a year (2019), a range (2010-2019) or a list "
                               "(2013,2015)")
    bad = sorted(y for y in years if not _FIRST_FY <= y <= _LAST_FY)
    if bad:
        raise RequestError(f"fiscal year {bad[0]} is outside {_FIRST_FY}-{_LAST_FY}")
    if not years:
        raise RequestError("no fiscal year given")
    return tuple(sorted(years))


def parse_states(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Worksite states, upper-cased and checked against ``USPS_CODES``; () means all states.

    >>> parse_states(" tx, ga")
    ('GA', 'TX')
    """
    states = {s.upper() for s in _tuple_of(value, "states")}
    for s in sorted(states):
        if s not in USPS_CODES:
            raise RequestError(f"state {s!r} is not a USPS state or territory code (e.g. TX, GA, PR)")
    return tuple(sorted(states))


def _programs(value) -> tuple[str, ...]:
    names = _tuple_of(value, "program")
    if not names or names == ("all",):
        return tuple(schema.PROGRAMS)
    out = []
    for name in names:
        canonical = name.upper().replace("H2", "H-2") if re.fullmatch(r"(?i)h-?2[ab]", name) else name
        if canonical not in schema.PROGRAMS:
            raise RequestError(f"program must be one of {[*schema.PROGRAMS, 'all']}, got {name!r}")
        out.append(canonical)
    return tuple(p for p in schema.PROGRAMS if p in out)


@dataclass(frozen=True)
class Request:
    """What to analyse, validated once (see the module docstring).

    Build it with ``Request.build(...)``, which accepts the loose forms users type ("all",
    "2010-2019", "tx,ga", "en,es"); the fields hold the normalised values.

    Fields
    ------
    source : "synthetic" (embedded demonstration data made with ``seed``) or "store" (DOL files
        ingested with ``h2gender data ingest``).
    programs, fiscal_years, states : the scope (states empty: all worksite states).
    seed : seed of the synthetic data and of every bootstrap.
    data_dir : the data directory (None: ``config.data_dir()``'s default).
    workers_path, mapping_path : worker records the user holds and the YAML mapping of their columns.
    k : counts of people below k are suppressed everywhere.
    langs : report languages.
    benchmark_year : year of the BLS CPS Table 11 occupation shares for every fiscal year, or None
        (the default): each fiscal year takes the nearest CPS year of its occupation classification
        (``occupation_shares.benchmark_year_for``; synthetic data: the generator's year).
    n_bootstrap : bootstrap replicates for intervals.
    infer_soc : give cases without a SOC code one inferred from their job title where the classifier
        of ``toolkit.soc_inference`` is confident (marked ``soc_inferred``); default False.
    """

    source: Source = "synthetic"
    programs: tuple[str, ...] = tuple(schema.PROGRAMS)
    fiscal_years: tuple[int, ...] = (2019,)
    states: tuple[str, ...] = ()
    seed: int = 2019
    data_dir: Path | None = None
    workers_path: Path | None = None
    mapping_path: Path | None = None
    k: int = 10
    langs: tuple[str, ...] = ("en",)
    benchmark_year: int | None = None
    n_bootstrap: int = 200
    infer_soc: bool = False

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise RequestError(f"data source must be one of {list(SOURCES)}, got {self.source!r}")
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731  (frozen)
        set_("programs", _programs(self.programs))
        set_("fiscal_years", parse_years(self.fiscal_years))
        set_("states", parse_states(self.states))
        langs = _tuple_of(self.langs, "languages")
        for lang in langs:
            if lang not in i18n.LANGS:
                raise RequestError(f"language must be one of {list(i18n.LANGS)}, got {lang!r}")
        if not langs:
            raise RequestError(f"no language given; use one of {list(i18n.LANGS)}")
        set_("langs", tuple(dict.fromkeys(langs)))
        for name in ("seed", "k", "benchmark_year", "n_bootstrap"):
            value = getattr(self, name)
            if name == "benchmark_year" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise RequestError(f"{name} must be a whole number, got {value!r}")
        if not isinstance(self.infer_soc, bool):
            raise RequestError(f"infer_soc must be True or False, got {self.infer_soc!r}")
        if self.k < 1:
            raise RequestError(f"k must be at least 1, got {self.k}")
        if self.n_bootstrap < 1:
            raise RequestError(f"n_bootstrap must be at least 1, got {self.n_bootstrap}")
        if self.benchmark_year is not None and self.benchmark_year not in occupation_shares.CPS_YEARS:
            raise RequestError(f"benchmark_year must be one of {list(occupation_shares.CPS_YEARS)}, "
                               f"got {self.benchmark_year}")
        for name in ("data_dir", "workers_path", "mapping_path"):
            value = getattr(self, name)
            if value is not None:
                set_(name, Path(value).expanduser())
        if self.mapping_path is not None and self.workers_path is None:
            raise RequestError("a column mapping was given without a worker file (--workers)")
        for name in ("workers_path", "mapping_path"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise RequestError(f"{name.replace('_path', '')} file not found: {path.name}")

    @classmethod
    def build(cls, *, data: str = "synthetic", program: str | Iterable[str] = "all",
              fy: int | str | Iterable[int | str] = 2019, state: str | Iterable[str] | None = None,
              lang: str | Iterable[str] = "en", **options) -> Request:
        """A request from the loose forms users type (``program="all"``, ``fy="2010-2019"``,
        ``state="tx"``, ``lang="en,es"``); other fields by name."""
        return cls(source=data, programs=program, fiscal_years=fy, states=state, langs=lang, **options)

    @property
    def program_label(self) -> str:
        """"all" for both programs, else the program ("H-2A")."""
        return "all" if self.programs == tuple(schema.PROGRAMS) else ",".join(self.programs)

    @property
    def years_label(self) -> str:
        """"2019", "2013-2017" for a run of years, "2013,2015" otherwise."""
        ys = self.fiscal_years
        if len(ys) == 1:
            return str(ys[0])
        if list(ys) == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}-{ys[-1]}"
        return ",".join(map(str, ys))

    @property
    def benchmark_years(self) -> dict[int, int]:
        """Fiscal year -> the CPS Table 11 year that benchmarks it: ``benchmark_year`` when given,
        the generator's year for synthetic data (its workers were drawn from those shares), else
        ``occupation_shares.benchmark_year_for`` (nearest CPS year of the same classification era).

        >>> Request(source="store", fiscal_years=(2014, 2022)).benchmark_years
        {2014: 2019, 2022: 2022}
        """
        if self.benchmark_year is not None:
            return dict.fromkeys(self.fiscal_years, self.benchmark_year)
        if self.source == "synthetic":
            from toolkit import synth

            return dict.fromkeys(self.fiscal_years, int(synth.DEFAULT_PARAMS["benchmark_year"]))
        return {fy: occupation_shares.benchmark_year_for(fy) for fy in self.fiscal_years}

    @property
    def benchmark_label(self) -> str:
        """The CPS year(s) used: "2022", or "2019 (FY2013-2017); 2022 (FY2022)"."""
        years = self.benchmark_years
        if len(set(years.values())) == 1:
            return str(next(iter(years.values())))
        groups: dict[int, list[int]] = {}
        for fy, year in sorted(years.items()):
            groups.setdefault(year, []).append(fy)
        label = lambda fys: f"FY{fys[0]}" if len(fys) == 1 else f"FY{fys[0]}-{fys[-1]}"  # noqa: E731
        return "; ".join(f"{year} ({label(fys)})" for year, fys in sorted(groups.items()))

    @property
    def states_label(self) -> str | None:
        return ",".join(self.states) or None

    @property
    def store_root(self) -> Path:
        return config.store_dir(self.data_dir)

    def with_lang(self, lang: str) -> Request:
        """The same request in one language."""
        from dataclasses import replace

        return replace(self, langs=(lang,))

    def command(self, lang: str | None = None, *, verb: str = "report") -> str:
        """The ``h2gender <verb>`` command (``report`` or ``analyze``) that reproduces this request
        (user files by name)."""
        parts = [f"h2gender {verb}", f"--program {self.program_label}", f"--fy {self.years_label}"]
        if self.states:
            parts.append(f"--state {self.states_label}")
        parts += [f"--lang {lang or ','.join(self.langs)}", f"--data {self.source}", f"--k {self.k}"]
        if self.benchmark_year is not None:
            parts.append(f"--benchmark-year {self.benchmark_year}")
        if self.infer_soc:
            parts.append("--infer-soc")
        if self.source == "synthetic":
            parts.append(f"--seed {self.seed}")
        if self.workers_path is not None:
            parts.append(f"--workers {self.workers_path.name}")
        if self.mapping_path is not None:
            parts.append(f"--mapping {self.mapping_path.name}")
        return " ".join(parts)

    def parameters(self) -> dict:
        """The request as plain values for the provenance (file names only, never local paths)."""
        return {"program": self.program_label, "fiscal_years": self.years_label, "states": self.states_label,
                "data": self.source, "k": self.k, "seed": self.seed, "benchmark_year": self.benchmark_label,
                "n_bootstrap": self.n_bootstrap, "infer_soc": self.infer_soc,
                "workers": self.workers_path.name if self.workers_path else None,
                "mapping": self.mapping_path.name if self.mapping_path else None}


@dataclass(frozen=True)
class Dataset:
    """What ``load`` returns: the tables a request names and where they came from.

    Fields
    ------
    request : the ``Request``.
    cases : canonical case table (``schema.CASE_COLUMNS``), scope applied.
    workers : canonical worker table or None (DOL files record no sex).
    companions : companion tables of the cases by kind ("recruiters", "worksites", "housing").
    files : input files, dicts with ``file`` (name, never a local path), ``sha256``, ``role``
        (an i18n key: role_dol, role_workers, role_generator, role_params, role_benchmark) and,
        for DOL files, ``release``.
    coverage : one row per program x fiscal year: ``program``, ``fiscal_year``, ``release``
        ("full year", "Q1".., or "synthetic"), ``files``, and from ``toolkit.coverage`` the
        governing ``source_file``, ``kind``, ``partial``, ``months``, ``first_month``/``last_month``
        (YYYY-MM), the decision-date range, ``catalog_id`` and ``release_conflict``.
    accounting : what was read and kept, by input ("cases", "workers").
    synthetic : True when the data are synthetic (every output must say so).
    truth : the planted effects of synthetic data (None for real data).
    """

    request: Request
    cases: pd.DataFrame
    workers: pd.DataFrame | None
    companions: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    files: tuple[dict, ...] = ()
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    accounting: Mapping[str, dict] = field(default_factory=dict)
    synthetic: bool = False
    truth: Mapping | None = None


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _synthetic(request: Request) -> tuple[pd.DataFrame, pd.DataFrame, list[dict], Mapping]:
    from toolkit import synth

    d = synth.generate(seed=request.seed, fiscal_years=request.fiscal_years, programs=request.programs)
    src = resources.files("toolkit").joinpath("synth.py").read_bytes()
    params = json.dumps(d.truth.get("params", {}), sort_keys=True, default=str).encode("utf-8")
    files = [{"file": "toolkit/synth.py", "sha256": _sha256_bytes(src), "role": "role_generator"},
             {"file": f"synth.generate(seed={request.seed}, fiscal_years={list(request.fiscal_years)}, "
                      f"programs={list(request.programs)}).truth['params']", "sha256": _sha256_bytes(params),
              "role": "role_params"}]
    return d.cases, d.workers, files, d.truth


def _store(request: Request) -> tuple[pd.DataFrame, list[dict], dict]:
    """The stored cases of the request's programs and years. A program the store holds no case of
    for those years is left out and named in ``accounting["absent_programs"]`` (``h2gender site
    --fy 2021`` builds the H-2B year the store holds and says H-2A is absent); none at all is a
    ``StoreError``."""
    from toolkit import store
    from toolkit.errors import StoreError

    root = request.store_root
    parts, accounting, absent, errors = [], {}, [], []
    for program in request.programs:
        try:
            part = store.load_cases(program, request.fiscal_years, root=root)
        except StoreError as exc:
            absent.append(program)
            errors.append(exc)
            continue
        accounting[program] = dict(part.attrs.get("accounting", {}))
        parts.append(part)
    if not parts:
        raise errors[0]
    accounting["absent_programs"] = absent
    cases = pd.concat(parts, ignore_index=True)
    files = [{"file": f["file"], "sha256": f["sha256"], "role": "role_dol", "release": f["release"]}
             for f in store.sources(request.programs, request.fiscal_years, root=root)]
    return cases, files, accounting


def _companions(request: Request, cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Stored companion tables, restricted to the cases in scope (by case number).

    ``recruiters_directory``: every H-2B Appendix C row of the request's fiscal years (the year of
    the file's name, ``dol.infer_fiscal_year``; of a year's releases the most complete one,
    ``releases.rank``), whether or not the disclosure file of its year is in the store, with
    ``fiscal_year``. With worksite states requested only the rows of cases in scope are kept (an
    Appendix C row alone names no worksite state)."""
    from toolkit import dol, releases, store
    from toolkit.errors import StoreError

    out = {}
    numbers = set(cases["case_number"].dropna().astype(str))
    for kind in ("recruiters", "worksites", "housing"):
        try:
            table = store.read_table(kind, root=request.store_root)
        except StoreError:
            continue  # that companion file was never ingested
        if kind == "recruiters" and "H-2B" in request.programs and "source_file" in table:
            files = pd.DataFrame({"source_file": table["source_file"].astype(str).unique()})
            files["fiscal_year"] = [dol.infer_fiscal_year(Path(f)) for f in files["source_file"]]
            files["_rank"] = files["source_file"].map(releases.rank_file)
            files = files[files["fiscal_year"].isin(request.fiscal_years)]
            best = files.sort_values(["fiscal_year", "_rank", "source_file"]).groupby("fiscal_year").tail(1)
            directory = table[table["source_file"].astype(str).isin(best["source_file"]).to_numpy()]
            directory = directory.merge(best[["source_file", "fiscal_year"]], on="source_file", how="left")
            if request.states:
                directory = directory[directory["case_number"].astype("string").isin(numbers).fillna(False)
                                      .to_numpy()]
            out["recruiters_directory"] = directory.reset_index(drop=True)
        if "case_number" in table:
            table = table[table["case_number"].astype("string").isin(numbers).fillna(False).to_numpy()]
        out[kind] = table.reset_index(drop=True)
    return out


def _companion_files(request: Request, companions: Mapping[str, pd.DataFrame]) -> list[dict]:
    """The source files behind the companion rows in scope (Appendix A/C, Addendum B), with their
    sha256 from the store's manifest: every input a table rests on is in the provenance."""
    from toolkit import store

    by_name = {e.get("source_file"): sha for sha, e in store.manifest(request.store_root).items()}
    files, seen = [], set()
    for kind, table in sorted(companions.items()):
        if "source_file" not in table:
            continue
        for name in sorted(table["source_file"].dropna().astype(str).unique()):
            if name in seen:  # one entry per file: an Appendix C file behind both the scope's
                continue      # recruiters and the directory is listed once, with the scope's role
            seen.add(name)
            files.append({"file": name, "sha256": by_name.get(name, ""), "role": f"role_{kind}"})
    return files


def _coverage(cases: pd.DataFrame, files: list[dict], synthetic: bool) -> pd.DataFrame:
    """One row per program x fiscal year: the governing release and its months (``toolkit.coverage``:
    the file name, the catalog entry and the decision dates), and the files of that year."""
    columns = ["program", "fiscal_year", "release", "files", "source_file", "kind", "partial", "months",
               "first_month", "last_month", "decided_first", "decided_last", "decided_outside", "catalog_id",
               "release_conflict", "months_from", "partial_by_rows", "name_program", "name_fiscal_year",
               "name_conflict"]
    years = cases[["program", "fiscal_year"]].drop_duplicates().sort_values(["program", "fiscal_year"])
    if synthetic or not len(cases):
        rows = [{"program": p, "fiscal_year": int(fy), "release": "synthetic", "files": ""}
                for p, fy in years.itertuples(index=False)]
        return pd.DataFrame(rows, columns=columns[:4])
    from toolkit import catalog, coverage
    from toolkit.errors import CatalogError

    try:
        entries = catalog.load_catalog()
    except CatalogError:
        entries = pd.DataFrame()  # an installed copy without the catalog: coverage from names and dates
    per_file = coverage.coverage_table(cases, catalog=entries)
    out = coverage.year_coverage(per_file)
    names = per_file.groupby(["program", "fiscal_year"])["source_file"].agg(lambda s: ", ".join(sorted(s)))
    out["files"] = [names[(p, y)] for p, y in zip(out["program"], out["fiscal_year"])]
    for col in ("decided_first", "decided_last"):  # dates as ISO text: provenance is JSON
        out[col] = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in out[col]]
    out["catalog_id"] = [None if pd.isna(c) else str(c) for c in out["catalog_id"]]
    out["name_fiscal_year"] = [None if pd.isna(y) else int(y) for y in out["name_fiscal_year"]]  # JSON provenance
    return out.reindex(columns=columns)


def _user_workers(request: Request) -> tuple[pd.DataFrame, dict, dict]:
    """The user's records of the request, accounted (``workers.Accounting``: rows read, kept,
    rejected by reason, out of scope, population); no row left is a ``DataValidationError``."""
    from toolkit import workers as wk

    cache = config.data_dir(request.data_dir) / "cache" / "workers"  # the parsed file, keyed by its sha256
    records = wk.in_scope(wk.read_worker_records(request.workers_path, request.mapping_path, cache=cache),
                          programs=request.programs, fiscal_years=request.fiscal_years, states=request.states or None)
    # such files usually hold admitted workers; assign makes a new frame whose text columns share
    # the records' (pyarrow) buffers, so millions of rows are not copied
    out = schema.mark_synthetic(records.table.assign(stage=records.table["stage"].fillna("admitted")), records.table)
    acc = records.accounting
    entry = {"file": acc.source_file, "sha256": acc.sha256, "role": "role_workers"}
    return out, acc.as_dict(), entry


def _in_states(df: pd.DataFrame, states: tuple[str, ...]) -> pd.DataFrame:
    keep = df["worksite_state"].isin(states).fillna(False).astype(bool)
    return schema.mark_synthetic(df[keep.to_numpy()].reset_index(drop=True), df)


def load(request: Request) -> Dataset:
    """The ``Dataset`` a request names (see the module docstring).

    Raises
    ------
    StoreError
        ``source="store"`` and the store holds no cases of the programs and years.
    DataValidationError
        No case with a requested worksite state; a worker file with no record in scope.

    Examples
    --------
    >>> ds = load(Request.build(data="synthetic", program="H-2A", fy=2019, state="GA"))
    >>> ds.synthetic, sorted(ds.cases["worksite_state"].unique()), ds.coverage["release"].tolist()
    (True, ['GA'], ['synthetic'])
    >>> [f["role"] for f in ds.files]
    ['role_generator', 'role_params', 'role_benchmark']
    """
    truth = None
    accounting: dict = {}
    if request.source == "synthetic":
        cases, workers, files, truth = _synthetic(request)
        companions = {}
    else:
        cases, files, accounting["cases"] = _store(request)
        workers = None
        companions = _companions(request, cases)
        files += _companion_files(request, companions)
    if request.workers_path is not None:
        workers, accounting["workers"], entry = _user_workers(request)
        files.append(entry)
        if request.mapping_path is not None:
            files.append({"file": request.mapping_path.name, "sha256": sha256_file(request.mapping_path),
                          "role": "role_mapping"})
        if workers.empty:
            raise DataValidationError(f"{request.workers_path.name}: no worker record is in scope "
                                      f"({request.program_label}, FY{request.years_label}); "
                                      f"accounting: {accounting['workers']}")
    if request.infer_soc:  # toolkit.soc_inference: marked soc_inferred, the rest counted as not benchmarked
        from toolkit import soc_inference

        inferred = soc_inference.infer(cases)
        cases, accounting["soc_inference"] = inferred.cases, inferred.accounting
        training = resources.files("toolkit").joinpath("data", soc_inference.TRAINING_TABLE).read_bytes()
        files.append({"file": f"toolkit/data/{soc_inference.TRAINING_TABLE}", "sha256": _sha256_bytes(training),
                      "role": "role_soc_training"})
    table = resources.files("toolkit").joinpath("data", occupation_shares.SHIPPED_TABLE).read_bytes()
    files.append({"file": f"toolkit/data/{occupation_shares.SHIPPED_TABLE}", "sha256": _sha256_bytes(table),
                  "role": "role_benchmark"})
    synthetic = schema.is_synthetic(cases)
    coverage = _coverage(cases, files, synthetic)
    if request.states:
        present = set(cases["worksite_state"].dropna())
        if not present & set(request.states):
            label = " or ".join(request.programs)
            raise DataValidationError(
                f"no {label} cases with worksite state {request.states_label} in FY{request.years_label}; "
                f"states present: {', '.join(sorted(present)[:60])}")
        cases = _in_states(cases, request.states)
        if workers is not None:
            workers = _in_states(workers, request.states)
    return Dataset(request=request, cases=cases, workers=workers, companions=companions, files=tuple(files),
                   coverage=coverage, accounting=accounting, synthetic=synthetic, truth=truth)
