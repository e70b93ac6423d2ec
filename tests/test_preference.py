"""toolkit.preference: sex references (stage 1), frames (stage 2), the writer corpora, the committed
score table, linear time on crafted input, and no flag on real DOL job-order text."""
from __future__ import annotations

import random
import string
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import language, preference
from toolkit.cli import scan as scan_cli

ROOT = Path(__file__).resolve().parents[1]
WRITERS = ROOT / "toolkit" / "data" / "recruitment_writers"


# ------------------------------------------------------------------------------------------------
# stage 1
@pytest.mark.parametrize("text,word,sex,kind", [
    ("Se buscan cipotas para el empaque", "cipotas", "F", "regional"),
    ("ocupo morros pa la pizca", "morros", "M", "regional"),
    ("SE NESESITAN OMBRES", "OMBRES", "M", "misspelled"),
    ("trabajo para mugeres", "mugeres", "F", "misspelled"),
    ("Se buscan barones de 20 a 40", "barones", "M", "misspelled"),  # a word, but varones by its spelling
    ("Looking for LADYS to pick crab", "LADYS", "F", "noun"),
    ("Se ocupan mujires pa la jaiba", "mujires", "F", "misspelled"),
    ("las muchachitas del pueblo", "muchachitas", "F", "diminutive"),
    ("Se solicitan empacadoras", "empacadoras", "F", "ftitle"),
    ("Ocupamos meseras con experiencia", "meseras", "F", "ftitle"),
    ("Buscamos a las recepcionistas", "recepcionistas", "F", "ftitle"),
    ("Salesgirls wanted", "Salesgirls", "F", "ftitle"),
    ("Sexo: M", "M", "M", "code"),
])
def test_references_find_the_sex_word(text, word, sex, kind):
    refs = preference.references([text])
    row = refs[refs["word"] == word]
    assert len(row) == 1, refs
    assert row[["sex", "kind"]].iloc[0].tolist() == [sex, kind]


@pytest.mark.parametrize("text", [
    "moras y fresas para el empaque",          # a fruit, not "morras"
    "Commercial mowers and leaf blowers",      # a consonant changed is not a misspelling of "mothers"
    "Recepcionistas para el hotel",            # -istas without a feminine determiner is not marked
    "Operar la cosechadora de fruta",          # a machine
    "in his sole discretion",                  # a pronoun without a sex-marked antecedent is generic
    "Lift up to 75 lbs (two man lift)",        # counts people
    "$.022 lb bag/10-man team",
    "Apple harvest: Granny Smith, Pink Lady, Fuji",  # a name
    "Foreman needed for the landscape crew",   # English -man titles are generic masculine
])
def test_no_reference_where_no_person_of_a_sex_is_named(text):
    assert preference.references([text]).empty or not preference.detect([text])["flag"].iloc[0]
    if text.startswith(("moras", "Commercial", "Recepcionistas", "Operar", "in his", "Lift", "$", "Apple")):
        assert preference.detect([text])["probability"].isna().iloc[0], "no reference at all"


def test_chunks_cover_the_text_at_spaces():
    text = ("palabra " * 1000).strip()
    chunks = preference._chunks(text)
    assert "".join(c for _, c in chunks) == text
    assert all(len(c) <= preference.CHUNK_CHARS for _, c in chunks) and len(chunks) >= 4
    assert all(c.endswith(" ") for _, c in chunks[:-1]), "cut after a space, never inside a word"


# ------------------------------------------------------------------------------------------------
# stage 2: frames, on texts of no labelled set
@pytest.mark.parametrize("text,sex", [
    ("Se requieren 3 varones para la poda, trabajo pesado", "M"),
    ("Women need not apply for the loading dock.", "M"),
    ("Solo muchachas solteras, sin hijos, para el hotel", "F"),
])
def test_preferences_are_flagged_with_the_preferred_sex(text, sex):
    found = language.detect_sex_preference([text])
    assert found["flag"].iloc[0] and found["preferred_sex"].iloc[0] == sex, found.T


@pytest.mark.parametrize("text", [
    "Regaderas separadas para hombres y mujeres en el campamento.",
    "The employer does not discriminate on the basis of sex, race or religion.",
    "Trabajo de pizca de manzana, pago por bin, vivienda gratis.",
])
def test_non_preferences_are_not_flagged(text):
    assert not language.detect_sex_preference([text])["flag"].iloc[0]


