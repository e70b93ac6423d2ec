"""Synthetic H-2A/H-2B case and worker tables with planted, documented effects.

DOL disclosure files carry no sex, and worker-level records are private, so the toolkit's default
data (``make report``, the notebooks, the tests) are *synthetic demonstration data* generated here.
Every table returned has ``df.attrs["synthetic"] = True`` and the true parameters in
``df.attrs["truth"]``; anything derived from them must say it is synthetic.

Generative model
----------------
For each program and fiscal year, ``n_cases`` certification cases are drawn with an occupation
(SOC) mix, a worksite-state mix, a heavy-tailed (log-normal) number of workers requested, a
fictitious employer, an agent and a foreign labour recruiter. Certified and partially certified
cases admit ``workers_certified`` workers, chosen from ``applicants_per_slot`` times as many
applicants recruited for the case. An applicant is a woman with probability

    logit P(F | soc, program, recruiter) = logit(b_soc) + alpha_program + c_soc + log(r_recruiter)

with ``b_soc`` women's share of the occupation in the US workforce (BLS CPS Table 11,
``toolkit.occupation_shares``), ``c_soc`` the planted *channelling* log odds (``channelling_log_odds``),
``r`` the planted *recruiter exclusion* odds ratio (1 for most recruiters) and ``alpha_program``
solved numerically so that women's expected share among admitted workers equals
``women_share[program]``. Within a case, the ``workers_certified`` admitted workers are drawn
from the applicants by Fisher's noncentral hypergeometric distribution with odds ratio
``selection_odds_ratio`` for women vs men: exactly the conditional-logit model
``logit P(selected) = gamma_case + log(selection_odds_ratio) * [F]`` given the number selected, so
Mantel-Haenszel or conditional logistic regression by case recovers it. Admitted workers earn

    log wage = log(offered hourly wage of the case) + wage_penalty_log * [F] + e,  e ~ N(0, wage_sd)

where the offered wage depends on SOC and worksite state only. About ``sex_preference_rate`` of
the cases carry an explicit sex preference (English or Spanish) in ``requirements_text``; the rest
carry neutral requirements, including tricky negatives ("men and women welcome").

Calibration (illustrative, not estimates): women's share of H-2A visas about 3% (US DHS figure for
2018 cited by Centro de los Derechos del Migrante, 2021 USMCA petition; ``data_catalog/
published_shares.csv``); H-2B 12% is an illustrative assumption; the SOC mixes follow the leading
occupations of the OFLC annual reports; wages are near the 2019 adverse effect wage rates.
Employer, agent and recruiter names are invented from word lists and are not real businesses.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from toolkit import occupation_shares, schema

__all__ = ["SyntheticData", "DEFAULT_PARAMS", "generate", "describe", "appendix_c", "SYNTHETIC_LABEL",
           "APPENDIX_C_FIRST_YEAR"]

SYNTHETIC_LABEL = {"en": "Synthetic demonstration data", "es": "Datos sintéticos de demostración"}

DEFAULT_PARAMS: dict = {
    "n_cases": {"H-2A": 2200, "H-2B": 1400},
    "soc_mix": {
        "H-2A": {"45-2092": 0.83, "45-2093": 0.04, "45-2041": 0.03, "53-7064": 0.03,
                 "45-2091": 0.05, "53-3032": 0.02},
        "H-2B": {"37-3011": 0.36, "45-4011": 0.07, "37-2012": 0.10, "51-3022": 0.09,
                 "51-3023": 0.05, "39-3091": 0.07, "35-2021": 0.06, "53-7062": 0.11, "35-2014": 0.09},
    },
    "state_mix": {
        "H-2A": {"FL": 0.14, "GA": 0.12, "WA": 0.11, "CA": 0.10, "NC": 0.09, "LA": 0.06, "MI": 0.05,
                 "KY": 0.05, "NY": 0.05, "AZ": 0.04, "TX": 0.04, "ID": 0.03, "SC": 0.03, "VA": 0.03,
                 "OR": 0.03, "CO": 0.03},
        "H-2B": {"TX": 0.16, "LA": 0.09, "FL": 0.08, "CO": 0.07, "MD": 0.06, "VA": 0.06, "MA": 0.05,
                 "NC": 0.05, "MI": 0.04, "OH": 0.04, "PA": 0.04, "NJ": 0.04, "GA": 0.04, "TN": 0.04,
                 "AL": 0.04, "WY": 0.03, "MS": 0.03, "IL": 0.04},
    },
    "case_size_lognormal": {"H-2A": (2.1, 1.1), "H-2B": (2.3, 0.9)},
    "women_share": {"H-2A": 0.03, "H-2B": 0.12},
    "channelling_log_odds": {"37-2012": 1.5, "51-3022": 1.2, "53-7064": 1.0, "35-2021": 0.8,
                             "45-2041": 0.8, "37-3011": -1.0, "45-4011": -0.8, "53-3032": -1.0},
    "selection_odds_ratio": 0.4,
    "recruiter_exclusion": {"Reclutadora del Bajío S.C.": 0.1, "Agencia Laboral Pacífico": 0.1},
    "wage_penalty_log": -0.05,
    "wage_sd": 0.08,
    "applicants_per_slot": 2.0,
    "status_mix": {"certified": 0.90, "partially certified": 0.04, "denied": 0.04, "withdrawn": 0.02},
    "sex_preference_rate": {"H-2A": 0.01, "H-2B": 0.03},
    "benchmark_year": 2022,
}

#: Offered hourly wage by SOC (dollars, near the 2019 AEWR / prevailing wages; illustrative).
_BASE_WAGE = {
    "45-2092": 12.8, "45-2093": 12.6, "45-2041": 12.9, "53-7064": 12.9, "45-2091": 13.9,
    "53-3032": 16.4, "37-3011": 14.6, "45-4011": 14.9, "37-2012": 11.4, "51-3022": 13.0,
    "51-3023": 13.6, "39-3091": 11.2, "35-2021": 11.9, "53-7062": 13.2, "35-2014": 12.8,
}
_JOB_TITLE = {
    "45-2092": ("Farmworker", "Crop farmworker", "Nursery worker", "Fruit harvester"),
    "45-2093": ("Livestock worker", "Ranch hand", "Sheepherder"),
    "45-2041": ("Produce grader", "Sorter, agricultural products"),
    "53-7064": ("Packer, hand", "Packing shed worker"),
    "45-2091": ("Equipment operator, farm", "Tractor driver"),
    "53-3032": ("Truck driver, custom harvest",),
    "37-3011": ("Landscape laborer", "Groundskeeper"),
    "45-4011": ("Forestry worker", "Tree planter"),
    "37-2012": ("Housekeeper", "Room attendant"),
    "51-3022": ("Crab picker", "Seafood processor", "Fish cutter"),
    "51-3023": ("Meat packer", "Poultry processor"),
    "39-3091": ("Amusement attendant", "Ride operator"),
    "35-2021": ("Food preparation worker", "Kitchen helper"),
    "53-7062": ("General laborer", "Material handler"),
    "35-2014": ("Cook", "Line cook"),
}
#: INEGI state codes of Mexican H-2 workers' origin (weights illustrative, heavier in the Bajío).
_ORIGIN_WEIGHTS = {
    "11": 10, "16": 9, "30": 8, "24": 7, "13": 6, "18": 5, "25": 5, "32": 5, "14": 4, "21": 4,
    "15": 4, "12": 4, "20": 4, "22": 3, "01": 3, "10": 3, "28": 3, "19": 2, "26": 2, "29": 2,
    "31": 1, "27": 1, "07": 1, "08": 1, "05": 1, "17": 1, "06": 1, "09": 1, "02": 1, "03": 1,
    "04": 1, "23": 1,
}
_RECRUITERS = [
    ("Reclutadora del Bajío S.C.", "MEX"), ("Agencia Laboral Pacífico", "MEX"),
    ("Servicios Agrícolas Norte", "MEX"), ("Enlace Trabajo Temporal", "MEX"),
    ("Contrataciones del Valle", "MEX"), ("Red Laboral Huasteca", "MEX"),
    ("Grupo Reclutamiento Occidente", "MEX"), ("Puente Laboral Sureste", "MEX"),
    ("Trabajos de Temporada Centro", "MEX"), ("Asesoría Migrante Altiplano", "MEX"),
    ("Oficina Laboral Golfo", "MEX"), ("Reclutamiento Sierra Madre", "MEX"),
    ("Agencia Camino Verde", "MEX"), ("Talento Agrícola Bajío", "MEX"),
    ("Recursos Laborales Istmo", "MEX"), ("Empleos Temporales Noroeste", "MEX"),
    ("Reclutadora Quetzal", "GTM"), ("Servicios Laborales Maya", "GTM"),
    ("Caribbean Seasonal Labour Ltd", "JAM"), ("Karoo Seasonal Staffing", "ZAF"),
]
_NAME_A = ("Sunny", "Green", "Blue", "Red", "Golden", "Silver", "Oak", "Pine", "River", "Valley",
           "Prairie", "Coastal", "Mountain", "Cedar", "Willow", "Maple", "Harvest", "Bright", "Eagle",
           "Stone")
_NAME_B = ("Ridge", "Creek", "Field", "Meadow", "Acres", "Grove", "Hill", "Point", "Bay", "Hollow",
           "Springs", "Bend", "Orchard", "Landing", "Trail", "View")
_SUFFIX = {"H-2A": ("Farms LLC", "Produce Inc", "Orchards LLC", "Growers Co-op", "Nursery LLC"),
           "H-2B": ("Landscaping LLC", "Seafood Inc", "Resort LLC", "Services Inc", "Forestry Co",
                    "Hospitality LLC", "Processing Inc")}
_AGENTS = ("Seasonal Labor Associates (fictitious)", "AgWork Visa Services (fictitious)",
           "North Star Labor Consulting (fictitious)", "H2 Compliance Partners (fictitious)")

_NEUTRAL_REQ = (
    "Workers must be able to lift 50 lbs repetitively. Work is performed outdoors in all weather.",
    "Three months of experience in the job described is required. Employer provides housing.",
    "No experience required; on-the-job training provided. Men and women welcome.",
    "Must be able to stand, bend and stoop for long periods. Transportation provided daily.",
    "Workers may be required to submit to random drug testing at no cost to the worker.",
    "Se requiere experiencia de tres meses. El empleador proporciona vivienda gratuita.",
    "Debe poder levantar 50 libras. Hombres y mujeres son bienvenidos.",
    "Must be able to work weekends and holidays. Tools and equipment provided at no cost.",
    "The employer has no gender preference. Applicants must be 18 or older.",
    "Worker will follow instructions from Mr. Garcia, the owner, and the crew leader.",
)
_PREFERENCE_REQ = {
    "M": ("Male workers only; must be able to lift 60 lbs.",
          "Se requieren hombres fuertes para el trabajo en campo.",
          "Must be a man able to work at heights.",
          "Solo hombres. Experiencia de 3 meses requerida."),
    "F": ("Women preferred for the packing line; must have fine motor skills.",
          "Se buscan mujeres para la línea de empaque.",
          "Female workers preferred for room cleaning.",
          "Mujeres solamente para el área de procesamiento."),
}


class _Truth(dict):
    """The planted parameters; pandas deep-copies ``attrs`` on every operation, this dict is
    read-only by convention and returns itself instead of being copied."""

    def __deepcopy__(self, memo):
        return self


@dataclass(frozen=True)
class SyntheticData:
    """Synthetic case and worker tables and the true parameters planted in them."""

    cases: pd.DataFrame
    workers: pd.DataFrame
    truth: dict


def _merge_params(params: Mapping | None) -> dict:
    out = copy.deepcopy(DEFAULT_PARAMS)
    for key, value in (params or {}).items():
        if key not in out:
            raise ValueError(f"unknown synthetic parameter {key!r}; allowed: {sorted(out)}")
        out[key] = copy.deepcopy(value)
    return out


def _benchmark_shares(socs: Iterable[str], year: int) -> dict[str, float]:
    table = occupation_shares.women_share_by_soc(year).set_index("soc_code")["women_share"]
    out = {}
    for soc in socs:
        share = table.get(soc, pd.NA)
        if pd.isna(share):
            raise ValueError(f"no CPS {year} benchmark share for SOC {soc}; choose SOC codes in "
                             "toolkit.occupation_shares.women_share_by_soc")
        out[soc] = float(share)
    return out


def _pick(rng: np.random.Generator, mix: Mapping[str, float], size: int) -> np.ndarray:
    keys = np.array(list(mix))
    p = np.array(list(mix.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


def _admitted_share(alpha: float, base_logit: np.ndarray, slots: np.ndarray, n_app: np.ndarray,
                    odds_ratio: float) -> float:
    """Expected share of women among admitted workers, for solving the program intercept.

    Per case, the mean number of women selected given ``n_f`` women among ``n_app`` applicants
    and ``c`` slots is approximated by Cornfield's equation for Fisher's noncentral
    hypergeometric distribution, x (n_m - c + x) = OR (n_f - x)(c - x), with ``n_f`` at its
    expectation ``n_app * p``.
    """
    p = special.expit(base_logit + alpha)
    n_f = n_app * p
    n_m = n_app - n_f
    c = slots.astype(float)
    a = 1.0 - odds_ratio
    b = n_m - c + odds_ratio * (n_f + c)
    q = -odds_ratio * n_f * c
    if abs(a) < 1e-12:
        x = -q / np.where(b == 0, 1, b)
    else:
        disc = np.sqrt(np.maximum(b * b - 4 * a * q, 0.0))
        x = (-b + disc) / (2 * a)
    x = np.clip(x, 0, np.minimum(n_f, c))
    return float(x.sum() / c.sum())


def _fictitious_employers(rng: np.random.Generator, program: str, n: int) -> np.ndarray:
    names = {f"{a} {b} {s}" for a in _NAME_A for b in _NAME_B for s in _SUFFIX[program]}
    pool = np.array(sorted(names))
    return pool[rng.choice(len(pool), size=min(n, len(pool)), replace=False)]


def _cases_for(rng, program: str, fy: int, p: dict, bench: dict, scale: float) -> pd.DataFrame:
    n = max(1, int(round(p["n_cases"][program] * scale)))
    soc = _pick(rng, p["soc_mix"][program], n)
    state = _pick(rng, p["state_mix"][program], n)
    mu, sigma = p["case_size_lognormal"][program]
    requested = np.maximum(1, np.round(rng.lognormal(mu, sigma, n))).astype(int)
    status = _pick(rng, p["status_mix"], n)
    certified = requested.copy()
    partial = status == "partially certified"
    certified[partial] = np.maximum(1, np.floor(requested[partial] * rng.uniform(0.3, 0.95, partial.sum())))
    certified[(status == "denied") | (status == "withdrawn")] = 0
    status[partial & (certified == requested)] = "certified"
    employers = _fictitious_employers(rng, program, max(1, n // 3))
    employer = employers[rng.integers(0, len(employers), n)]
    rec_idx = rng.integers(0, len(_RECRUITERS), n)
    state_eff = {s: e for s, e in zip(sorted(p["state_mix"][program]),
                                      rng.normal(0, 0.06, len(p["state_mix"][program])))}
    hourly = np.array([_BASE_WAGE[s] for s in soc]) * np.exp(
        np.array([state_eff[s] for s in state]) + rng.normal(0, 0.03, n))
    hourly = np.round(hourly, 2)
    unit = np.where((soc == "45-2093") & (rng.random(n) < 0.5), "month", "hour")
    wage_offer = np.where(unit == "month", np.round(hourly * 173.33, 2), hourly)
    start = pd.Timestamp(f"{fy - 1}-10-01")
    decision = start + pd.to_timedelta(rng.integers(0, 365, n), unit="D")  # the whole fiscal year (Oct 1 - Sep 30)
    begin = decision + pd.to_timedelta(rng.integers(20, 60, n), unit="D")
    end = begin + pd.to_timedelta(rng.integers(90, 300, n), unit="D")
    prefix = "H-300" if program == "H-2A" else "H-400"
    serial = rng.choice(np.arange(100000, 999999), size=n, replace=False)
    case_number = np.array([f"{prefix}-{str(fy)[-2:]}{d:03d}-{s}" for d, s in
                            zip(decision.dayofyear.to_numpy(), serial)])
    titles = np.array([_JOB_TITLE[s][rng.integers(0, len(_JOB_TITLE[s]))] for s in soc])
    req_idx = rng.integers(0, len(_NEUTRAL_REQ), n)
    requirements = np.array([_NEUTRAL_REQ[i] for i in req_idx], dtype=object)
    pref_sex = np.full(n, None, dtype=object)
    planted = rng.random(n) < p["sex_preference_rate"][program]
    for i in np.flatnonzero(planted):
        sex = "F" if bench[soc[i]] + 0.0 > 0.5 or soc[i] in ("51-3022", "53-7064") else "M"
        options = _PREFERENCE_REQ[sex]
        requirements[i] = options[rng.integers(0, len(options))]
        pref_sex[i] = sex
    app_type = np.where(rng.random(n) < (0.08 if program == "H-2A" else 0.03),
                        "association" if program == "H-2A" else "joint", "individual")
    df = pd.DataFrame({
        "program": program, "fiscal_year": fy, "case_number": case_number,
        "case_status_raw": pd.Series(status).map({
            "certified": "Determination Issued - Certification",
            "partially certified": "Determination Issued - Partial Certification",
            "denied": "Determination Issued - Denied", "withdrawn": "Withdrawn"}).to_numpy(),
        "case_status": status, "is_certified": np.isin(status, ["certified", "partially certified"]),
        "decision_date": decision, "employer_name": employer, "employer_state": state,
        "employer_city": pd.NA, "agent_name": np.array(_AGENTS)[rng.integers(0, len(_AGENTS), n)],
        "application_type": app_type, "is_duplicate": False,
        "workers_requested": requested, "workers_certified": certified,
        "worksite_state": state, "worksite_county": pd.NA, "worksite_city": pd.NA,
        "soc_code": soc, "soc_code_raw": soc, "soc_title": pd.NA, "naics_code": pd.NA,
        "job_title": titles, "wage_offer": wage_offer, "wage_unit": unit,
        "wage_hourly": hourly, "experience_required": req_idx == 1,
        "experience_months": np.where(req_idx == 1, 3.0, np.nan),
        "begin_date": begin, "end_date": end, "requirements_text": requirements,
        "source_file": "synthetic", "source_row": np.arange(1, n + 1),
        "recruiter": np.array([r for r, _ in _RECRUITERS])[rec_idx],
        "recruiter_country": np.array([c for _, c in _RECRUITERS])[rec_idx],
        "planted_sex_preference": pref_sex,
    })
    from toolkit import i18n

    df["soc_title"] = df["soc_code"].map(lambda code: i18n.soc_title(code, None, "en"))
    return df


def _workers_for(rng, cases: pd.DataFrame, p: dict, bench: dict) -> pd.DataFrame:
    """Applicants and admitted workers for the cases of one program (see module docstring)."""
    program = cases["program"].iat[0]
    slots = cases["workers_certified"].to_numpy()
    base = (special.logit(cases["soc_code"].map(bench).to_numpy())
            + cases["soc_code"].map(p["channelling_log_odds"]).fillna(0.0).to_numpy()
            + np.log(cases["recruiter"].map(p["recruiter_exclusion"]).fillna(1.0).to_numpy()))
    target = p["women_share"][program]
    n_app = np.where(slots > 0, np.ceil(slots * p["applicants_per_slot"]).astype(int), 0)
    n_app = np.maximum(n_app, slots)
    if slots.sum() == 0:
        alpha = 0.0
    else:
        odds_ratio = p["selection_odds_ratio"]
        alpha = optimize.brentq(
            lambda a: _admitted_share(a, base, slots, n_app, odds_ratio) - target, -20, 20)
    case_idx = np.repeat(np.arange(len(cases)), n_app)
    is_f = rng.random(len(case_idx)) < special.expit(base + alpha)[case_idx]
    n_f = np.bincount(case_idx, weights=is_f, minlength=len(cases)).astype(int)
    # women selected per case: Fisher's noncentral hypergeometric (conditional logit given slots)
    has = slots > 0
    k_f = np.zeros(len(cases), dtype=int)
    k_f[has] = stats.nchypergeom_fisher.rvs(n_app[has], n_f[has], slots[has],
                                            p["selection_odds_ratio"], random_state=rng)
    # choose which women / men within each case are selected: rank random keys within case x sex
    key = rng.random(len(case_idx))
    order = np.lexsort((key, ~is_f, case_idx))
    rank = np.empty(len(case_idx), dtype=int)
    starts = np.r_[0, np.cumsum(n_app)[:-1]]
    # position within (case, sex) block after sorting: women first, then men
    pos_sorted = np.arange(len(case_idx)) - starts[case_idx[order]]
    women_first = is_f[order]
    rank[order] = np.where(women_first, pos_sorted, pos_sorted - n_f[case_idx[order]])
    selected = np.where(is_f, rank < k_f[case_idx], rank < (slots - k_f)[case_idx])
    offered = cases["wage_hourly"].to_numpy()[case_idx]
    wage = offered * np.exp(p["wage_penalty_log"] * is_f + rng.normal(0, p["wage_sd"], len(case_idx)))
    rec_country = cases["recruiter_country"].to_numpy()[case_idx]
    origin_keys = np.array(list(_ORIGIN_WEIGHTS))
    ow = np.array(list(_ORIGIN_WEIGHTS.values()), dtype=float)
    origin = origin_keys[rng.choice(len(ow), size=len(case_idx), p=ow / ow.sum())]
    ages = np.array(["18-24", "25-34", "35-44", "45-54", "55+"])
    out = pd.DataFrame({
        "program": program,
        "fiscal_year": cases["fiscal_year"].to_numpy()[case_idx],
        "sex": np.where(is_f, "F", "M"),
        "nationality": rec_country,
        "origin_state": np.where(rec_country == "MEX", origin, None),
        "age_band": ages[rng.choice(5, size=len(case_idx), p=[0.2, 0.38, 0.25, 0.13, 0.04])],
        "soc_code": cases["soc_code"].to_numpy()[case_idx],
        "case_number": cases["case_number"].to_numpy()[case_idx],
        "employer_id": pd.factorize(cases["employer_name"])[0][case_idx].astype(str),
        "employer_name": cases["employer_name"].to_numpy()[case_idx],
        "worksite_state": cases["worksite_state"].to_numpy()[case_idx],
        "recruiter": cases["recruiter"].to_numpy()[case_idx],
        "stage": np.where(selected, "admitted", "applied"),
        "selected": selected,
        "wage_hourly": np.where(selected, np.round(wage, 2), np.nan),
        "source": "synthetic",
    })
    out["employer_id"] = program[-1] + out["employer_id"].str.zfill(5)
    return out, alpha


def generate(seed: int = 0, fiscal_years: Iterable[int] = (2019,), params: Mapping | None = None, *,
             programs: Iterable[str] = ("H-2A", "H-2B"), scale: float = 1.0) -> SyntheticData:
    """Generate synthetic DOL-like cases and matching worker records with planted effects.

    Parameters
    ----------
    seed : int
        Seed of the single ``numpy.random.Generator``; the same seed gives identical tables.
    fiscal_years : iterable of int
        Fiscal years to generate (each independently, same parameters).
    params : mapping, optional
        Overrides of ``DEFAULT_PARAMS`` keys (whole values); unknown keys raise ``ValueError``.
    programs : iterable of {"H-2A", "H-2B"}
    scale : float
        Multiplies the number of cases (``scale=0.1`` for fast tests).

    Returns
    -------
    SyntheticData
        ``cases`` (``schema.CASE_COLUMNS`` then ``recruiter``, ``recruiter_country``,
        ``planted_sex_preference``), ``workers`` (``schema.WORKER_COLUMNS``; one row per applicant;
        admitted workers have ``selected`` True and ``stage`` "admitted") and ``truth``.
    """
    p = _merge_params(params)
    programs = tuple(programs)
    bad = [x for x in programs if x not in schema.PROGRAMS]
    if bad:
        raise ValueError(f"unknown program(s) {bad}; allowed: {list(schema.PROGRAMS)}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    fiscal_years = tuple(int(y) for y in fiscal_years)
    rng = np.random.default_rng(seed)
    socs = {s for prog in programs for s in p["soc_mix"][prog]}
    bench = _benchmark_shares(sorted(socs), p["benchmark_year"])
    case_parts, worker_parts, alphas = [], [], {}
    for fy in fiscal_years:
        for program in programs:
            cases = _cases_for(rng, program, fy, p, bench, scale)
            workers, alpha = _workers_for(rng, cases, p, bench)
            case_parts.append(cases)
            worker_parts.append(workers)
            alphas[f"{program} {fy}"] = alpha
    cases = pd.concat(case_parts, ignore_index=True)
    workers = pd.concat(worker_parts, ignore_index=True)
    truth = _Truth({
        "women_share": dict(p["women_share"]),
        "channelling_log_odds": dict(p["channelling_log_odds"]),
        "selection_odds_ratio": p["selection_odds_ratio"],
        "recruiter_exclusion": dict(p["recruiter_exclusion"]),
        "wage_penalty_log": p["wage_penalty_log"],
        "sex_preference_cases": sorted(cases.loc[cases["planted_sex_preference"].notna(), "case_number"]),
        "program_intercepts": alphas,
        "benchmark_shares": bench,
        "benchmark_year": p["benchmark_year"],
        "seed": seed, "fiscal_years": list(fiscal_years), "programs": list(programs), "scale": scale,
        "params": p,
    })
    cases = schema.conform(cases, schema.CASE_COLUMNS, name="synthetic cases")
    workers = schema.conform(workers, schema.WORKER_COLUMNS, name="synthetic workers")
    for df in (cases, workers):
        df.attrs["synthetic"] = True
        df.attrs["truth"] = truth
        df.attrs["source"] = f"toolkit.synth.generate(seed={seed}, fiscal_years={list(fiscal_years)})"
    return SyntheticData(cases=cases, workers=workers, truth=truth)


#: H-2B Appendix C (foreign labor recruiters) comes with the 2019 forms: fiscal year 2020 onward.
APPENDIX_C_FIRST_YEAR = 2020
_COUNTRY_NAMES = {"MEX": "MEXICO", "GTM": "GUATEMALA", "JAM": "JAMAICA", "ZAF": "SOUTH AFRICA"}


def appendix_c(cases: pd.DataFrame) -> pd.DataFrame:
    """The synthetic cases' recruiters in the shape of H-2B Appendix C (``dol.read_recruiters``).

    One row per H-2B case of fiscal year ``APPENDIX_C_FIRST_YEAR`` or later (the years DOL
    publishes Appendix C for): ``case_number``, ``recruiter_name`` (the case's fictitious
    recruiter), ``recruiter_city``, ``recruiter_state``, ``recruiter_province`` (NA: the generator
    invents no places), ``recruiter_country`` (country name, upper case, as DOL writes it).
    Deterministic (no random draw): the same cases give the same table, and ``generate`` is
    unchanged. Marked synthetic.

    >>> d = generate(seed=1, fiscal_years=(2019, 2020), programs=("H-2B",), scale=0.02)
    >>> rec = appendix_c(d.cases)
    >>> len(rec) == int((d.cases["fiscal_year"] >= 2020).sum()), schema.is_synthetic(rec)
    (True, True)
    """
    missing = [c for c in ("program", "fiscal_year", "case_number", "recruiter", "recruiter_country") if c not in cases]
    if missing:
        raise KeyError(f"cases: column(s) {missing} missing; appendix_c needs synth.generate cases")
    h2b = cases[(cases["program"] == "H-2B") & (cases["fiscal_year"] >= APPENDIX_C_FIRST_YEAR)]
    na = pd.Series(pd.NA, index=h2b.index, dtype="string")
    out = pd.DataFrame({"case_number": h2b["case_number"].astype("string"),
                        "recruiter_name": h2b["recruiter"].astype("string"),
                        "recruiter_city": na, "recruiter_state": na, "recruiter_province": na,
                        "recruiter_country": h2b["recruiter_country"].map(_COUNTRY_NAMES).astype("string")})
    return schema.mark_synthetic(out.reset_index(drop=True), cases)


def describe(truth: Mapping, lang: str = "en") -> str:
    """Plain-text summary of the planted effects (for notebooks and report provenance)."""
    if lang not in ("en", "es"):
        raise ValueError(f"lang must be 'en' or 'es', got {lang!r}")
    shares = ", ".join(f"{k} {v:.0%}" for k, v in truth["women_share"].items())
    chan = ", ".join(f"{k} {v:+.1f}" for k, v in sorted(truth["channelling_log_odds"].items()))
    rec = ", ".join(f"{k} x{v}" for k, v in truth["recruiter_exclusion"].items())
    if lang == "es":
        return (f"{SYNTHETIC_LABEL['es']} (semilla {truth['seed']}). Efectos plantados: proporción de "
                f"mujeres admitidas {shares}; canalización (log-momios por SOC frente a la referencia) "
                f"{chan}; razón de momios de selección mujeres/hombres {truth['selection_odds_ratio']}; "
                f"exclusión por reclutador {rec}; penalización salarial (log) {truth['wage_penalty_log']}; "
                f"{len(truth['sex_preference_cases'])} ofertas con preferencia de sexo explícita.")
    return (f"{SYNTHETIC_LABEL['en']} (seed {truth['seed']}). Planted effects: women's share of admitted "
            f"workers {shares}; channelling (log odds by SOC relative to the benchmark) {chan}; "
            f"selection odds ratio women/men {truth['selection_odds_ratio']}; recruiter exclusion "
            f"{rec}; log wage penalty {truth['wage_penalty_log']}; "
            f"{len(truth['sex_preference_cases'])} job orders with an explicit sex preference.")
