"""toolkit.site: entity profiles, the search index, the SVG map and the written static site."""
from __future__ import annotations

import doctest
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import numpy as np
import pandas as pd
import pytest

from toolkit import i18n, site, synth

ALL_52 = set(site.MAP_STATES)


def _cases(rows: list[dict]) -> pd.DataFrame:
    base = {"program": "H-2B", "fiscal_year": 2020, "case_number": None, "is_certified": True, "is_duplicate": False,
            "employer_name": None, "employer_state": "TX", "employer_city": "Laredo", "agent_name": pd.NA,
            "workers_requested": 10, "workers_certified": 10, "worksite_state": "TX", "worksite_city": "Laredo",
            "soc_code": "45-2092", "soc_title": "Farmworkers and Laborers, Crop, Nursery, and Greenhouse",
            "wage_hourly": 12.0, "source_file": "test.xlsx"}
    df = pd.DataFrame([{**base, **r} for r in rows])
    return df.astype({"fiscal_year": "Int64", "workers_certified": "Int64", "wage_hourly": "Float64",
                      "is_certified": "boolean", "is_duplicate": "boolean"})


BENCH = pd.DataFrame({"soc_code": ["45-2092", "37-3011"], "women_share": [0.25, 0.1]})


def test_doctests():
    from toolkit import directory
    from toolkit.site import content, map as site_map, pages, search

    results = [doctest.testmod(m) for m in (site, content, pages, search, site_map, directory)]
    assert sum(r.attempted for r in results) >= 4 and not any(r.failed for r in results)


def test_site_text_comes_from_the_one_catalogue():
    assert site.text("nav_employers", "es") == i18n.t("nav_employers", "es") == "Empleadores"
    with pytest.raises(KeyError, match="no text 'nope'"):
        site.text("nope", "es")
    with pytest.raises(ValueError, match="lang must be one of"):
        site.text("home", "fr")


def test_fold_and_identity_merge_spellings_within_a_state_only():
    assert site.fold("  GONZÁLEZ  Farms, L.L.C. ") == "gonzalez farms l l c"
    df = pd.DataFrame({"employer_name": ["GONZALEZ FARMS, LLC", "Gonzalez Farms", "González Farms Inc.",
                                         "Gonzalez Farms", None],
                       "employer_state": ["TX", "TX", "TX", "NM", "TX"]})
    ids = site.employer_identity(df)
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert pd.isna(ids[4])


def test_drop_contacts_keeps_only_profile_columns_and_blanks_emails_and_phones():
    df = _cases([{"case_number": "H-1", "employer_name": "Acme Farms", "agent_name": "Law Firm LLC, jo@law.com",
                  "EMPLOYER_POC_EMAIL": "boss@acme.com", "EMPLOYER_POC_LAST_NAME": "Perez",
                  "EMPLOYER_PHONE": "+1 (956) 555-0134"},
                 {"case_number": "H-2", "employer_name": "Beta Co", "agent_name": "call 956-555-0199"}])
    from toolkit import directory

    out, dropped, blanked = directory.contacts_dropped(df)
    pd.testing.assert_frame_equal(out, site.drop_contacts(df))
    assert set(out.columns) <= set(site.PROFILE_COLUMNS)
    assert {"EMPLOYER_POC_EMAIL", "EMPLOYER_POC_LAST_NAME", "EMPLOYER_PHONE"} <= set(dropped)
    assert out["agent_name"].tolist()[0] == "Law Firm LLC"
    assert out["agent_name"].tolist()[1] == "call"
    assert blanked == 2


