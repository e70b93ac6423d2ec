"""Write data_catalog/*.yaml: one entry per source (DOL program x fiscal year, companions, BLS, Census, boundaries).

    python tools/build_catalog.py [--shared ../shared/data]

sha256 values are computed from the archived files in ../shared/data/dol when present (byte-for-byte
copies of the published files); other DOL years carry sha256: null and url_verified: false until
someone downloads and checks them. Re-running is idempotent.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from toolkit.checksum import sha256_file  # noqa: E402
from toolkit.releases import release_from_name  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data_catalog"
OFLC = "https://www.dol.gov/sites/dolgov/files/ETA/oflc/pdfs/"
ARCHIVE = "https://github.com/BuzzFeedNews/H-2-certification-data/raw/master/data/raw/"
TRLA = "https://github.com/TRLegalAid/trla-H2Data-backend"
LICENSE = "US Government work, public domain"
PUBLISHER = "US Department of Labor, Employment and Training Administration, Office of Foreign Labor Certification"

#: files archived in ../shared/data/dol: name -> (program, fiscal year, kind, layout, quirks)
SHARED = {
    "H-2B_FY2000.csv": ("H-2B", 2000, "dol-disclosure", "legacy-h2b-csv", ["Occ_Code is a DOT code, not SOC; Num_Aliens is the number on the application"]),
    "H-2B_FY2003.csv": ("H-2B", 2003, "dol-disclosure", "legacy-h2b-csv", ["Occ_Code is a DOT code, not SOC"]),
    "H2a_FY2006.csv": ("H-2A", 2006, "dol-disclosure", "legacy-h2a-csv", ["header misspelling Nbr_Workers_Requsted", "no worksite state"]),
    "H2A_FY2008.xlsx": ("H-2A", 2008, "dol-disclosure", "nbr-2007", ["no SOC codes", "sub-applications repeat the master case number"]),
    "H-2B_FY2008.xlsx": ("H-2B", 2008, "dol-disclosure", "nbr-2007", ["no SOC codes"]),
    "H-2B_FY2011.xlsx": ("H-2B", 2011, "dol-disclosure", "nbr-2007", ["DOT and SOC codes both present"]),
    "H2A_FY2013.xls": ("H-2A", 2013, "dol-disclosure", "nbr-2007", ["legacy .xls", "no SOC codes"]),
    "H-2B_FY2013.xls": ("H-2B", 2013, "dol-disclosure", "nbr-2007", ["legacy .xls", "header misspelling PREVIALING_WAGE"]),
    "H-2A_FY14_Q4.xlsx": ("H-2A", 2014, "dol-disclosure", "fy2014", ["SOC_CODE_ID header", "cumulative quarterly release; Q4 is the full year"]),
    "H-2B_FY14_Q4.xlsx": ("H-2B", 2014, "dol-disclosure", "fy2014", ["RECENT_DECISION_DATE header", "PREVIALING_WAGE misspelling", "cumulative quarterly release"]),
    "H-2A_Disclosure_Data_FY15_Q4.xlsx": ("H-2A", 2015, "dol-disclosure", "icert-2015", ["cumulative quarterly release; Q4 is the full year"]),
    "H-2B_Disclosure_Data_FY15_Q4.xlsx": ("H-2B", 2015, "dol-disclosure", "icert-2015", ["cumulative quarterly release"]),
    "H-2A_Disclosure_Data_FY17.xlsx": ("H-2A", 2017, "dol-disclosure", "icert-2015", ["PRIMARY/SUB column: sub rows repeat the master's workers"]),
    "H-2B_Disclosure_Data_FY17.xlsx": ("H-2B", 2017, "dol-disclosure", "icert-2015", ["SOC_NAME and PAY_RANGE_UNIT headers"]),
    "H-2A_FY2020_Q3_extract.xlsx": ("H-2A", 2020, "dol-disclosure", "form-2019", ["TOTAL_WORKERS_H-2A_* headers with a hyphen (FY2021+ drop it)", "extract archived by TRLegalAid/trla-H2Data-backend", "cumulative quarterly release"]),
    "H2B_Disclosure_Data_FY2021_Q1.xlsx": ("H-2B", 2021, "dol-disclosure", "form-2019", ["Q1 release: a partial year", "statuses with (Returned)"]),
    "H-2A_Disclosure_Data_FY2022_Q1.xlsx": ("H-2A", 2022, "dol-disclosure", "form-2019", ["Q1 release: a partial year"]),
    "H-2A_Addendum_A_Disclosure_Data_FY2022_Q1.xlsx": ("H-2A", 2022, "dol-companion", "addendum-a-crops", ["crops and activities per case"]),
    "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx": ("H-2A", 2022, "dol-companion", "addendum-b-worksites", ["worksites per case"]),
    "H-2A_Addendum_B_Housing_FY2022_Q1.xlsx": ("H-2A", 2022, "dol-companion", "addendum-b-housing", ["housing per case"]),
    "H2B_Appendix_A_FY2021_Q1.xlsx": ("H-2B", 2021, "dol-companion", "appendix-a-worksites", ["worksites per case"]),
    "H2B_Appendix_C_FY2021_Q1.xlsx": ("H-2B", 2021, "dol-companion", "appendix-c-recruiters", ["foreign labor recruiters per case; recruiter person names are not carried into outputs"]),
    "H2B_Appendix_D_FY2021_Q1.xlsx": ("H-2B", 2021, "dol-companion", "appendix-d-clients", ["employer-client information"]),
}


#: where a published file name is corroborated (none of these is a download by this project)
NAME_SOURCES = {
    "buzzfeed": "BuzzFeedNews/H-2-certification-data, data/raw: files saved under the names linked from the "
                "OFLC performance-data page (scripts/fetch-oflc-recent-data.py)",
    "doleta": "the same name under OFLC's former site foreignlaborcert.doleta.gov/docs (public analysis "
              "scripts, 2016)",
    "scripts": "public download scripts and READMEs indexing the OFLC performance-data page (2025-2026)",
}

#: (program, fiscal year) -> (published file name, corroborating sources) for years not archived in
#: ../shared. Quarterly releases are cumulative; the name is the year's most complete release.
OFFICIAL = {
    ("H-2A", 2009): ("H2A_FY2009.xlsx", ["buzzfeed", "doleta", "scripts"]),
    ("H-2A", 2010): ("H-2A_FY2010.xlsx", ["buzzfeed", "doleta", "scripts"]),
    ("H-2A", 2011): ("H-2A_FY2011.xlsx", ["doleta", "scripts"]),
    ("H-2A", 2012): ("H-2A_FY2012.xlsx", ["doleta", "scripts"]),
    ("H-2A", 2016): ("H-2A_Disclosure_Data_FY16_updated.xlsx", ["buzzfeed", "scripts"]),
    ("H-2A", 2018): ("H-2A_Disclosure_Data_FY2018_EOY.xlsx", ["scripts"]),
    ("H-2A", 2019): ("H-2A_Disclosure_Data_FY2019.xlsx", ["buzzfeed", "scripts"]),
    ("H-2A", 2020): ("H-2A_Disclosure_Data_FY2020.xlsx", ["scripts"]),
    ("H-2A", 2021): ("H-2A_Disclosure_Data_FY2021.xlsx", ["scripts"]),
    ("H-2A", 2022): ("H-2A_Disclosure_Data_FY2022_Q4.xlsx", ["scripts"]),
    ("H-2A", 2023): ("H-2A_Disclosure_Data_FY2023_Q4.xlsx", ["scripts"]),
    ("H-2A", 2024): ("H-2A_Disclosure_Data_FY2024_Q4.xlsx", ["scripts"]),
    ("H-2A", 2025): ("H-2A_Disclosure_Data_FY2025_Q4.xlsx", ["scripts"]),
    ("H-2B", 2009): ("H-2B_FY2009.xlsx", ["buzzfeed", "doleta"]),
    ("H-2B", 2010): ("H-2B_FY2010.xlsx", ["doleta"]),
    ("H-2B", 2012): ("H-2B_FY2012.xlsx", ["doleta"]),
    ("H-2B", 2016): ("H-2B_Disclosure_Data_FY16.xlsx", ["buzzfeed"]),
    ("H-2B", 2018): ("H-2B_Disclosure_Data_FY2018_EOY.xlsx", ["buzzfeed", "scripts"]),
    ("H-2B", 2019): ("H-2B_Disclosure_Data_FY2019.xlsx", ["buzzfeed", "scripts"]),
    ("H-2B", 2020): ("H2B_Disclosure_Data_FY2020.xlsx", ["scripts"]),
    ("H-2B", 2021): ("H-2B_Disclosure_Data_FY2021.xlsx", ["scripts"]),
    ("H-2B", 2022): ("H-2B_Disclosure_Data_FY2022_Q4.xlsx", ["scripts"]),
    ("H-2B", 2023): ("H-2B_Disclosure_Data_FY2023_Q4.xlsx", ["scripts"]),
    ("H-2B", 2024): ("H-2B_Disclosure_FY2024_Q4.xlsx", ["scripts"]),
    ("H-2B", 2025): ("H-2B_Disclosure_Data_FY2025_Q4.xlsx", ["scripts"]),
}
LAST_FY = 2025


def release(name: str) -> str:
    """'Q1'..'Q4' for a quarterly (cumulative) release, 'full year' otherwise."""
    return release_from_name(name)


def era(year: int, program: str) -> str:
    if year <= 2006:
        return "legacy-h2b-csv" if program == "H-2B" else "legacy-h2a-csv"
    if year <= 2013:
        return "nbr-2007"
    if year == 2014:
        return "fy2014"
    if year <= 2019:
        return "icert-2015"
    return "form-2019"


def sha256(path: Path) -> str:
    return sha256_file(path)


def entries(shared: Path | None) -> list[dict]:
    out = []
    for name, (program, fy, kind, layout, quirks) in SHARED.items():
        path = shared / "dol" / name if shared else None
        slug = name.rsplit(".", 1)[0].lower().replace("_", "-")
        extract = "extract" in name
        converted = name.endswith(".csv")  # OFLC published these years as Access databases (flcdatacenter.com)
        if converted:
            quirks = quirks + ["CSV converted by BuzzFeed News from the OFLC Access database (scripts/"
                               "fetch-oflc-archived-data.py); the URL is that archive, not an OFLC file"]
        entry = {
            "id": f"dol-{slug}", "kind": kind, "title": f"{program} {'disclosure data' if kind == 'dol-disclosure' else 'companion file'}, FY{fy} ({name})",
            "publisher": PUBLISHER, "url": TRLA if extract else ARCHIVE + name if converted else OFLC + name,
            "url_verified": False,
            "archive_url": TRLA if extract else ARCHIVE + name,
            "file_name": name, "program": program, "fiscal_year": fy, "release": release(name), "layout": layout,
            "sheet": None, "sha256": sha256(path) if path and path.exists() else None,
            "license": LICENSE, "quirks": quirks + ["sha256 of the archived copy in ../shared/data/dol"],
        }
        if extract:  # not an OFLC file: an extract kept in TRLA's repository, no direct download
            entry["direct_download"] = False
        out.append(entry)
    complete = {(e["program"], e["fiscal_year"]) for e in out
                if e["kind"] == "dol-disclosure" and e["release"] in ("Q4", "full year")}
    for program, first in (("H-2A", 2006), ("H-2B", 2000)):
        for fy in range(first, LAST_FY + 1):
            if (program, fy) in complete:
                continue
            name, sources = OFFICIAL.get((program, fy), (None, []))
            if name is None:
                name = f"{program}_Disclosure_Data_FY{fy}.xlsx" if fy >= 2015 else f"{program}_FY{fy}.xlsx"
                quirks = ["file name and URL follow the OFLC pattern but were not verified offline; check the OFLC "
                          "performance-data page (https://www.dol.gov/agencies/eta/foreign-labor/performance)"]
            else:
                quirks = ["published file name corroborated by: " + "; ".join(NAME_SOURCES[k] for k in sources),
                          "not downloaded by this project (no network here): sha256 unknown until someone does"]
            out.append({
                "id": f"dol-{program.lower()}-fy{fy}", "kind": "dol-disclosure",
                "title": f"{program} disclosure data, FY{fy}", "publisher": PUBLISHER, "url": OFLC + name,
                "url_verified": False, "name_corroborated": bool(sources), "file_name": name, "program": program,
                "fiscal_year": fy, "release": release(name), "layout": era(fy, program), "sheet": None, "sha256": None,
                "license": LICENSE, "quirks": quirks,
            })
    out += [
        {"id": f"bls-cps-table11-{y}", "kind": "bls-cps11", "title": f"CPS annual averages {y}, Table 11: Employed persons by detailed occupation, sex, race, and Hispanic or Latino ethnicity",
         "publisher": "US Bureau of Labor Statistics", "url": f"https://www.bls.gov/cps/aa{y}/cpsaat11.xlsx", "url_verified": False,
         "file_name": f"cpsaat11_{y}.xlsx", "program": None, "fiscal_year": None, "year": y, "layout": "flattened one-row header" if y == 2021 else "two-row header",
         "sheet": None, "sha256": sha256(shared / "benchmarks" / f"cpsaat11_{y}.xlsx") if shared and (shared / "benchmarks" / f"cpsaat11_{y}.xlsx").exists() else None,
         "license": LICENSE, "quirks": ["a dash marks estimates not shown (base under 50,000)", "derived table shipped as toolkit/data/cps11_women_share_by_soc.csv"]}
        for y in (2021, 2022)
    ]
    cw = "2018-occupation-code-list-and-crosswalk.xlsx"
    out.append({"id": "census-occupation-crosswalk-2018", "kind": "census-crosswalk", "title": "2018 Census occupation code list with 2018 SOC codes, and the 2010-2018 crosswalk",
                "publisher": "US Census Bureau", "url": f"https://www2.census.gov/programs-surveys/demo/guidance/industry-occupation/{cw}",
                "url_verified": False, "file_name": cw, "program": None, "fiscal_year": None, "layout": "census-2018", "sheet": None,
                "sha256": sha256(shared / "benchmarks" / cw) if shared and (shared / "benchmarks" / cw).exists() else None,
                "license": LICENSE, "quirks": ["Census codes map to SOC codes with X wildcards (e.g. 45-20XX)"]})
    out.append({"id": "boundaries-us-states-plotly-geo", "kind": "boundaries", "title": "US states (Census 2016 cartographic boundaries) bundled in the plotly-geo package",
                "publisher": "US Census Bureau, via the plotly-geo PyPI package", "url": "https://pypi.org/project/plotly-geo/", "url_verified": True,
                "file_name": "cb_2016_us_state_500k.shp", "program": None, "fiscal_year": None, "layout": "shapefile (NAD83, no .prj: EPSG:4269)",
                "sheet": None, "sha256": None, "license": LICENSE, "quirks": ["installed with the toolkit; no download"]})
    out.append({"id": "boundaries-mexico-states-libpysal", "kind": "boundaries", "title": "Mexico's 32 states (mexicojoin.shp) bundled in libpysal's examples",
                "publisher": "PySAL developers (libpysal), from INEGI boundaries", "url": "https://pypi.org/project/libpysal/", "url_verified": True,
                "file_name": "mexicojoin.shp", "program": None, "fiscal_year": None, "layout": "shapefile", "sheet": None, "sha256": None,
                "license": "BSD-3-Clause (libpysal); boundaries from INEGI", "quirks": ["installed with the toolkit; no download"]})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    shared = args.shared if args.shared.is_dir() else None
    for old in OUT.glob("*.yaml"):
        old.unlink()
    items = entries(shared)
    for e in items:
        (OUT / f"{e['id']}.yaml").write_text(yaml.safe_dump(e, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"wrote {len(items)} entries to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
