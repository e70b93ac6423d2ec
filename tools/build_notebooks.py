"""Write the notebooks in notebooks/ from the cell lists below (then run tools/run_notebooks.py).

Keeping the cells here makes review easy (one diff per change) and keeps every notebook in the
same shape: title and question, a `parameters` cell, a banner that says what the data are
(synthetic default or DOL files of the store), short cells that call `toolkit`, each followed by a
sentence on what it computes. Markdown cells are true whatever the data; what a result shows on
the data at hand is worded from its values by `toolkit.narrative` (an output, not a cell text),
and sentences about planted effects are produced only on synthetic data.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"

PARAMS = '''# Parameters (papermill can override them). data = "store" reads DOL files ingested with
# `h2gender data ingest`; worker-level cells then explain what the DOL data cannot show.
data = "synthetic"
program = "all"
fiscal_year = 2019
seed = 2019
lang = "en"
k = 10'''
# trends need several years: a range ("2019-2021") or a list ("2017,2021") of fiscal years
PARAMS_YEARS = PARAMS.replace("fiscal_year = 2019", 'fiscal_year = "2019-2021"')

SETUP = '''%matplotlib inline
import pandas as pd

from toolkit import dataset, figures, schema, synth

pd.set_option("display.precision", 4)
pd.set_option("display.width", 120)
request = dataset.Request.build(data=data, program=program, fy=fiscal_year, seed=seed, k=k, lang=lang)
ds = dataset.load(request)
cases, workers = ds.cases, ds.workers
print(synth.SYNTHETIC_LABEL[lang] if schema.is_synthetic(cases) else "DOL disclosure data (no worker sex)")
print(f"{len(cases):,} cases; worker records: {'none' if workers is None else f'{len(workers):,}'}")
source = figures.source_line(schema.is_synthetic(cases), lang=lang, seed=seed)'''

BANNER = '''from IPython.display import Markdown

# the banner says what the numbers below come from: the synthetic default, or the DOL files of the store
Markdown("> **Synthetic demonstration data.** With the default parameters every number below comes from "
         "`toolkit.synth` (planted effects, fictitious employers and recruiters). Set `data = \\"store\\"` "
         "to run on DOL files you have ingested." if ds.synthetic else
         "> **DOL disclosure data** from the store (files and releases: `ds.files`, `ds.coverage`). These files "
         "record no worker's sex: cells that need worker records say so. The text between cells says what each "
         "cell computes; what the results show is worded from the values computed on these files.")'''

NO_WORKERS = 'print("This section needs worker records with sex; DOL files have none.")'


def md(text):
    return nbf.v4.new_markdown_cell(text)


def code(text, tags=()):
    cell = nbf.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(title, question, cells, params=PARAMS):
    nb = nbf.v4.new_notebook()
    nb.cells = [md(f"# {title}\n\n{question}"), code(params, ["parameters"]), code(SETUP), code(BANNER), *cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


NOTEBOOKS = {
    "01_data_overview": notebook(
        "01 · What the data hold, and what they cannot show",
        "Which sources does the toolkit combine, what does each record, and why does no DOL file answer "
        "*how many H-2 workers are women*?",
        [
            md("## The DOL case table\nOne row per labor-certification case, harmonized across every layout "
               "era (`toolkit.dol`). Positions certified by program, duplicates (H-2A master/sub rows) excluded:"),
            code('from toolkit import analysis\n\nanalysis.certified_positions(cases, ["program"]).table'),
            md("The canonical columns and how complete they are in this table (share non-missing). "
               "There is no column for sex: DOL does not collect it."),
            code('cases[["soc_code", "worksite_state", "workers_certified", "wage_hourly", "requirements_text"]].notna().mean().round(3)'),
            code('"sex" in schema.CASE_COLUMNS'),
            md("## Layout eras the reader recognizes by their columns"),
            code('from toolkit import dol_layouts\n\npd.DataFrame([(lay.name, lay.description, ", ".join(lay.required)) '
                 'for lay in dol_layouts.LAYOUTS], columns=["layout", "description", "required fields"])'),
            md("## Where sex enters\n1. Worker records users bring (`toolkit.workers.read_worker_records`).\n"
               "2. Published shares, each with its citation:"),
            code('from toolkit import occupation_shares\n\noccupation_shares.published_shares()[["program", "fiscal_year", "population", "women_share"]]'),
            md("3. Benchmarks: women's share of each occupation in the US workforce (BLS CPS Table 11), "
               "with an approximate standard error:"),
            code('core = ["45-2092", "45-2093", "37-3011", "37-2012", "51-3022", "45-4011", "35-2021", "39-3091"]\n'
                 'bench = occupation_shares.women_share_by_soc(2022)\n'
                 'bench[bench["soc_code"].isin(core)][["soc_code", "cps_title", "women_share", "women_share_se", "match_level"]]'),
            md("## The data catalog\nEvery source the toolkit can download, with checksums where known:"),
            code('from toolkit import catalog\n\ncatalog.load_catalog().groupby("kind").size()'),
            md("**What the data cannot show.** DOL files say which jobs were certified, not who filled them. "
               "A shortfall of women against a benchmark is evidence about recruitment, not a count of women "
               "turned away; applicant pools abroad are not recorded anywhere public."),
        ]),
    "02_occupational_segregation": notebook(
        "02 · Occupational segregation",
        "How unevenly are women and men spread across the occupations H-2 employers certify, and how does "
        "that compare with the same occupations in the US workforce?",
        [
            code('from toolkit import analysis, narrative, occupation_shares, segregation\n\n'
                 'bench = occupation_shares.women_share_by_soc(2022)\n'
                 'expected = analysis.expected_counts(cases, bench, by=["soc_code"]).table.dropna(subset=["n"])\n'
                 'bench_seg = segregation.mutual_total(expected, "sex", "soc_code", "n")\n'
                 'bench_seg'),
            md("Segregation the H-2 job mix would carry if each occupation were staffed like the US workforce "
               "(M: mutual information; H: Theil's information index)."),
            code('if workers is None:\n    ' + NO_WORKERS + '\nelse:\n'
                 '    counts = analysis.worker_counts(workers, ["program", "worksite_state", "soc_code"]).table\n'
                 '    observed_seg = segregation.mutual_total(counts, "sex", "soc_code", "n", se=True, n_bootstrap=200, seed=seed)\n'
                 '    display(observed_seg)\n'
                 '    display(Markdown(narrative.segregation_vs_benchmark(observed_seg, bench_seg, lang=lang)))'),
            md("Observed segregation of admitted workers across occupations (worker records only), bias-corrected "
               "(Miller-Madow), with the noncentral chi-square interval that the coverage study chose (`sparse` "
               "says when the table has too few people per cell for it), set against the benchmark value above."),
            code('if workers is not None:\n'
                 '    display(segregation.occupational_indices(counts, "sex", "soc_code", "n", focal="F"))'),
            md("The labour-economics family of indices on the same counts (D, Karmel-MacLachlan IP, "
               "size-standardized D, Gini, Hutchens, Atkinson)."),
            code('if workers is not None:\n'
                 '    nested = segregation.mutual_total_nested(counts, "sex", ["program", "worksite_state", "soc_code"], "n")\n'
                 '    display(nested)\n'
                 '    display(Markdown(narrative.largest_component(nested, lang=lang)))'),
            md("Total segregation split into the part between programs, between worksite states within programs, "
               "and between occupations within program and state; the M terms sum to the total M."),
            code('if workers is not None:\n'
                 '    display(segregation.mutual_within(counts, "sex", "soc_code", "program", "n", wide=True).round(4))'),
            md("Within each program: M and H across occupations, the program's share of workers (p) and its "
               "sex mix's entropy relative to the whole (ent_ratio); sum(p M) is the within-program M."),
            code('if workers is not None:\n'
                 '    local = segregation.mutual_local(counts, "sex", "soc_code", "n", wide=True)\n'
                 '    display(local.sort_values("ls", ascending=False).head(5))\n'
                 '    titles = dict(zip(bench["soc_code"], bench["soc_title"]))\n'
                 '    display(Markdown(narrative.top_contributors(local, lang=lang, titles=titles)))'),
            md("Local segregation (ls) of each occupation and its share of workers (p); an occupation contributes "
               "p x ls to M."),
            code('if workers is not None:\n'
                 '    display(segregation.dissimilarity_expected(counts, "sex", "soc_code", "n", n_bootstrap=50, seed=seed))'),
            md("D expected under random allocation with these margins: the small-unit baseline."),
            code('if workers is not None and ds.synthetic:  # a second year of worker records: a fresh synthetic draw\n'
                 '    later = synth.generate(seed=seed + 1, fiscal_years=(fiscal_year + 1,))\n'
                 '    counts2 = analysis.worker_counts(later.workers, ["soc_code"]).table\n'
                 '    print(f"second year: synth.generate(seed={seed + 1}), synthetic FY{fiscal_year + 1}")\n'
                 '    display(segregation.mutual_difference(analysis.worker_counts(workers, ["soc_code"]).table, counts2, "sex", "soc_code", "n"))'),
            md("Change between two years of worker records, split into marginal and structural parts (Elbers 2023). "
               "Without worker records, notebook 07 decomposes the change of the expected counts across fiscal years."),
            code('if workers is not None:\n'
                 '    table = analysis.channelling_table(workers, bench, by=["soc_code"]).assign(\n'
                 '        occupation=lambda t: t["soc_code"]).sort_values("total", ascending=False)\n'
                 '    figures.occupations_figure(table, lang=lang, synthetic=schema.is_synthetic(cases), source=source);'),
            md("Women's share by occupation among H-2 workers (worker records only) against the US workforce."),
            code('import matplotlib.pyplot as plt\n\nfrom toolkit.segregation import coverage\n\n'
                 'plt.close("all")  # the figures above were shown in their own cells\n'
                 'coverage_study = coverage.load_table()  # written by tools/coverage_study.py\n'
                 'display(coverage.default_coverage(coverage_study).round(3))\n'
                 'fig = coverage.coverage_figure(coverage_study)\n'
                 'display(fig)\n'
                 'plt.close(fig)'),
            md("How far the intervals above can be trusted. In the coverage study (simulated samples from tables "
               "with known M, H and D; `tools/coverage_study.py` regenerates it) each default interval is set "
               "against R's procedure by people per cell. The defaults cover 95% down to about 4 people per cell; "
               "below `segregation.SPARSE_MEAN_CELL` the results carry `sparse = True`, and reports then say the "
               "interval may under-cover. D stays short under weak segregation whatever the method."),
        ]),
    "03_recruitment_shortfall_and_selection": notebook(
        "03 · Shortfall and selection",
        "How many women are missing against the benchmark, and are women applicants selected less often "
        "than men applying for the same job orders?",
        [
            code('from toolkit import analysis, narrative, occupation_shares, discrimination\n\n'
                 'bench = occupation_shares.women_share_by_soc(2022)\n'
                 'positions = int(analysis.certified_positions(cases, ["program"]).table.query("program == \'H-2A\'")["positions"].sum())\n'
                 'share = bench.set_index("soc_code").loc["45-2092", "women_share"]\n'
                 'if positions > 0:\n'
                 '    display(discrimination.availability_from_published(0.03, positions, float(share), wide=False))\n'
                 'else:\n'
                 '    print("No certified H-2A positions in this selection: the published H-2A share does not apply.")'),
            md("The published 3% (H-2A, 2018, as cited in the 2021 USMCA petition) applied to these positions, "
               "against crop farmworkers' share in the US workforce (CPS Table 11). A selection without H-2A "
               "positions (for example H-2B store data) skips this step."),
            code('if workers is None:\n    ' + NO_WORKERS + '\nelse:\n'
                 '    ov = analysis.observed_vs_expected(workers, cases, bench, by=["soc_code"]).dropna(subset=["women_share"])\n'
                 '    display(discrimination.availability(ov, "women", "total", "women_share", within="soc_code",\n'
                 '                                        expected_share_se="women_share_se", wide=True).round(4))'),
            md("By occupation and combined (last row): observed women, expected women, the shortfall, "
               "Hazelwood standard deviations and the exact binomial p-value."),
            code('if workers is not None:\n'
                 '    applicants = workers[workers["sex"].isin(["F", "M"])]\n'
                 '    display(discrimination.adverse_impact(applicants, "sex", "selected", reference="M").table)'),
            md("Selection rates and the four-fifths rule."),
            code('if workers is not None:\n'
                 '    mh = discrimination.cmh(applicants, "sex", "selected", within="case_number")\n'
                 '    display(mh)\n'
                 '    if ds.synthetic:\n'
                 '        display(Markdown(narrative.planted_recovery(mh.loc["odds_ratio_mh"], ds.truth["selection_odds_ratio"],\n'
                 '                                                    what="selection_odds_ratio", lang=lang)))'),
            md("Mantel-Haenszel odds ratio comparing women and men within job orders."),
            code('if workers is not None:\n'
                 '    display(discrimination.selection_model(applicants, "sex", "selected", controls=["soc_code"], cluster="recruiter").round(4))'),
            md("Logistic regression with occupation controls and recruiter-clustered standard errors."),
            code('if workers is not None:\n'
                 '    per = analysis.observed_vs_expected(workers, cases, bench, by=["recruiter", "soc_code"])\n'
                 '    per = per.groupby("recruiter")[["women", "total", "expected_women"]].sum().reset_index()\n'
                 '    per["expected_share"] = per["expected_women"] / per["total"]\n'
                 '    screen = discrimination.screen_entities(per, "recruiter", printable=True, k=k).table\n'
                 '    display(screen[["rank", "recruiter", "women", "total", "shrunk_share", "expected_share", "shrunk_ratio", "q_value", "credible"]].head(6).round(4))\n'
                 '    if ds.synthetic:\n'
                 '        display(Markdown(narrative.planted_ranks(screen, ds.truth["recruiter_exclusion"], lang=lang)))'),
            md("Recruiters ranked by their shrunken share of women relative to the benchmark, with FDR control."),
        ]),
    "04_wage_gaps": notebook(
        "04 · Wage gaps",
        "Do women earn less than men in the same occupation and state, and do female-typed occupations "
        "offer lower wages?",
        [
            code('from toolkit import narrative, occupation_shares, discrimination\n\n'
                 'bench = occupation_shares.women_share_by_soc(2022)\n'
                 'discrimination.offered_wage_by_typing(cases, bench, n_bootstrap=200, seed=seed).table.round(3)'),
            md("Offered hourly wages (case data, no sex needed) in occupations where women are at least half of "
               "the US workforce, against the others."),
            code('if workers is None:\n    ' + NO_WORKERS + '\nelse:\n'
                 '    paid = workers[workers["stage"] == "admitted"].dropna(subset=["wage_hourly"])\n'
                 '    display(discrimination.wage_gap(paid, n_bootstrap=100, seed=seed).round(4))'),
            md("Two-fold Oaxaca-Blinder decomposition of the log wage gap (men minus women), pooled "
               "coefficients, bootstrap intervals."),
            code('if workers is not None:\n'
                 '    three = discrimination.wage_gap(paid, method="threefold", n_bootstrap=100, seed=seed)\n'
                 '    display(three.round(4))\n'
                 '    if ds.synthetic:  # the gap is men minus women: the planted penalty enters with its sign flipped\n'
                 '        display(Markdown(narrative.planted_recovery(three.loc["coefficients"], -ds.truth["wage_penalty_log"],\n'
                 '                                                    what="wage_penalty", lang=lang)))'),
            md("Three-fold version: endowments, coefficients (the part of the gap that equal characteristics do not "
               "explain) and their interaction."),
        ]),
    "05_job_order_language": notebook(
        "05 · Job-order language",
        "Do job orders state a sex preference, use gendered wording, or set requirements that screen women out?",
        [
            code('from toolkit import language\n\n'
                 'examples = ["Male workers only for cutting tobacco.", "Men and women welcome.",\n'
                 '            "Se requieren mujeres para la línea de empaque.", "Mr. Garcia, the owner, will train you.",\n'
                 '            "Sin preferencia de sexo.", "Foreman for harvest crew"]\n'
                 'language.detect_sex_preference(examples).assign(text=examples)'),
            md("Rules find explicit preferences in English and Spanish and ignore phrases that welcome both sexes."),
            code('language.scan_job_orders(cases, by="program", k=k)[["program", "job_orders", "flagged", "rate", "prefers_women", "prefers_men"]].round(4)'),
            md("Share of job orders with an explicit sex preference, by program."),
            code('reqs = language.sex_filter_requirements(cases["requirements_text"])\n'
                 'reqs.assign(program=cases["program"]).groupby("program")[["strength"]].mean().join(\n'
                 '    reqs.assign(program=cases["program"]).groupby("program")["lift_lbs"].median().rename("median_lift_lbs")).round(3)'),
            md("Requirements that can act as sex filters: strength demands and lifting thresholds."),
            code('language.gendered_wording(cases["requirements_text"]).assign(program=cases["program"]).groupby("program")[["masculine", "feminine", "score"]].mean().round(4)'),
            md("Gendered wording (Gaucher, Friesen and Kay 2011 lists, adapted)."),
            code('model = language.train_classifier(seed=0)\n{k_: round(v, 3) if isinstance(v, float) else v for k_, v in model.metrics.items()}'),
            md("The classifier's precision and recall on held-out labelled sentences, with the rules' scores on "
               "the same sentences for comparison."),
            code('language.evaluation_table(model).pivot_table(index=["set", "method"], columns="lang",\n'
                 '                                            values=["precision", "recall"]).round(3)'),
            md("The same scores on every labelled set. `templates` is the held-out split of the sentences the "
               "classifier learns from, so it flatters it; the rules were written on `dev` and checked on "
               "`dev_heldout` and `challenge`, so those flatter the rules; `job_order_blind` is the first blind "
               "set; `blind` (436 recruitment posts and job-order lines) was written by someone who saw neither "
               "the rules nor the development set and was scored once, after the rules were final: the honest "
               "estimate. On it the rules fall short of the targets of issue 15 (precision 0.95, recall 0.90): "
               "they miss about one explicit preference in eight (implied preferences, exclusions and feminine "
               "titles most), and about one flag in ten is a false alarm (warnings and reports that quote a "
               "banned phrase), so a count of flagged job orders is neither a strict lower nor a strict upper "
               "bound. `sex_coded` scores the separate flag for sex-coded requirements."),
        ]),
    "06_geography": notebook(
        "06 · Geography",
        "Where are H-2 jobs, where are women missing, and where in Mexico do women workers come from?",
        [
            code('from toolkit import analysis, disclosure, occupation_shares, geo\n\n'
                 'positions = analysis.certified_positions(cases, ["worksite_state"]).table\n'
                 'shapes = geo.us_states_for_map().merge(positions, left_on="state", right_on="worksite_state", how="left")\n'
                 'ax = geo.choropleth(shapes, "positions", title="Certified H-2 positions by worksite state", legend_label="positions",\n'
                 '                    suppressed=None, synthetic_label=synth.SYNTHETIC_LABEL[lang] if schema.is_synthetic(cases) else None,\n'
                 '                    source=source)'),
            md("Certified positions by worksite state."),
            code('bench = occupation_shares.women_share_by_soc(2022)\n'
                 'if workers is None:\n    ' + NO_WORKERS + '\nelse:\n'
                 '    st = analysis.observed_vs_expected(workers, cases, bench, by=["worksite_state", "soc_code"])\n'
                 '    st = st.groupby("worksite_state")[["women", "total", "expected_women"]].sum().reset_index()\n'
                 '    st["missing_per_100"] = 100 * (st["expected_women"] - st["women"]) / st["total"]\n'
                 '    st = disclosure.protect(st, "states", "worksite_state", k=k).table\n'
                 '    geo.choropleth(geo.us_states_for_map().merge(st, left_on="state", right_on="worksite_state", how="left"),\n'
                 '                   "missing_per_100", title="Missing women per 100 workers", legend_label="per 100",\n'
                 '                   synthetic_label=synth.SYNTHETIC_LABEL[lang] if schema.is_synthetic(cases) else None,\n'
                 '                    source=source);'),
            md("With worker records: women missing against the occupational benchmark, per 100 workers; states "
               "with counts below k are hatched."),
            code('if workers is not None:\n'
                 '    women = workers[(workers["stage"] == "admitted") & (workers["sex"] == "F")]\n'
                 '    origin = women.groupby("origin_state").size().rename("women").reset_index()\n'
                 '    origin = origin.assign(women=disclosure.map_values(origin["women"], k=k).to_numpy())\n'
                 '    origin["suppressed"] = origin["women"].isna()\n'
                 '    geo.choropleth(geo.mexico_states().merge(origin, left_on="state_code", right_on="origin_state", how="left"),\n'
                 '                   "women", title="Mexican states of origin of women workers", legend_label="women", cmap="magma_r",\n'
                 '                   synthetic_label=synth.SYNTHETIC_LABEL[lang] if schema.is_synthetic(cases) else None,\n'
                 '                    source=source);'),
            md("With worker records: Mexican states of origin (INEGI codes) of admitted women, small counts "
               "suppressed."),
        ]),
    "07_trends_employers_recruiters": notebook(
        "07 · Trends, employers and recruiters",
        "How did certified H-2 jobs, and the women they would employ if staffed like the US workforce, change "
        "across fiscal years; which employers recur across years; and which foreign labor recruiters serve them?",
        [
            md("## Positions and expected women, year by year\nPer program and fiscal year "
               "(`toolkit.trends.yearly_positions`): certified positions, the women expected if each occupation "
               "were staffed like the US workforce (CPS Table 11 of the year each fiscal year's occupation "
               "classification points to, `request.benchmark_years`; positions without an occupation code are "
               "counted in `not_benchmarked`, never as zero women), and the share of positions in occupations where "
               "women are at least 25% / 50% of the US workforce. `release`, `partial` and `months` say what each "
               "year's file covers: a partial year is not a year."),
            code('from toolkit import coverage, employers, narrative, occupation_shares, recruiters, trends\n\n'
                 'bench = occupation_shares.benchmark_for_years(request.benchmark_years)\n'
                 'yearly = trends.yearly_positions(cases, bench, coverage=ds.coverage)\n'
                 'yearly.round(4)'),
            code('missing = coverage.missing_years(ds.coverage, request.programs, request.fiscal_years)\n'
                 'Markdown(narrative.trend_positions(yearly, missing=missing, lang=lang))'),
            md("The same per worksite state (the five states with most positions in each program's last year)."),
            code('states = trends.yearly_positions(cases, bench, by=["program", "worksite_state"], coverage=ds.coverage)\n'
                 'last = states[states["fiscal_year"] == states.groupby("program")["fiscal_year"].transform("max")]\n'
                 'top = last.sort_values(["program", "positions"], ascending=[True, False]).groupby("program").head(5)\n'
                 'states.merge(top[["program", "worksite_state"]]).round(4)'),
            md("## Segregation across occupations, year by year\nM and H of the expected women and men across "
               "occupations (`trends.yearly_segregation`), bias-corrected, with an interval from the benchmark's "
               "sampling error (positions are a census of certified jobs)."),
            code('seg = trends.yearly_segregation(cases, bench, coverage=ds.coverage, n_bootstrap=100, seed=seed)\n'
                 'seg.round(4)'),
            md("## The change between the first and last year\n`trends.segregation_change`: M in the last year "
               "minus M in the first, split by `segregation.mutual_difference` (Elbers 2023) into occupations found "
               "in one year only, the change of women's overall share, of the occupation mix, and of the association "
               "between sex and occupation."),
            code('change = trends.segregation_change(cases, bench, coverage=ds.coverage)\n'
                 'change.round(6)'),
            code('Markdown(narrative.trend_change(change, lang=lang))'),
            md("## Employers across years\nOne identity per employer across years and files (`toolkit.employers`): "
               "the FEIN where a file has one, otherwise the normalised name and employer state. Possible matches the "
               "rule does not make are reported, never merged by a guess. Positions and offered wages are public "
               "DOL records."),
            code('match = employers.match_employers(cases)\n'
                 'profiles = employers.profiles(cases, match, worksites=ds.companions.get("worksites"),\n'
                 '                              housing=ds.companions.get("housing"), recruiters=ds.companions.get("recruiters"))\n'
                 'profiles[["employer_name", "employer_state", "basis", "years", "cases", "positions", "wage_hourly_median",\n'
                 '          "worksites", "agents"]].head(10)'),
            code('Markdown(narrative.employer_matches(match.identities, profiles, match.ambiguous, lang=lang))'),
            md("Possible matches not merged, the first three of each kind (every row: `match.ambiguous`)."),
            code('match.ambiguous.groupby("kind").head(3)'),
            md("## Foreign labor recruiters (H-2B Appendix C)\nAppendix C lists, per H-2B case (FY2020 on), the "
               "recruiters the employer uses: business name and location (no person's name is read). "
               "`recruiters.summary` links them to the cases: employers served, occupations, certified positions "
               "(each recruiter of a case is credited with all its positions) and the women those positions would "
               "hold if staffed like the US workforce. Recruiters named in worker records are screened in notebook 03."),
            code('appendix_c = ds.companions.get("recruiters")\n'
                 'if appendix_c is None and ds.synthetic:\n'
                 '    appendix_c = synth.appendix_c(cases)  # the synthetic cases\' recruiters, in Appendix C\'s shape\n'
                 'rec = links = None\n'
                 'if appendix_c is not None and len(appendix_c):\n'
                 '    rec = recruiters.summary(cases, appendix_c, benchmark=bench, employer_ids=match.ids).table\n'
                 '    links = recruiters.links(cases, appendix_c, employer_ids=match.ids).table\n'
                 'Markdown(narrative.recruiter_sources(rec, links, lang=lang))'),
            code('if rec is not None:\n'
                 '    display(rec[["recruiter_name", "recruiter_country", "locations", "cases", "employers", "positions",\n'
                 '                 "expected_women", "expected_share"]].head(10).round(3))'),
        ], params=PARAMS_YEARS),
}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, nb in NOTEBOOKS.items():
        for i, cell in enumerate(nb.cells):  # stable ids: a rebuild changes only what changed
            cell.id = f"{name[:2]}-{i:02d}"
        nbf.write(nb, OUT / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