def test_employer_profiles_hand_computed():
    df = _cases([
        {"case_number": "A1", "employer_name": "GONZALEZ FARMS, LLC", "workers_certified": 20, "wage_hourly": 12.0},
        {"case_number": "A2", "employer_name": "Gonzalez Farms", "fiscal_year": 2021, "workers_certified": 10,
         "wage_hourly": 14.0, "worksite_city": "Hebbronville"},
        {"case_number": "A3", "employer_name": "Gonzalez Farms", "fiscal_year": 2021, "workers_certified": 5,
         "is_certified": False, "wage_hourly": 30.0},                      # denied: no positions
        {"case_number": "A3", "employer_name": "Gonzalez Farms", "fiscal_year": 2021, "workers_certified": 7,
         "is_duplicate": True, "wage_hourly": 14.0},                       # sub row: counted in the master
        {"case_number": "B1", "employer_name": "Lawn Pros", "soc_code": "37-3011", "soc_title": "Landscapers",
         "workers_certified": 30, "wage_hourly": 15.5},
    ])
    prof = site.employer_profiles(df, benchmark=BENCH)
    emp = prof.employers.set_index("name")
    assert list(emp.index) == ["Gonzalez Farms", "Lawn Pros"]            # most frequent spelling, sorted
    g = emp.loc["Gonzalez Farms"]
    assert g["positions_certified"] == 30 and g["cases"] == 3 and g["years"] == [2020, 2021]
    assert g["names"] == "Gonzalez Farms; GONZALEZ FARMS, LLC"
    assert g["expected_women"] == pytest.approx(30 * 0.25)
    assert emp.loc["Lawn Pros", "expected_women"] == pytest.approx(3.0)
    pos = prof.positions.set_index(["employer_id", "fiscal_year"]).loc[(g["employer_id"], 2021)]
    assert int(pos["positions_certified"]) == 10
    assert pos["wage_min"] == 14.0 and pos["wage_max"] == 30.0              # wages offered, every case
    ws = prof.worksites[prof.worksites["employer_id"] == g["employer_id"]]
    assert sorted(ws["worksite_city"]) == ["Hebbronville", "Laredo"]
    assert prof.accounting["rows_without_employer"] == 0


def test_employer_profiles_takes_another_identity():
    df = _cases([{"case_number": "A1", "employer_name": "Old Name LLC"},
                 {"case_number": "A2", "employer_name": "New Name LLC", "fiscal_year": 2021}])
    prof = site.employer_profiles(df, identity=lambda c: pd.Series("same-employer", index=c.index), benchmark=BENCH)
    assert len(prof.employers) == 1 and prof.employers.loc[0, "positions_certified"] == 20
    with pytest.raises(ValueError, match="one id per case row"):
        site.employer_profiles(df, identity=lambda c: pd.Series(["x"]), benchmark=BENCH)


def test_recruiter_profiles_link_cases_to_employers():
    df = _cases([{"case_number": "C1", "employer_name": "Crab Co", "fiscal_year": 2021},
                 {"case_number": "C2", "employer_name": "Pine Inc", "fiscal_year": 2022}])
    rec = pd.DataFrame({"case_number": ["C1", "C2", "C9"],
                        "recruiter_name": ["Del Al Associates Inc.", "DEL AL ASSOCIATES, INC", "Other SA de CV"],
                        "recruiter_city": ["Tepic", "Boca del Rio", "Puebla"], "recruiter_country": ["MEXICO"] * 3,
                        "recruiter_province": [pd.NA, pd.NA, "N/A"]})
    emp = site.employer_profiles(df, benchmark=BENCH)
    prof = site.recruiter_profiles(rec, emp, df)
    r = prof.recruiters.set_index("name")
    assert len(r) == 2
    del_al = r.loc["DEL AL ASSOCIATES, INC"] if "DEL AL ASSOCIATES, INC" in r.index else r.loc["Del Al Associates Inc."]
    assert del_al["employers"] == 2 and del_al["years"] == [2021, 2022] and del_al["cases"] == 2
    assert "Tepic, Mexico" in del_al["places"]
    assert r.loc["Other SA de CV", "years"] == [] and "N/A" not in r.loc["Other SA de CV", "places"]
    assert prof.accounting["rows_without_case"] == 1


