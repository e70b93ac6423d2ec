"""The written site in a real browser: Debian's headless Chromium, driven by Selenium through the
system chromedriver (no browser download). Skipped, with the reason, where Chromium is absent."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit import site, synth

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--window-size=1200,900")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian's chromium and chromium-driver are not installed (/usr/bin/chromium, /usr/bin/chromedriver); "
           "install them with `apt-get install -y chromium chromium-driver` to run the browser tests")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = synth.generate(5, (2020, 2021), scale=0.05)
    cases = data.cases
    h2b = cases[cases["program"] == "H-2B"]
    extra = pd.concat([h2b.iloc[[0]].assign(case_number="X1", employer_name="GONZALEZ FARMS LLC",
                                            employer_state="GA", worksite_state="GA"),
                       h2b.iloc[[0]].assign(case_number="X2", employer_name="Núñez Jardinería S.A. de C.V.",
                                            employer_state="TX", worksite_state="TX")])
    cases = pd.concat([cases, extra], ignore_index=True)
    cases.attrs["synthetic"] = True
    rec = pd.DataFrame({"case_number": ["X1"], "recruiter_name": ["Reclutadora del Norte"],
                        "recruiter_city": ["Monterrey"], "recruiter_country": ["MEXICO"]})
    pages = site.build_pages(cases, recruiters=rec, provenance={"commit": "abc123"})
    out = tmp_path_factory.mktemp("site")
    site.write_site(pages, out)
    return out


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra: pip install -e .[dev]")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _open(driver, path: Path):
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.as_uri())


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _search(driver, query: str) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(query)
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li"))
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#results li")]


def test_index_loads_offline_without_console_errors(built, browser):
    _open(browser, built / "es" / "index.html")
    assert browser.execute_script("return document.documentElement.lang") == "es"
    # the search index is not part of the page load: it comes with the first use of the box
    assert browser.execute_script("return typeof window.H2GENDER_INDEX") == "undefined"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element(By.ID, "q").click()
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return !!window.H2GENDER_INDEX"))
    assert browser.execute_script("return window.H2GENDER_INDEX.rows.length") > 50
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert not errors, f"console: {errors}"
    outside = [u for u in _requests(browser) if not u.startswith(("file://", "data:", "about:"))]
    assert not outside, f"network requests from a file:// page: {outside}"


@pytest.mark.parametrize("query", ["gonzalez farms", "Gonzáles Farm", "GONZALES FARMS", "gonzalez"])
def test_search_tolerates_accents_case_and_a_typo(built, browser, query):
    _open(browser, built / "es" / "index.html")
    hits = _search(browser, query)
    assert hits[0].startswith("GONZALEZ FARMS LLC"), f"{query!r}: first results {hits[:3]}"
    assert "empleador" in hits[0]


def test_search_finds_accented_names_typed_without_accents_and_opens_the_page(built, browser):
    from selenium.webdriver.common.by import By

    _open(browser, built / "en" / "employers" / "index.html")
    hits = _search(browser, "nunez jardineria")
    assert hits[0].startswith("Núñez Jardinería"), hits[:3]
    assert _search(browser, "reclutadora norte")[0].startswith("Reclutadora del Norte")
    assert _search(browser, "qqqq zzzz") == [site.text("search_none", "en")]
    _search(browser, "gonzalez farms")
    browser.find_element(By.CSS_SELECTOR, "#results li a").click()
    assert browser.current_url.endswith(".html") and "/en/employer/" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "GONZALEZ FARMS LLC"


def test_state_link_and_language_switch(built, browser):
    from selenium.webdriver.common.by import By

    _open(browser, built / "es" / "index.html")
    browser.execute_script("document.querySelector('svg a[href=\"state/TX.html\"]').dispatchEvent("
                           "new MouseEvent('click', {bubbles: true}))")
    assert browser.current_url.endswith("/es/state/TX.html")
    assert "Texas" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.CSS_SELECTOR, "header a.lang").click()
    assert browser.current_url.endswith("/en/state/TX.html")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.find_element(By.CSS_SELECTOR, "header a.lang").click()
    assert browser.current_url.endswith("/es/state/TX.html")


def test_phone_viewport_has_no_horizontal_scroll(built, browser):
    pages = [built / "es" / "index.html", built / "es" / "state" / "TX.html", built / "es" / "employers" / "1.html",
             next((built / "es" / "employer").glob("*.html")), built / "es" / "about.html"]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    try:
        for page in pages:
            _open(browser, page)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 375, f"{page.relative_to(built)} is {width} px wide on a 375 px phone"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})



#: Cells of a page that hold a number, with the number of lines each is drawn on.
_NUMBER_CELLS_JS = """
const out = [];
for (const td of document.querySelectorAll('td, th')) {
  const text = td.textContent.trim();
  if (!/\\d/.test(text)) continue;
  const range = document.createRange();
  range.selectNodeContents(td);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  out.push([text, tops.size]);
}
return out;
"""


def _wrapped_numbers(driver) -> list[tuple[str, int]]:
    from toolkit import present

    return [(text, lines) for text, lines in driver.execute_script(_NUMBER_CELLS_JS)
            if present.NUMBER.match(text) and lines > 1]


@pytest.fixture(scope="module")
def evidence_site(tmp_path_factory):
    """A site with the report's evidence tables (counts, shares, intervals) on its pages."""
    from toolkit import dataset, publication

    request = dataset.Request.build(data="synthetic", program="H-2B", fy="2019-2020", state="TX", lang="es,en",
                                    n_bootstrap=20)
    pub = publication.build(dataset.load(request), kind="site", commit="abc")
    out = tmp_path_factory.mktemp("evidence-site")
    site.render(pub, out, provenance={"files": [], "version": "", "commit": "abc", "command": ""})
    return out


def test_numbers_in_tables_never_wrap_on_a_390_px_phone(built, evidence_site, browser):
    """"14,393" broke into "14, / 393" and years into "20 / 15": every cell holding a number is
    drawn on one line at 390 px (a wide table scrolls sideways in its box instead)."""
    pages = [evidence_site / lang / page for lang in ("es", "en") for page in ("index.html", "state/TX.html",
                                                                              "employers/1.html")]
    pages += [next((evidence_site / "es" / "employer").glob("*.html")), built / "es" / "index.html"]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    try:
        checked = 0
        for page in pages:
            _open(browser, page)
            assert browser.execute_script("return window.innerWidth") == 390
            checked += len(browser.execute_script(_NUMBER_CELLS_JS))
            wrapped = _wrapped_numbers(browser)
            assert not wrapped, f"{page}: numbers drawn on several lines at 390 px: {wrapped[:5]}"
        assert checked > 100, f"only {checked} cells with numbers were checked"
        # the check finds a wrapped number when the style lets one wrap (it can fail)
        _open(browser, evidence_site / "es" / "index.html")
        browser.execute_script("const s = document.createElement('style'); s.textContent = "
                               "'table { table-layout: fixed !important; width: 100% !important; } "
                               "td, th { white-space: normal !important; word-break: break-all !important; }'; "
                               "document.head.appendChild(s);")
        assert _wrapped_numbers(browser), "a planted narrow column must show wrapped numbers"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
