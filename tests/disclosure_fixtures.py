"""A synthetic worker file with planted small cells, for the disclosure attack suite.

``planted_survey(tmp_path)`` writes a survey-style CSV (Spanish headers) and its YAML mapping, as an
advocate would bring them to ``h2gender report/analyze --workers FILE --mapping MAPPING``, and
returns the file paths with the planted truth: the count of admitted women and men in every
cell of every scope the outputs break down by (worksite state, employer, recruiter, occupation,
Mexican state of origin) and the selection table (applicants, selected, rejected by sex).

The counts are chosen so that k = 5 hides 3 and 4, k = 10 hides 3, 4 and 7, and k = 60 hides
every count of women (54 in all). The marginal of each scope is exact; the joint cells are a
fixed shuffle (seeded), so nothing in the outputs depends on chance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

FISCAL_YEAR = 2019
PROGRAM = "H-2A"

#: scope column -> {value: (admitted women, admitted men)}
PLANTED: dict[str, dict[str, tuple[int, int]]] = {
    "worksite_state": {"OR": (3, 12), "GA": (20, 300), "FL": (16, 250), "NC": (15, 213)},
    "soc_code": {"45-2041": (7, 40), "53-7064": (12, 60), "45-2092": (35, 675)},
    "employer_name": {"Planted Orchard LLC": (4, 120), "Planted Packing Co": (7, 43), "Planted Farm Inc": (3, 12),
                      "Big Farms A LLC": (20, 300), "Big Farms B LLC": (20, 300)},
    "recruiter": {"Reclutadora Chica": (3, 12), "Reclutadora Media": (7, 43), "Reclutadora Grande": (24, 360),
                  "Reclutadora Norte": (20, 360)},
    "origin_state": {"07": (3, 30), "11": (20, 300), "16": (16, 245), "20": (15, 200)},
}
#: rejected applicants (selected False) by sex; admitted applicants are the selected ones.
REJECTED = {"F": 2, "M": 225}
COLUMNS = {"sex": "Sexo", "fiscal_year": "Año", "soc_code": "Código SOC", "worksite_state": "Estado de trabajo",
           "employer_name": "Empleador", "recruiter": "Reclutador", "origin_state": "Estado de origen",
           "case_number": "Caso", "selected": "Seleccionado", "stage": "Etapa", "wage_hourly": "Salario por hora"}


@dataclass
class Planted:
    workers: Path
    mapping: Path
    rows: pd.DataFrame = field(repr=False)

    def truth(self, state: str | None = None) -> dict[tuple[str, str, str], int]:
        """(scope, value, sex) -> true count, for the rows of one request (``state`` None: all).

        Scopes: the entity columns (admitted workers), ``origin_state`` (admitted, by sex),
        ``selection`` (admitted_/rejected_/applicant_ women or men) and ``scope`` (women, men:
        admitted workers of the whole request).
        """
        rows = self.rows if state is None else self.rows[self.rows["worksite_state"] == state]
        adm = rows[rows["selected"]]
        out: dict[tuple[str, str, str], int] = {}
        for scope in PLANTED:
            for (value, sex), n in adm.groupby([scope, "sex"]).size().items():
                out[(scope, str(value), sex)] = int(n)
        for sex, word in (("F", "women"), ("M", "men")):
            mine = rows[rows["sex"] == sex]
            out[("selection", f"admitted_{word}", sex)] = int(mine["selected"].sum())
            out[("selection", f"rejected_{word}", sex)] = int((~mine["selected"]).sum())
            out[("selection", f"applicant_{word}", sex)] = len(mine)
            out[("scope", word, sex)] = int(mine["selected"].sum())
            out[("scope", f"rejected_{word}", sex)] = int((~mine["selected"]).sum())
        return out

    def scope_counts(self, state: str | None = None) -> dict[str, tuple[str, int]]:
        """The counts a sentence about the whole request can be about: name -> (sex, count)."""
        return {name: (sex, n) for (scope, name, sex), n in self.truth(state).items() if scope == "scope"}


def _column(values: dict[str, tuple[int, int]], sex: int, rng: np.random.Generator) -> np.ndarray:
    col = np.concatenate([[v] * counts[sex] for v, counts in values.items()])
    return rng.permutation(col)


def planted_rows(seed: int = 12) -> pd.DataFrame:
    """The planted admitted workers and rejected applicants, canonical column names."""
    rng = np.random.default_rng(seed)
    parts = []
    for sex_index, sex in enumerate(("F", "M")):
        n = sum(c[sex_index] for c in PLANTED["soc_code"].values())
        part = pd.DataFrame({scope: _column(values, sex_index, rng) for scope, values in PLANTED.items()})
        assert len(part) == n
        part["sex"] = sex
        part["selected"] = True
        part["stage"] = "admitted"
        part["wage_hourly"] = np.round(rng.normal(12.5 if sex == "M" else 11.5, 1.0, n), 2)
        rejected = part.sample(REJECTED[sex], replace=True, random_state=seed).assign(
            selected=False, stage="applied", wage_hourly=np.nan)
        parts += [part, rejected]
    rows = pd.concat(parts, ignore_index=True)
    rows["case_number"] = [f"H-300-19{i % 40:03d}-000{i % 40:03d}" for i in range(len(rows))]
    rows["fiscal_year"] = FISCAL_YEAR
    return rows


def _write(rows: pd.DataFrame, folder: Path, name: str) -> Planted:
    """``rows`` as a survey (CSV, Spanish headers) and its YAML mapping in ``folder``."""
    survey = rows[list(COLUMNS)].rename(columns=COLUMNS)
    survey["Sexo"] = survey["Sexo"].map({"F": "Mujer", "M": "Hombre"})
    survey["Seleccionado"] = survey["Seleccionado"].map({True: "sí", False: "no"})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    survey.to_csv(path, index=False)
    mapping = folder / "mapa.yaml"
    cols = ", ".join(f"{k}: {v}" for k, v in COLUMNS.items())
    mapping.write_text(f"columns: {{{cols}}}\nvalues:\n  sex: {{Mujer: F, Hombre: M}}\nprogram: {PROGRAM}\n",
                       encoding="utf-8")
    return Planted(workers=path, mapping=mapping, rows=rows)


def planted_survey(tmp_path: Path, seed: int = 12) -> Planted:
    """Write the planted survey (CSV, Spanish headers) and its mapping under ``tmp_path``."""
    return _write(planted_rows(seed), Path(tmp_path) / "private-survey-folder", "encuesta_trabajadoras.csv")


def planted_two_years(tmp_path: Path, seed: int = 12) -> Planted:
    """A two-year worker file (FY2020 and FY2022) written like ``planted_survey``: FY2020 the planted
    rows, FY2022 another shuffle with 15 of Georgia's admitted women left out, so Georgia holds 20
    women in FY2020, 5 in FY2022 and 25 in both; Oregon's admitted women are left out of both years
    (no small state, so no state is hidden in either scope). Shown in FY2020 alone and in
    FY2020-2022, Georgia's difference is the small FY2022 count."""
    def women(rows, state):
        return rows.index[(rows["worksite_state"] == state) & (rows["sex"] == "F") & rows["selected"]]

    first = planted_rows(seed).assign(fiscal_year=2020)
    first = first.drop(women(first, "OR"))
    second = planted_rows(seed + 1).assign(fiscal_year=2022)
    second = second.drop(women(second, "GA")[:15].union(women(second, "OR")))
    second["case_number"] = second["case_number"].str.replace("H-300-19", "H-300-22", regex=False)
    first["case_number"] = first["case_number"].str.replace("H-300-19", "H-300-20", regex=False)
    rows = pd.concat([first, second], ignore_index=True)
    return _write(rows, Path(tmp_path) / "private-two-years", "encuesta_dos_anios.csv")
