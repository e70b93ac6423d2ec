"""English and Spanish text and number formatting for reports, figures and notebooks.

Every visible string comes from ``toolkit/locales/<lang>.yaml`` through ``t(key, lang, **values)``;
both files have the same keys (a test checks). Numbers are formatted with Babel (no system
locale needed): English readers get 12,345.6 and 3.1%; Spanish readers get the Mexican style
(CLDR es_MX) 12,345.6 and 3.1%, as Mexican readers expect.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import pandas as pd
import yaml
from babel.numbers import format_decimal, format_percent

__all__ = ["LANGS", "ENGLISH_MARK", "t", "strings", "fmt_number", "fmt_int", "fmt_percent", "fmt_ci", "soc_title",
           "check_lang", "country_name"]

LANGS = ("en", "es")
Lang = Literal["en", "es"]


def check_lang(lang: str) -> str:
    """``lang`` itself when it is "en" or "es"; else ValueError naming the allowed values."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {list(LANGS)}, got {lang!r}")
    return lang


@lru_cache(maxsize=None)
def strings(lang: str) -> dict:
    """Every string of ``toolkit/locales/<lang>.yaml`` (key -> text; ``soc_titles`` is a dict)."""
    check_lang(lang)
    text = resources.files("toolkit").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(key: str, lang: str, **values) -> str:
    """The ``key`` string in ``lang``, with ``{name}`` placeholders filled from ``values``.

    Raises KeyError naming the key and the locale file when the key is missing (never falls back
    to English), ValueError for an unknown ``lang``.

    Examples
    --------
    >>> t("fewer_than", "es", k=10)
    'menos de 10'
    """
    table = strings(lang)
    if key not in table:
        raise KeyError(f"no text {key!r} in toolkit/locales/{lang}.yaml")
    text = str(table[key])
    return text.format(**values) if values else text


def _locale(lang: str) -> str:
    return strings(lang)["locale"]


def _pattern(digits: int, suffix: str = "") -> str:
    return (f"#,##0.{'0' * digits}" if digits else "#,##0") + suffix


def _missing(x) -> bool:
    return bool(pd.isna(x)) if pd.api.types.is_scalar(x) else False


def fmt_number(x: float, lang: str, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals and thousands grouped for ``lang`` (Babel CLDR data: en_US
    and es_MX both write 12,345.6); "—" for a missing value.

    Examples
    --------
    >>> fmt_number(12345.678, "es")
    '12,345.7'
    """
    if _missing(x):
        return "—"
    return format_decimal(round(float(x), digits), format=_pattern(digits), locale=_locale(lang))


def fmt_int(x: float, lang: str) -> str:
    """``x`` rounded to a whole number, thousands grouped for ``lang``; "—" when missing."""
    if _missing(x):
        return "—"
    return format_decimal(int(round(float(x))), format="#,##0", locale=_locale(lang))


def fmt_percent(x: float, lang: str, digits: int = 1) -> str:
    """The share ``x`` (0.031 -> "3.1%") with ``digits`` decimals; es_MX writes the sign without a
    space, as CLDR's es_MX percent pattern does; "—" when missing."""
    if _missing(x):
        return "—"
    return format_percent(float(x), format=_pattern(digits, "%"), locale=_locale(lang))


def fmt_ci(lo: float, hi: float, lang: str, *, percent: bool = False, digits: int = 1) -> tuple[str, str]:
    """The two ends of an interval, formatted alike (as percentages with ``percent=True``)."""
    f = fmt_percent if percent else fmt_number
    return f(lo, lang, digits), f(hi, lang, digits)


#: Appended in a Spanish text to an occupation title left in English (explained in the table note).
ENGLISH_MARK = " *"


def soc_title(code: str, english_title: str | None, lang: str, *, mark_english: bool = False) -> str:
    """Occupation title in ``lang``.

    The locale's title for the common H-2 occupations (SOC 2018 titles in English, translations in
    Spanish), else the official English ``english_title`` (followed by ``ENGLISH_MARK`` in a
    Spanish text when ``mark_english``), else the code itself.
    """
    titles = strings(lang).get("soc_titles", {})
    if code in titles:
        return titles[code]
    if isinstance(english_title, str) and english_title:
        return english_title + (ENGLISH_MARK if mark_english and lang != "en" else "")
    return code


#: Country names as DOL files write them that differ from CLDR's English territory names.
_COUNTRY_ALIASES = {"UNITED STATES OF AMERICA": "US", "USA": "US", "UNITED STATES": "US", "MOLDOVA": "MD",
                    "REPUBLIC OF MOLDOVA": "MD", "RUSSIA": "RU", "SOUTH KOREA": "KR", "KOREA, SOUTH": "KR",
                    "VIETNAM": "VN", "UK": "GB", "UNITED KINGDOM": "GB"}


@lru_cache(maxsize=2)
def _territory_codes() -> dict[str, str]:
    from babel import Locale

    return {name.upper(): code for code, name in Locale("en").territories.items() if code.isalpha()}


def country_name(name: str, lang: str) -> str:
    """A country as a DOL file writes it ("MEXICO", "UNITED STATES OF AMERICA"), in ``lang``:
    CLDR's territory name through Babel ("México", "Estados Unidos"); a name CLDR does not know is
    returned as written, marked as English in a Spanish text (``ENGLISH_MARK``).

    >>> country_name("MEXICO", "es"), country_name("UNITED STATES OF AMERICA", "es"), country_name("JAMAICA", "en")
    ('México', 'Estados Unidos', 'Jamaica')
    """
    from babel import Locale

    check_lang(lang)
    key = " ".join(str(name).split()).upper()
    code = _COUNTRY_ALIASES.get(key) or _territory_codes().get(key)
    if code is None:
        return str(name) + (ENGLISH_MARK if lang != "en" else "")
    return Locale.parse("es_MX" if lang == "es" else "en").territories[code]
