"""toolkit.i18n: both locales complete, Spanish really Spanish, numbers formatted per locale."""
from __future__ import annotations

import re

import pytest

from toolkit import i18n

PROPER = {"locale", "language_name", "col_sha256", "all_programs", "word_no"}  # "no" is Spanish too


def test_same_keys_in_both_languages():
    assert set(i18n.strings("en")) == set(i18n.strings("es"))


def test_spanish_strings_are_translated():
    en, es = i18n.strings("en"), i18n.strings("es")
    same = [k for k in en if k not in PROPER and k != "soc_titles" and en[k] == es[k]]
    assert not same, f"untranslated Spanish strings: {same}"
    assert set(en["soc_titles"]) == set(es["soc_titles"])


def test_placeholders_match():
    en, es = i18n.strings("en"), i18n.strings("es")
    for key in en:
        if isinstance(en[key], str):
            assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", es[key])), key


def test_number_formats():
    assert i18n.fmt_number(12345.678, "es") == "12,345.7"  # es_MX style, as Mexican readers expect
    assert i18n.fmt_int(1234567, "en") == "1,234,567"
    assert i18n.fmt_percent(0.0312, "es") == "3.1%"
    assert i18n.fmt_number(float("nan"), "en") == "—"
    assert i18n.t("fewer_than", "es", k=10) == "menos de 10"
    with pytest.raises(KeyError, match="no text 'nope'"):
        i18n.t("nope", "en")
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.t("h_findings", "fr")


def test_soc_titles():
    assert i18n.soc_title("37-2012", "x", "es") == "Camaristas y personal de limpieza"
    assert i18n.soc_title("45-2092", None, "en").startswith("Farmworkers and laborers")
    assert i18n.soc_title("11-1011", "Chief executives", "es") == "Chief executives"


def test_missing_values_and_intervals():
    import pandas as pd

    assert i18n.fmt_int(pd.NA, "es") == i18n.fmt_percent(None, "en") == "—"
    assert i18n.fmt_ci(0.0312, 0.0455, "es", percent=True) == ("3.1%", "4.6%")
    assert i18n.fmt_ci(1234.56, 2345.67, "en", digits=0) == ("1,235", "2,346")


def test_english_titles_are_marked_in_spanish_only():
    assert i18n.soc_title("11-1011", "Chief executives", "es", mark_english=True) == "Chief executives *"
    assert i18n.soc_title("11-1011", "Chief executives", "en", mark_english=True) == "Chief executives"
    assert i18n.soc_title("37-2012", "x", "es", mark_english=True) == "Camaristas y personal de limpieza"
    assert i18n.soc_title("99-9999", None, "es", mark_english=True) == "99-9999"
    assert i18n.t("t_english_titles", "es").startswith(i18n.ENGLISH_MARK.strip())


def test_every_spanish_occupation_title_is_translated():
    en, es = i18n.strings("en")["soc_titles"], i18n.strings("es")["soc_titles"]
    same = [code for code in en if en[code] == es[code]]
    assert not same, f"Spanish titles identical to English: {same}"


# Common English job words that must not appear in a Spanish occupation title (whole words).
ENGLISH_JOB_WORDS = re.compile(r"\b(worker|workers|laborer|operator|cleaner|helper|and|of)\b", re.IGNORECASE)


def test_spanish_soc_titles_are_spanish():
    import pandas as pd
    from importlib import resources

    es, en = i18n.strings("es")["soc_titles"], i18n.strings("en")["soc_titles"]
    table = resources.files("toolkit").joinpath("data", "cps11_women_share_by_soc.csv")
    with table.open(encoding="utf-8") as f:
        cps = pd.read_csv(f, dtype=str, usecols=["soc_code", "soc_title"]).dropna()
    english: dict[str, set[str]] = {}
    for code, title in [*en.items(), *zip(cps["soc_code"], cps["soc_title"])]:
        english.setdefault(code, set()).add(title.strip().casefold())
    assert all(re.fullmatch(r"\d\d-\d{4}", code) for code in es), "SOC codes are NN-NNNN strings"
    empty = [code for code, title in es.items() if not isinstance(title, str) or not title.strip()]
    assert not empty, f"empty Spanish SOC titles: {empty}"
    same = [code for code, title in es.items() if title.strip().casefold() in english.get(code, set())]
    assert not same, f"Spanish SOC titles equal to the English title: {same}"
    words = {code: title for code, title in es.items() if ENGLISH_JOB_WORDS.search(title)}
    assert not words, f"English job words in Spanish SOC titles: {words}"


@pytest.mark.realdata
def test_spanish_soc_titles_cover_real_dol_workers(dol_dir):
    """Spanish occupation titles cover at least 99% of the certified workers with a SOC code in the
    archived DOL disclosure files (every file in ../shared/data/dol except the Addendum/Appendix
    companions; sub-applications flagged ``is_duplicate`` are left out so each worker counts once)."""
    import pandas as pd

    from toolkit.dol import read_disclosure

    paths = sorted(p for p in dol_dir.iterdir() if p.suffix.lower() in {".csv", ".xlsx", ".xls"}
                   and not any(w in p.name.lower() for w in ("addendum", "appendix")))
    assert paths, f"no DOL disclosure files in {dol_dir}"
    parts = []
    for path in paths:
        df = read_disclosure(path)
        parts.append(df.loc[df["soc_code"].notna() & ~df["is_duplicate"].fillna(False).astype(bool),
                            ["soc_code", "workers_certified"]])
    cases = pd.concat(parts, ignore_index=True)
    workers = cases.groupby("soc_code")["workers_certified"].sum()
    assert workers.sum() > 0
    titled = workers[workers.index.isin(i18n.strings("es")["soc_titles"])].sum()
    share = titled / workers.sum()
    missing = workers[~workers.index.isin(i18n.strings("es")["soc_titles"])].sort_values(ascending=False)
    assert share >= 0.99, f"Spanish titles cover {share:.2%} of certified workers; largest missing: {missing.head(10).to_dict()}"