def test_search_index_folds_sorts_and_validates():
    t = pd.DataFrame({"name": ["Zeta", "Gonzáles Farm"], "kind": ["recruiter", "employer"], "states": ["MEXICO", "TX"],
                      "years": [[2021], [2015, 2016, 2022]], "url": ["recruiter/z.html", "employer/g.html"],
                      "aliases": ["Zeta", "GONZALES FARM; Gonzales Farm LLC"]})
    idx = site.search_index(t)
    assert idx["fields"] == ["name", "kind", "states", "years", "url", "words"]
    assert idx["rows"][0] == ["Gonzáles Farm", "employer", "TX", "2015-2022", "employer/g.html",
                              "gonzales farm | gonzales farm llc"]
    assert idx["rows"][1][5] == "zeta"
    js = site.search_index_script(idx)
    assert js.startswith("window.H2GENDER_INDEX = {") and js.rstrip().endswith(";")
    with pytest.raises(ValueError, match="kind must be one of"):
        site.search_index(t.assign(kind="person"))
    with pytest.raises(ValueError, match=r"rows \[1\] have no name"):
        site.search_index(t.assign(name=["Zeta", None]))


def test_map_svg_is_valid_xml_with_every_state_linked_and_small():
    svg = site.us_map_svg(names={"NY": "Nueva York"})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f"{ns}a")
    hrefs = {a.get("href") for a in links}
    assert hrefs == {f"state/{s}.html" for s in ALL_52}, "one link per state of the 50, DC and PR"
    assert len(ALL_52) == 52
    titles = {a.find(f"{ns}path").find(f"{ns}title").text for a in links}
    assert "Nueva York" in titles and "Texas" in titles and "Puerto Rico" in titles
    for a in links:
        d = a.find(f"{ns}path").get("d")
        assert re.fullmatch(r"(M[-\d.]+,[-\d.]+l[-\d., ]+z)+", d), f"{a.get('href')}: path data {d[:40]!r}"
    assert len(svg.encode()) < 60_000, f"map is {len(svg.encode())} bytes; the index page must stay small"
    assert site.us_map_svg() == site.us_map_svg(), "pure: same arguments, same string"
    with pytest.raises(ValueError, match="href must contain"):
        site.us_map_svg(href="state.html")


# ------------------------------------------------------------------------------------------------
# the written site
class _Refs(HTMLParser):
    """Collects what a page loads (scripts, styles, images, frames) and what it links to."""

    def __init__(self):
        super().__init__()
        self.loads, self.links, self.lang = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for key in ("src", "srcset", "poster", "data"):
            if a.get(key):
                self.loads.append(a[key])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag in ("image", "use", "feimage") and (a.get("href") or a.get("xlink:href")):
            self.loads.append(a.get("href") or a.get("xlink:href"))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("style") and "url(" in a["style"]:
            self.loads.append(a["style"])


class _TextNodes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts = []

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data)


def _parse(path: Path) -> _Refs:
    refs = _Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    data = synth.generate(3, (2019, 2020), scale=0.05)
    cases = data.cases
    extra = cases[cases["program"] == "H-2B"].iloc[[0]].assign(case_number="X1", employer_name="GONZALEZ FARMS LLC",
                                                                employer_state="GA", worksite_state="GA")
    cases = pd.concat([cases, extra], ignore_index=True)
    cases.attrs["synthetic"] = True
    rec = pd.DataFrame({"case_number": ["X1"], "recruiter_name": ["Reclutadora del Norte"],
                        "recruiter_city": ["Monterrey"], "recruiter_country": ["MEXICO"]})
    pages = site.build_pages(cases, recruiters=rec, provenance={"version": "0.1.0", "commit": "abc123",
                                                                 "command": "h2gender site --data synthetic"})
    out = tmp_path_factory.mktemp("site")
    files = site.write_site(pages, out)
    return out, files, pages