def test_detect_handles_empty_and_missing_texts():
    found = preference.detect(["", None, "   "])
    assert not found["flag"].any() and found["probability"].isna().all() and (found["start"] == -1).all()


def test_model_is_deterministic_and_decomposes_per_reference():
    data = preference.training_data()
    a, b = preference.fit(data), preference.fit(data)
    assert a.weights == b.weights and a.intercept == b.intercept
    feats = preference.featurize("Solo hombres para la pizca")
    assert a.score(feats) == pytest.approx(a.intercept + sum(a.weights.get(f, 0.0) for f in feats))


def test_cached_model_is_the_fit_and_a_changed_or_edited_file_is_fitted_again(tmp_path, monkeypatch):
    """``cached_fit`` reads back exactly what ``fit`` gives; a file of other training data, or one whose
    coefficients were edited (its sha256 no longer verifies), is never used: the model is fitted again."""
    import json

    data = preference.training_data()
    data = pd.concat([data[data["label"] == 1].head(60), data[data["label"] == 0].head(60)], ignore_index=True)
    fits = []
    real_fit = preference.fit
    monkeypatch.setattr(preference, "fit", lambda d, **kw: fits.append(len(d)) or real_fit(d, **kw))
    first = preference.cached_fit(data, tmp_path)
    again = preference.cached_fit(data, tmp_path)
    assert fits == [120] and again == first == real_fit(data)
    (path,) = tmp_path.glob("preference-*.json")
    assert json.loads(path.read_text())["key"]["training_sha256"] == preference.model_key(data)["training_sha256"]
    record = json.loads(path.read_text())
    feature = next(iter(record["model"]["weights"]))
    record["model"]["weights"][feature] += 1.0
    path.write_text(json.dumps(record))
    assert preference.cached_fit(data, tmp_path) == first and fits == [120, 120]
    other = data.assign(label=1 - data["label"])  # other training data: another key, another fit
    assert preference.load_model(path, key=preference.model_key(other)) is None
    assert preference.cached_fit(other, tmp_path).weights[feature] != first.weights[feature] and len(fits) == 3


# ------------------------------------------------------------------------------------------------
# the writer corpora
def test_writer_corpora_are_complete_and_valid():
    for w in "ABCDEF":
        d = preference.load_writer_set(WRITERS / f"writer_{w}.csv")
        assert len(d) == 400 and (d["writer"] == w).all() and d["id"].is_unique
        assert (d["lang"] == "en").sum() == 200
        assert set(d.loc[d["label"] == 1, "family"]) == set(preference.WRITER_FAMILIES[1])
    files = preference.writer_files()
    assert list(files) == list("ABCDEF")
    assert files["A"] == ["writer_A.csv", "sealed/writer_A_sealed.csv"] and files["D"] == ["writer_D.csv"]
    data = preference.training_data()
    assert set(data["writer"]) == {*"ABCDEF", "challenge", "job_order_blind", "dev", "blind"}
    assert (data["writer"] == "A").sum() == 520, "the spent sealed set joins its writer"
    assert len(data) == 6 * 400 + 3 * 120 + len(language.load_challenge_set()) + \
        len(language.load_job_order_blind_set()) + len(language.load_dev_set()) + len(language.load_blind_set())


@pytest.mark.parametrize("column,value,message", [
    ("label", "2", r"line 5: column 'label' is '2'; expected '0' or '1'"),
    ("lang", "pt", r"line 5: column 'lang' is 'pt'; expected 'en' or 'es'"),
    ("text", " ", r"line 5: column 'text' is empty"),
    ("family", "rumour", r"line 5: column 'family' is 'rumour'; expected for label 1 one of"),
    ("preferred_sex", "X", r"line 5: column 'preferred_sex' is 'X'; expected 'M' or 'F' or '' when label is 1"),
    ("id", "A0001", r"line 5: column 'id' repeats 'A0001'"),
])
def test_malformed_writer_rows_name_file_line_and_column(tmp_path, column, value, message):
    d = pd.read_csv(WRITERS / "writer_A.csv", dtype=str, keep_default_na=False)
    d.loc[3, column] = value
    path = tmp_path / "bad.csv"
    d.to_csv(path, index=False)
    with pytest.raises(ValueError, match=f"bad.csv {message}"):
        preference.load_writer_set(path)
    d.drop(columns="family").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['family'\]"):
        preference.load_writer_set(path)


