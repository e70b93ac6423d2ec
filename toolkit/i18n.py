"""English and Spanish text and number formatting for reports, figures and notebooks.

Every visible string comes from ``toolkit/locales/<lang>.yaml`` through ``t(key, lang, **values)``;
both files have the same keys (a test checks). Numbers are formatted with Babel (no system
locale needed): English readers get 12,345.6; Spanish readers get the Mexican style 12,345.6 with
"%" spaced as in es_MX.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from babel.numbers import format_decimal, format_percent

__all__ = ["LANGS", "t", "strings", "fmt_number", "fmt_int", "fmt_percent", "fmt_ci", "soc_title", "check_lang"]

LANGS = ("en", "es")
Lang = Literal["en", "es"]


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {list(LANGS)}, got {lang!r}")
    return lang


@lru_cache(maxsize=None)
def strings(lang: str) -> dict:
    check_lang(lang)
    text = resources.files("toolkit").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(key: str, lang: str, **values) -> str:
    """The ``key`` string in ``lang``, formatted with ``values`` (KeyError names a missing key)."""
    table = strings(lang)
    if key not in table:
        raise KeyError(f"no text {key!r} in toolkit/locales/{lang}.yaml")
    text = str(table[key])
    return text.format(**values) if values else text


def _locale(lang: str) -> str:
    return strings(lang)["locale"]


def fmt_number(x: float, lang: str, digits: int = 1) -> str:
    if x is None or x != x:
        return "—"
    return format_decimal(round(float(x), digits), format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                          locale=_locale(lang))


def fmt_int(x: float, lang: str) -> str:
    if x is None or x != x:
        return "—"
    return format_decimal(int(round(float(x))), format="#,##0", locale=_locale(lang))


def fmt_percent(x: float, lang: str, digits: int = 1) -> str:
    if x is None or x != x:
        return "—"
    return format_percent(float(x), format=f"#,##0.{'0' * digits}%" if digits else "#,##0%", locale=_locale(lang))


def fmt_ci(lo: float, hi: float, lang: str, *, percent: bool = False, digits: int = 1) -> tuple[str, str]:
    f = fmt_percent if percent else fmt_number
    return f(lo, lang, digits), f(hi, lang, digits)


def soc_title(code: str, english_title: str | None, lang: str) -> str:
    """Occupation title in ``lang``: the locale's title for the common H-2 occupations (SOC 2018
    titles in English, translations in Spanish), else ``english_title``, else the code."""
    titles = strings(lang).get("soc_titles", {})
    if code in titles:
        return titles[code]
    return english_title if isinstance(english_title, str) and english_title else code