def test_site_layout_and_every_state_page(small_site):
    out, files, pages = small_site
    for lang in ("es", "en"):
        for rel in ("index.html", "about.html", "employers/index.html", "employers/1.html", "recruiters/index.html"):
            assert (out / lang / rel).exists(), f"{lang}/{rel} missing"
        assert {p.stem for p in (out / lang / "state").glob("*.html")} >= ALL_52
        n_emp = len(list((out / lang / "employer").glob("*.html")))
        assert n_emp == len(pages.employers.employers)
        assert len(list((out / lang / "recruiter").glob("*.html"))) == 1
    assert (out / "index.html").exists() and (out / "assets" / "search.js").exists()
    assert sorted(files) == files and all(p.exists() for p in files)


def test_every_relative_link_resolves_and_nothing_loads_from_the_network(small_site):
    out, files, _ = small_site
    for path in files:
        if path.suffix != ".html":
            continue
        refs = _parse(path)
        for ref in refs.loads:
            assert not re.match(r"(?i)\s*(https?:)?//", ref), f"{path.relative_to(out)} loads {ref!r} from the network"
        for href in refs.links:
            if re.match(r"(?i)https?://", href):
                continue  # a plain anchor the reader may follow (Contratados.org), never loaded
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.exists(), f"{path.relative_to(out)} links to {href!r}, which was not written"
    for path in (out / "assets").iterdir():
        body = path.read_text(encoding="utf-8")
        assert not re.search(r"(?i)(url\(\s*['\"]?(https?:)?//|@import|fetch\(|XMLHttpRequest|https?://)", body), \
            f"assets/{path.name} refers to the network"


def test_pages_carry_language_provenance_and_disclosure_rule(small_site):
    out, files, _ = small_site
    for lang in ("es", "en"):
        rule = site.text("disclosure_rule", lang, k=10, hidden=site.text("cell_hidden", lang))
        for path in (out / lang).rglob("*.html"):
            body = path.read_text(encoding="utf-8")
            assert _parse(path).lang == lang, f"{path}: lang attribute"
            assert rule.replace("“", "&ldquo;")[:60] in body or markupsafe.escape(rule)[:60] in body, f"{path}: no disclosure rule"
            assert "abc123" in body, f"{path}: no provenance (git commit)"
            assert site.text("synthetic_banner", lang) in body, f"{path}: synthetic data not labelled"
            other = "en" if lang == "es" else "es"
            rel = path.relative_to(out / lang).as_posix()
            assert f'{"../" * (rel.count("/") + 1)}{other}/{rel}' in body, f"{path}: no switch to the {other} page"


def test_worker_pages_have_plain_spanish_help_and_no_contacts(small_site):
    out, _, pages = small_site
    row = pages.employers.employers.set_index("name").loc["GONZALEZ FARMS LLC"]
    body = (out / "es" / "employer" / f"{row['slug']}.html").read_text(encoding="utf-8")
    assert "Qué no dicen estos datos" in body and "Dónde pedir ayuda" in body
    assert '<a href="https://contratados.org/">Contratados.org</a>' in body
    assert "Centro de los Derechos del Migrante" in body
    assert "Reclutadora del Norte" in body, "the employer page names its recruiter"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", body)


def test_site_output_is_deterministic(small_site, tmp_path):
    out, files, pages = small_site
    again = site.write_site(pages, tmp_path)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(out) for p in files]
    for a, b in zip(files, again):
        assert a.read_bytes() == b.read_bytes(), f"{a.relative_to(out)} differs between two writes"


def test_pages_are_small(small_site):
    out, files, _ = small_site
    sizes = {p: p.stat().st_size for p in files if p.suffix == ".html"}
    big = [p.relative_to(out).as_posix() for p, n in sizes.items() if n > 100_000]
    assert not big, f"pages over 100 KB: {big}"