# ------------------------------------------------------------------------------------------------
# scores
def test_score_table_counts_by_hand():
    d = pd.DataFrame({"writer": ["A"] * 4 + ["x"] * 2, "lang": ["en"] * 6, "family": ["f", "f", "g", "g", "f", "g"],
                      "label": [1, 1, 0, 0, 1, 0], "blind": [True, False, True, False, True, True]})
    t = preference.score_table(d, columns=("blind",)).set_index(["writer", "lang", "family"])
    a = t.loc[("A", "en", "all")]
    assert (a["tp"], a["fp"], a["fn"]) == (1, 1, 1) and a["precision"] == 0.5 and a["recall"] == 0.5
    assert pd.isna(t.loc[("A", "en", "g"), "recall"]), "no positives: recall undefined"
    assert t.loc[("new", "en", "all"), "n"] == 4 and t.loc[("all", "en", "all"), "n"] == 6


def test_committed_scores_state_the_blind_gap():
    sealed = (language._scores()["fit"] == "sealed").any()  # once the lead records one, scan states it
    assert language.headline_scores() == (("all", "sealed") if sealed else ("new", "blind"))
    perf = language.rules_performance("new", fit="blind")
    insample = language.rules_performance("new", fit="in_sample")
    assert list(perf.index) == ["en", "es"] and (perf["n"] == 3 * 260 + 3 * 200).all()
    assert language.score_writers("new", fit="blind") == 6
    # leave one writer out is the honest score: below the in-sample one, and what the report quotes
    assert (perf["f1"] < insample["f1"]).all()
    assert (perf["precision"] >= 0.95).all() and (perf["recall"] >= 0.90).all(), perf
    fam = language.family_table("new", fit="blind")
    assert fam["tp"].sum() == perf["tp"].sum() and set(fam["family"]) >= set(preference.WRITER_FAMILIES[1])
    with pytest.raises(ValueError, match="name must be one of"):
        language.rules_performance("sealed")
    with pytest.raises(ValueError, match="fit must be one of"):
        language.rules_performance(fit="guess")


def test_first_contact_scores_are_recorded_once():
    """Writers D, E and F scored by main's detector before it was revised on them (recorded_scores.csv)."""
    perf = language.rules_performance("all", fit="first_contact")
    assert (perf["n"] == 600).all() and language.score_writers("all", fit="first_contact") == 3
    # the numbers as scored at first contact (commit 5345c1c): the out-of-sample score of that detector
    assert perf.loc["en", ["tp", "fp", "fn"]].tolist() == [288, 13, 72]
    assert perf.loc["es", ["tp", "fp", "fn"]].tolist() == [301, 15, 59]
    assert set(language.family_table("D", fit="first_contact")["family"]) >= set(preference.WRITER_FAMILIES[1])
    lines = scan_cli.blind_score_lines("es", name="all", fit="first_contact")
    assert "1200" in lines[0] and "3 personas" in lines[0] and "revisarlo" in lines[0]


