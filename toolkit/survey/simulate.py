"""Synthetic exports of the shipped survey, with planted answers: the test fixtures of the import
(``tools/make_survey_exports.py`` writes them to a folder).

``plant(n, seed)`` draws the canonical truth first (sex, program, occupation, state, stage, wage
per hour, fees...) and writes each person's answers from it, so the truth does not come from the
import it checks. ``write_exports(out_dir, planted)`` writes the same submissions in each layout of
``LAYOUTS``: KoboToolbox CSV (``;`` and ``,``), KoboToolbox XLSX with the repeat group on its own
sheet, ODK Central's CSV zip; group paths with ``/``, ``.``, ``:``, ``-`` or none; select_multiple
joined, split into 1/0 columns, or both; two versions of the form (2026.1 asked a daily wage);
metadata columns as the servers add them. The planted rows include refused consent, answers
outside the form's choices (rejected rows), one small cell (``SMALL_CELL``: three women at
worksites in one state, which the report must not show) and out-of-scope years.

All synthetic: the employers and recruiters are invented names.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.survey import form as F

__all__ = ["Planted", "Layout", "LAYOUTS", "plant", "write_exports", "SMALL_CELL"]

#: The planted small cell: (worksite state, women, men) admitted in one H-2B occupation in FY2019.
SMALL_CELL = ("VT", 3, 14)
_OCC = {"H-2A": (("45-2092", 0.10), ("45-2093", 0.05), ("45-2091", 0.02), ("45-2041", 0.45), ("53-7064", 0.55)),
        "H-2B": (("51-3022", 0.80), ("37-3011", 0.03), ("45-4011", 0.05), ("37-2012", 0.70), ("35-2021", 0.40))}
_STATES = {"H-2A": ("NC", "GA", "WA", "FL", "CA"), "H-2B": ("MD", "TX", "LA", "CO")}
_EMPLOYERS = ("Campos del Norte Farms LLC", "Blue Crab Processing Inc", "Green Valley Landscaping Co",
              "Sunrise Orchards LLC", "Bayside Seafood Co", "Pine Ridge Forestry Inc")
_RECRUITERS = ("Agencia Laboral del Sur", "Reclutadora Temporal SA", "H2 Services Group")
_HOURS = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 40 * 52 / 12}


@dataclass(frozen=True)
class Planted:
    """The planted truth: ``answers`` (one row per submission, choice names, "" for unanswered,
    plus ``version``), ``fees`` (the repeat: ``submission``, amount, currency, payee), ``records``
    (the canonical worker record of each consenting, valid submission, by ``submission``) and
    ``rejected`` (submission -> reason)."""

    answers: pd.DataFrame
    fees: pd.DataFrame
    records: pd.DataFrame
    rejected: dict[int, str]


@dataclass(frozen=True)
class Layout:
    """How a server writes an export: ``fmt`` csv, xlsx or odk_zip; CSV ``sep``; ``group_sep``
    between group names and question (None: no group names in headers); ``select_multiple``
    joined, split or both; ``shuffle``: columns in a scrambled order."""

    fmt: str
    sep: str = ","
    group_sep: str | None = "/"
    select_multiple: str = "joined"
    shuffle: bool = False
    server: str = "kobo"

    @property
    def suffix(self) -> str:
        return {"csv": ".csv", "xlsx": ".xlsx", "odk_zip": ".zip"}[self.fmt]


LAYOUTS: dict[str, Layout] = {
    "kobo_csv_semicolon": Layout("csv", sep=";"),
    "kobo_csv_comma_split_dot": Layout("csv", sep=",", group_sep=".", select_multiple="split", shuffle=True),
    "kobo_csv_no_groups_both": Layout("csv", sep=";", group_sep=None, select_multiple="both"),
    "kobo_xlsx_both": Layout("xlsx", select_multiple="both"),
    "kobo_xlsx_split_colon": Layout("xlsx", group_sep=":", select_multiple="split", shuffle=True),
    "odk_central_zip": Layout("odk_zip", group_sep="-", server="odk"),
    "odk_central_zip_split": Layout("odk_zip", group_sep="-", select_multiple="both", server="odk"),
}


def _name_of(list_name: str, canonical: str) -> str:
    return next(c.name for c in F.CHOICES[list_name] if c.canonical == canonical)


def plant(n: int = 600, *, seed: int = 28) -> Planted:
    """Draw ``n`` submissions (plus the small cell's) with a fixed ``seed``; see the module docstring."""
    rng = np.random.default_rng(seed)
    rows, records, fees, rejected = [], [], [], {}
    mx = [c for c in F.origin_places() if c.country == "mex"]
    other_places = {k: [c for c in F.origin_places() if c.country == k] for k in ("gtm", "hnd", "slv")}
    people = [None] * n + [("F", i) for i in range(SMALL_CELL[1])] + [("M", i) for i in range(SMALL_CELL[2])]
    for i, small in enumerate(people):
        version = "2026.1" if i % 3 == 0 else "2026.2"
        a = {q.name: "" for q in F.QUESTIONS if q.is_answer and F.group_path(q.name)[-1:] != ("fee",)}
        a.update(version=version, daily_wage="")
        if small is None and rng.random() < 0.04:
            a["consent"] = "no"
            rows.append(a)
            rejected[i] = "no_consent"
            continue
        a["consent"] = "yes"
        if small is None:
            program = "H-2A" if rng.random() < 0.6 else "H-2B"
            soc, women_share = _OCC[program][rng.integers(len(_OCC[program]))]
            sex = "F" if rng.random() < women_share else "M"
            if rng.random() < 0.03:
                sex = None  # prefer not to say
            state = _STATES[program][rng.integers(len(_STATES[program]))]
            year = 2019 if rng.random() < 0.85 else 2018
        else:
            program, soc, sex, state, year = "H-2B", "37-3011", small[0], SMALL_CELL[0], 2019
        stage = rng.choice(["contacted", "applied", "selected", "admitted"], p=[0.1, 0.2, 0.1, 0.6])
        if small is not None:
            stage = "admitted"  # the small cell is of visa holders, whom the report counts
        nat = rng.choice(["MEX", "GTM", "HND", "SLV", None], p=[0.8, 0.1, 0.05, 0.03, 0.02])
        a["program"] = _name_of("program", program)
        a["season_year"] = str(year)
        a["stage_reached"] = stage
        a["occupation"] = _name_of("occupation", soc)
        a["employer"] = _EMPLOYERS[rng.integers(len(_EMPLOYERS))]
        a["recruiter"] = _RECRUITERS[rng.integers(len(_RECRUITERS))]
        a["worksite_state"] = state.lower()
        a["sex"] = _name_of("sex", sex) if sex else "prefer_not"
        age = ["18-24", "25-34", "35-44", "45-54", "55+"][rng.integers(5)]
        a["age_band"] = _name_of("age_band", age)
        origin = None
        if nat is None:
            a["origin_country"] = "prefer_not"
        else:
            a["origin_country"] = nat.lower()
            place = mx[rng.integers(len(mx))] if nat == "MEX" else other_places[nat.lower()][
                rng.integers(len(other_places[nat.lower()]))]
            a["origin_state"] = place.name
            origin = place.canonical if nat == "MEX" else None
        hourly = None
        if stage == "admitted":
            hourly = round(float(rng.uniform(11, 19)), 2)
            if version == "2026.1":
                a["daily_wage"] = f"{hourly * 8:.2f}"
                hourly = round(hourly * 8 / 8, 4)
            else:
                unit = rng.choice(["hour", "day", "week", "month", "piece"], p=[0.5, 0.2, 0.15, 0.1, 0.05])
                a["wage_unit"] = unit
                if unit == "piece":
                    a["wage_amount"] = "0.85"
                    hourly = None
                else:
                    amount = round(hourly * _HOURS[unit], 2)
                    a["wage_amount"] = f"{amount:.2f}"
                    hourly = round(amount / _HOURS[unit], 4)
        paid = rng.choice(["yes", "no", "prefer_not"], p=[0.5, 0.4, 0.1])
        a["paid_fees"] = paid
        if paid == "yes":
            for _ in range(int(rng.integers(1, 4))):
                fees.append({"submission": i, "fee_amount": f"{int(rng.integers(5, 300)) * 100}",
                             "fee_currency": rng.choice(["mxn", "usd", "gtq"]),
                             "fee_payee": rng.choice(["recruiter", "subagent", "employer", "consulate"])})
        a["asked_sex"] = rng.choice(["yes", "no", "dont_know", "prefer_not"])
        a["told_job_for"] = rng.choice(["men", "women", "both", "no"])
        if sex != "M":
            a["asked_pregnancy"] = rng.choice(["yes", "no", "prefer_not"])
        a["fees_differ"] = rng.choice(["women_more", "men_more", "same", "dont_know"])
        picks = [c.name for c in F.CHOICES["unequal_treatment"][:5] if rng.random() < 0.25]
        a["unequal_treatment"] = " ".join(picks) if picks else "none"
        rows.append(a)
        if small is None and i % 97 == 5:
            a["occupation"] = "soc_99_9999"  # not in the form's choices
            rejected[i] = "unknown_occupation_choice"
            continue
        records.append({"submission": i, "program": program, "fiscal_year": year, "sex": sex,
                        "nationality": nat, "origin_state": origin, "age_band": age, "soc_code": soc,
                        "employer_name": a["employer"], "worksite_state": state, "recruiter": a["recruiter"],
                        "stage": F.STAGE_CANONICAL[stage][0], "selected": F.STAGE_CANONICAL[stage][1] == "true",
                        "wage_hourly": hourly})
    return Planted(answers=pd.DataFrame(rows), fees=pd.DataFrame(fees), records=pd.DataFrame(records),
                   rejected=rejected)


def _header(question: str, layout: Layout, choice: str | None = None) -> str:
    parts = [*F.group_path(question), question] if layout.group_sep else [question]
    if choice is not None:
        parts.append(choice)
    return (layout.group_sep or "/").join(parts)


def _main_table(planted: Planted, layout: Layout, rng: np.random.Generator) -> pd.DataFrame:
    ans = planted.answers
    cols: dict[str, list] = {}
    if layout.server == "kobo":
        cols["start"] = ["2026-05-01T10:00:00.000-06:00"] * len(ans)
        cols["end"] = ["2026-05-01T10:20:00.000-06:00"] * len(ans)
    for q in F.QUESTIONS:
        if not q.is_answer or q.name not in ans:
            continue
        if q.type == "select_multiple":
            if layout.select_multiple in ("joined", "both"):
                cols[_header(q.name, layout)] = list(ans[q.name])
            if layout.select_multiple in ("split", "both"):
                for c in F.CHOICES[q.choices]:
                    cols[_header(q.name, layout, c.name)] = [
                        "" if not v else ("1" if c.name in v.split() else "0") for v in ans[q.name]]
        else:
            cols[_header(q.name, layout)] = list(ans[q.name])
        if q.name == "wage_unit":  # where Kobo puts a column of an older version: after today's
            cols[_header("daily_wage", layout)] = list(ans["daily_wage"])
    n = len(ans)
    if layout.server == "kobo":
        cols.update({"_id": [str(1000 + i) for i in range(n)], "_uuid": [f"uuid-{i:05d}" for i in range(n)],
                     "_submission_time": ["2026-05-02T00:00:00"] * n, "_validation_status": [""] * n,
                     "_notes": [""] * n, "_status": ["submitted_via_web"] * n, "_submitted_by": ["organizer"] * n,
                     "__version__": ["vA1b2C3" if v == "2026.1" else "vD4e5F6" for v in ans["version"]],
                     "_tags": [""] * n, "_index": [str(i + 1) for i in range(n)]})
    else:
        cols = {"SubmissionDate": ["2026-05-02T00:00:00.000Z"] * n, **cols,
                "meta-instanceID": [f"uuid:{i:05d}" for i in range(n)], "KEY": [f"uuid:{i:05d}" for i in range(n)],
                "SubmitterID": ["7"] * n, "SubmitterName": ["organizer"] * n, "AttachmentsPresent": ["0"] * n,
                "AttachmentsExpected": ["0"] * n, "Status": [""] * n, "ReviewState": [""] * n,
                "DeviceID": [""] * n, "Edits": ["0"] * n, "FormVersion": list(ans["version"])}
    table = pd.DataFrame(cols)
    if layout.shuffle:
        table = table[list(rng.permutation(table.columns))]
    return table


def _fee_table(planted: Planted, layout: Layout) -> pd.DataFrame:
    fees = planted.fees
    if layout.server == "kobo":
        body = {_header(q, layout): fees[q].tolist() for q in ("fee_amount", "fee_currency", "fee_payee")}
        return pd.DataFrame({**body, "_index": [str(i + 1) for i in range(len(fees))],
                             "_parent_table_name": [F.FORM_ID] * len(fees),
                             "_parent_index": [str(s + 1) for s in fees["submission"]],
                             "_submission__uuid": [f"uuid-{s:05d}" for s in fees["submission"]]})
    body = {q: fees[q].tolist() for q in ("fee_amount", "fee_currency", "fee_payee")}
    return pd.DataFrame({**body, "PARENT_KEY": [f"uuid:{s:05d}" for s in fees["submission"]],
                         "KEY": [f"uuid:{s:05d}/fees/fee[{k}]" for k, s in enumerate(fees["submission"])]})


def write_exports(out_dir: str | Path, planted: Planted, *, layouts: dict[str, Layout] | None = None,
                  seed: int = 28) -> dict[str, Path]:
    """Write ``planted`` in each layout (default ``LAYOUTS``) under ``out_dir``; name -> path."""
    from openpyxl import Workbook

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    written = {}
    for name, layout in (layouts or LAYOUTS).items():
        main = _main_table(planted, layout, rng)
        path = out_dir / f"{name}{layout.suffix}"
        if layout.fmt == "csv":
            main.to_csv(path, sep=layout.sep, index=False)
        elif layout.fmt == "xlsx":
            wb = Workbook()
            wb.remove(wb.active)
            for title, table in ((F.FORM_TITLE["en"][:31].replace(":", ""), main), ("fee", _fee_table(planted, layout))):
                ws = wb.create_sheet(title)
                ws.append(list(table.columns))
                for row in table.itertuples(index=False):
                    ws.append([_cell(v) for v in row])
            wb.save(path)
        else:
            with zipfile.ZipFile(path, "w") as zf:
                for member, table in ((f"{F.FORM_ID}.csv", main), (f"{F.FORM_ID}-fee.csv", _fee_table(planted, layout))):
                    buf = io.StringIO()
                    table.to_csv(buf, index=False)
                    zf.writestr(member, buf.getvalue())
        written[name] = path
    return written


def _cell(value):
    """A number where a spreadsheet export has one (Kobo XLSX writes numbers as numbers)."""
    if isinstance(value, str) and value and value.replace(".", "", 1).isdigit():
        return float(value) if "." in value else int(value)
    return value if value != "" else None