def test_write_site_validates_languages(small_site, tmp_path):
    _, _, pages = small_site
    with pytest.raises(ValueError, match="lang must be one of"):
        site.write_site(pages, tmp_path, langs=("es", "fr"))
    with pytest.raises(ValueError, match="distinct"):
        site.write_site(pages, tmp_path, langs=("es", "es"))


# ------------------------------------------------------------------------------------------------
# real DOL files: no contact person, e-mail or phone reaches a page
_CONTACT_COLUMNS = ("EMPLOYER_POC_EMAIL", "ATTORNEY_AGENT_EMAIL_ADDRESS", "PREPARER_EMAIL", "EMAIL_TO_APPLY",
                    "EMPLOYER_PHONE", "EMPLOYER_POC_PHONE", "ATTORNEY_AGENT_PHONE", "PHONE_TO_APPLY")


def _ngrams(texts: list[str], n_max: int = 4) -> set[str]:
    """Every run of 1..n_max consecutive folded words inside one text node."""
    out = set()
    for t in texts:
        words = site.fold(t).split()
        for n in range(1, n_max + 1):
            out.update(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
    return out


@pytest.mark.realdata
def test_real_files_leave_no_contact_on_any_page(dol_dir, tmp_path):
    from toolkit import dol

    files = ["H2B_Disclosure_Data_FY2021_Q1.xlsx", "H-2A_Disclosure_Data_FY2022_Q1.xlsx"]
    cases = pd.concat([dol.read_disclosure(dol_dir / f) for f in files], ignore_index=True)
    recruiters = dol.read_recruiters(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx")
    pages = site.build_pages(cases, recruiters=recruiters)
    assert pages.recruiters.accounting["rows_without_case"] < len(recruiters)
    written = site.write_site(pages, tmp_path / "site", langs=("es",))
    nodes = _TextNodes()
    for p in written:
        if p.suffix == ".html" and p.name != "about.html":   # about.html lists file checksums
            nodes.feed(p.read_text(encoding="utf-8"))
    index = site.search_index(site.entity_table(pages.employers, pages.recruiters))
    nodes.texts += [field for row in index["rows"] for field in row[:4]] + [w for row in index["rows"]
                                                                            for w in row[5].split(" | ")]
    shown = _ngrams(nodes.texts)                    # word runs shown on some page
    assert "clary lake service" in shown, "the check must see the employer names that are on the pages"
    digits = {d for t in nodes.texts for d in re.findall(r"\d[\d\s().+-]{5,}\d", t)}
    digits = {re.sub(r"\D", "", d) for d in digits}
    emails = {m for t in nodes.texts for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", t)}
    assert not emails, f"e-mail addresses on pages: {sorted(emails)[:5]}"
    # a business name may hold a person's name ("Adaobi N Obasi", an agent firm "Chris Pooley LLC"):
    # those are published as the employer or agent, so a contact person who is also one is not a leak
    public = _ngrams(pd.concat([cases["employer_name"], cases["agent_name"], recruiters["recruiter_name"]])
                     .dropna().unique().tolist())
    checked = 0
    for f in files:
        raw = pd.read_excel(dol_dir / f, engine="calamine", dtype=str,
                            usecols=lambda c: c in _CONTACT_COLUMNS or c.startswith("EMPLOYER_POC_"))
        for col in [c for c in _CONTACT_COLUMNS if c in raw and "PHONE" in c]:
            for value in raw[col].dropna().unique():
                number = re.sub(r"\D", "", str(value))
                if len(number) >= 7:
                    assert not any(number in d for d in digits), f"{f}: {col} {value!r} appears in the site"
                    checked += 1
        people = raw["EMPLOYER_POC_FIRST_NAME"].fillna("") + " " + raw["EMPLOYER_POC_LAST_NAME"].fillna("")
        for person in set(people.map(site.fold)) - public:
            if " " in person:
                assert person not in shown, f"{f}: contact person {person!r} appears in the site"
                checked += 1
    raw = pd.read_excel(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx", engine="calamine", dtype=str,
                        usecols=["RECRUITER_FIRST_NAME", "RECRUITER_LAST_NAME"])
    people = raw["RECRUITER_FIRST_NAME"].fillna("") + " " + raw["RECRUITER_LAST_NAME"].fillna("")
    for person in set(people.map(site.fold)) - public:
        if " " in person:
            assert person not in shown, f"Appendix C: recruiter person {person!r} appears in the site"
            checked += 1
    assert checked > 1000, f"only {checked} contact values checked"


@pytest.mark.realdata
def test_tables_by_year_mark_partial_years(tmp_path, monkeypatch, dol_dir):
    """A Q1 file is three months, not a year: every table by fiscal year says which years are
    partial, with the months, next to the full years."""
    from toolkit import dataset, dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path / "data"))
    for name in ("H-2B_Disclosure_Data_FY17.xlsx", "H2B_Disclosure_Data_FY2021_Q1.xlsx"):
        path = dol_dir / name
        store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    data = dataset.load(dataset.Request.build(data="store", program="H-2B", fy="2017-2021", lang="en,es"))
    pages = site.build_pages(data.cases, release_coverage=data.coverage)
    site.write_site(pages, tmp_path / "site", langs=["en", "es"])
    for lang, months in (("en", "October 2020 to December 2020 *"), ("es", "octubre de 2020 a diciembre de 2020 *")):
        for page in ("index.html", "about.html", "state/TX.html"):
            body = html.unescape((tmp_path / "site" / lang / page).read_text(encoding="utf-8"))
            assert months in body, (lang, page)
            assert site.text("col_months", lang) in body
    # without release data (synthetic) the tables keep their columns
    plain = site.build_pages(data.cases)
    assert plain.releases is None


def test_page_rows_are_pandas_records():
    """The writer reads rows a column at a time (``pages._records``); the templates must get exactly
    what ``DataFrame.to_dict("records")`` gives: Python scalars, pandas' NA and NaN kept as missing,
    lists as they are."""
    from toolkit.site import pages

    frame = pd.DataFrame({"name": pd.array(["Á", None, "c"], dtype="string"), "n": pd.array([1, None, 3], dtype="Int64"),
                          "x": [1.5, float("nan"), 2.0], "k": [4, 5, 6], "years": [[2020], [], [2021, 2022]],
                          "flag": [True, False, True], "share": pd.array([0.5, None, 0.25], dtype="Float64"),
                          "ok": pd.array([True, None, False], dtype="boolean"), "obj": ["a", pd.NA, np.int64(7)],
                          "cat": pd.Categorical(["x", None, "y"]), "day": pd.to_datetime(["2021-10-01", None, "2022-01-01"])})
    got, expected = pages._records(frame), frame.to_dict("records")
    assert [list(r) for r in got] == [list(r) for r in expected]
    for g, e in zip(got, expected):
        for key in e:
            assert type(g[key]) is type(e[key]), (key, g[key], e[key])
            assert (g[key] is e[key]) or g[key] == e[key] or (pd.isna(g[key]) and pd.isna(e[key]))
    assert pages._records(frame.iloc[:0]) == []


def test_recruiter_places_join_the_parts_in_title_case():
    from toolkit import directory

    city = pd.Series(["MONTERREY", None, "Oaxaca", "MONTERREY"], dtype="string")
    province = pd.Series(["Nuevo León", None, pd.NA, "Nuevo León"], dtype="string")
    country = pd.Series(["MEXICO", "GUATEMALA", "MEXICO", "MEXICO"], dtype="string")
    assert directory._places(city, province, country) == [
        "Monterrey, Nuevo León, Mexico", "Guatemala", "Oaxaca, Mexico", "Monterrey, Nuevo León, Mexico"]