def test_a_recorded_sealed_set_becomes_what_scan_states(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    import score_sealed

    d = pd.read_csv(WRITERS / "writer_E.csv", dtype=str, keep_default_na=False).head(30)
    path = tmp_path / "writer_G.csv"
    d.assign(writer="G", family=d["family"] + "_g").to_csv(path, index=False)
    out = tmp_path / "recorded.csv"
    out.write_text((WRITERS / "recorded_scores.csv").read_text(encoding="utf-8"), encoding="utf-8")
    rows = score_sealed.record("sealed", [str(path)], out=out)
    assert set(rows["writer"]) == {"G", "all"} and (rows["fit"] == "sealed").all()
    every = pd.read_csv(out, dtype={"writer": str})
    assert set(every["fit"]) == {"first_contact", "sealed"}, "earlier records of another fit are kept"
    g = rows[(rows["writer"] == "G") & (rows["family"] == "all")].set_index("lang")
    label = d.assign(flag=language.detect_sex_preference(d["text"])["flag"].to_numpy())
    for code in ("en", "es"):
        part = label[label["lang"] == code]
        if len(part):
            assert g.loc[code, "tp"] == ((part["label"] == "1") & part["flag"]).sum()
    with pytest.raises(ValueError, match="--record must be one of"):
        score_sealed.record("guess", [str(path)], out=out)
    # once a sealed set is recorded, scan and the report state it, not leave one writer out
    before = language._scores()
    table = pd.concat([before[before["fit"] != "sealed"], every[every["fit"] == "sealed"]], ignore_index=True)
    monkeypatch.setattr(language, "_scores", lambda: table)
    assert language.headline_scores() == ("all", "sealed") and language.score_writers() == 1
    lines = scan_cli.blind_score_lines("en")
    assert lines[0].startswith("limit: measured once on 30 ") and "sealed set" in lines[0]
    assert "one writer" in lines[0] and "una persona" in scan_cli.blind_score_lines("es")[0]
    assert language.writers_words_key(3, "sealed") == "count_writers"
    assert language.writers_words_key(6, "blind") is None, "leave one writer out states a bare number"
    assert language.rules_performance(fit="blind")["n"].sum() == 2 * (3 * 260 + 3 * 200)


def test_threshold_is_chosen_on_blind_probabilities_by_hand():
    d = pd.DataFrame({"lang": ["en"] * 4 + ["es"] * 4, "label": [1, 1, 0, 0, 1, 1, 0, 0],
                      "blind_probability": [0.9, 0.5, 0.45, 0.1, 0.8, 0.62, 0.6, 0.2]})
    # en is clean from 0.5 up (0.45 is a false alarm below it); es needs 0.65 (0.6 is a false alarm):
    # at 0.65 es keeps 0.8 only, en keeps 0.9
    assert preference.choose_threshold(d) == 0.65
    # with a floor of 0.6 the lowest threshold already holds: 2/3 precision in each language at 0.30
    assert preference.choose_threshold(d, floor=0.6) == 0.3
    assert preference.choose_threshold(d, floor=1.01) == preference.THRESHOLD_GRID[-1], "none holds: the highest"


@pytest.mark.slow
def test_committed_score_table_matches_a_fresh_run():
    sys.path.insert(0, str(ROOT / "tools"))
    import build_preference_scores

    fresh = build_preference_scores.build()
    committed = pd.read_csv(WRITERS / "scores.csv", dtype={"writer": str})
    pd.testing.assert_frame_equal(fresh.reset_index(drop=True), committed, check_dtype=False, atol=1e-4)
    assert (WRITERS / "scores.md").read_text(encoding="utf-8") == build_preference_scores.markdown(committed)


def test_score_sealed_tool_scores_a_file_and_rejects_a_bad_one(tmp_path):
    d = pd.read_csv(WRITERS / "writer_B.csv", dtype=str, keep_default_na=False).head(40)
    good = tmp_path / "set.csv"
    d.assign(family=d["family"] + "_x").to_csv(good, index=False)  # any family name is accepted
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "score_sealed.py"), str(good)], capture_output=True,
                         text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert run.returncode == 0, run.stderr
    assert "precision" in run.stdout and "explicit_x" in run.stdout
    d.assign(lang="fr").to_csv(good, index=False)
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "score_sealed.py"), str(good)], capture_output=True,
                         text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert run.returncode != 0 and "line 2: column 'lang' is 'fr'" in run.stderr


# ------------------------------------------------------------------------------------------------
# linear time
def _crafted(n: int = 20_000) -> dict[str, str]:
    rng = random.Random(0)
    novel = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(6)) for _ in range(n // 6))
    near = " ".join("".join(rng.choice("mujeres") for _ in range(7)) for _ in range(n // 7))
    lines = {"sex_codes": "sex " + "m " * n, "gender_run": "gender" + "a" * n, "sexo_and": "sexo: " + "hombres y " * n,
             "sexo_spaces": "sexo" + " " * n + "x", "digits": "gender: " + "1-" * n,
             "phone_run": "sex " + "1 " * n + "a",
             "refs": "sex " + "men women " * n, "exclusions": "sexo " + "mujeres no " * n,
             "names": "Sexo " + "Sr. Juan " * n, "email": "sex " + "a.a" * n, "handles": "gender " + "@a" * n,
             "lift": "sex lift " + "lift 1 lbs " * n, "age": "sexo " + "18 a 45 " * n, "novel": "sexo " + novel,
             "near_misses": "sexo " + near, "quotes": 'sex "' + 'solo hombres" "' * n}
    return {k: v[:n] for k, v in lines.items()}


@pytest.mark.parametrize("name", sorted(_crafted(100)))
def test_a_crafted_20kb_line_scans_in_under_50ms(name):
    """The issue's bound: every scan of a 20 KB line under 50 ms, here the per-line work of
    ``h2gender scan`` (``language.scan_line``) with every cache emptied, the best of ten runs, timed in
    this thread's CPU time (``time.thread_time``: other processes on a loaded machine do not count
    against it, as they do against wall time; on an idle one the slowest line takes about 15 ms)."""
    text = _crafted()[name]
    assert len(text) == 20_000
    preference.default_model(), preference._automaton(), preference._common_words(), preference._key_index()
    best = float("inf")
    for _ in range(10):
        preference._REF_CACHE.clear()
        preference._features.cache_clear()
        t = time.thread_time()
        language.scan_line(text)
        best = min(best, time.thread_time() - t)
    assert best < 0.050, f"{name}: {best * 1000:.0f} ms"


_WORDS = st.sampled_from(["sex", "sexo", "gender", ":", "m", "f", "hombres", "mujeres", "no", "solo", "y", "only",
                          "men", "women", "OMBRES", "las", "meseras", "1", "-", "@", ".", '"', "Sr.", "Juan", "(956)"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=300), st.text(max_size=200))
def test_fuzz_any_text_gives_one_valid_row(words, noise):
    text = " ".join(words) + noise
    found = language.detect_sex_preference([text, noise])
    assert len(found) == 2 and found["flag"].dtype == bool
    assert set(found["preferred_sex"].dropna()) <= {"M", "F"}
    p = found["probability"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    lang, decision, coded, redacted = language.scan_line(text)
    assert isinstance(redacted, str) and decision[0] == found["flag"].iloc[0]


# ------------------------------------------------------------------------------------------------
# real job orders
_DOL_TEXT = {"H-2A_Disclosure_Data_FY2022_Q1.xlsx": ["JOB_TITLE", "SPECIAL_REQUIREMENTS", "CERTIFICATION_REQUIREMENTS",
                                                     "DRIVER_REQUIREMENTS", "LIFTING_REQUIREMENTS",
                                                     "ON_CALL_REQUIREMENT"],
             "H-2A_Addendum_A_Disclosure_Data_FY2022_Q1.xlsx": ["CROP_AGRICULTURAL_ACTIVITY",
                                                                "PIECE_RATE_UNITS_SPECIAL_PAY"],
             "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx": ["ADDITIONAL_PLACE_OF_EMPLOYMENT_INFORMATION"],
             "H2B_Disclosure_Data_FY2021_Q1.xlsx": ["JOB_TITLE", "SPECIAL_REQUIREMENTS"],
             "H2B_Appendix_A_FY2021_Q1.xlsx": ["ADDITIONAL_EMPLOYMENT_INFORMATION"]}


@pytest.mark.realdata
def test_no_flag_on_real_dol_job_order_text(dol_dir):
    """The requirement, duty, pay and place text of H-2A FY2022 Q1 (with its addenda A and B) and H-2B
    FY2021 Q1 (with appendix A): about 53,000 texts, none a sex preference (each flag found while
    building the detector was read and was a false alarm: "his sole discretion", "Pink Lady", "two
    man lift", "Gal. bucket", a machine "cosechadora", "nanny")."""
    from python_calamine import CalamineWorkbook

    texts = []
    for file, cols in _DOL_TEXT.items():
        book = CalamineWorkbook.from_path(str(dol_dir / file))
        rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
        header = [str(h) for h in rows[0]]
        missing = [c for c in cols if c not in header]
        assert not missing, f"{file}: no column {missing}"
        for c in cols:
            i = header.index(c)
            texts += [str(r[i]) for r in rows[1:] if str(r[i]).strip()]
    assert len(texts) > 40_000
    found = language.detect_sex_preference(pd.Series(texts))
    flagged = [t[:200] for t in pd.Series(texts)[found["flag"].to_numpy()]]
    assert flagged == [], flagged
