"""The input rules for codes, written once: SOC occupation codes, US states, Mexican states.

Every reader (``dol`` for DOL files, ``workers`` for user records, ``geo`` for boundaries) and the
request (``dataset.Request``) use these, so a code means the same thing wherever it enters.

Examples
--------
>>> normalize_soc(pd.Series(["45-2092.02", "452092", "45-2092", "Farmworkers"])).tolist()
['45-2092', '45-2092', '45-2092', <NA>]
>>> normalize_us_state(pd.Series(["tx", "Texas", "Tejas"])).tolist()
['TX', 'TX', <NA>]
>>> mexican_state_code("Michoacán"), mexican_state_code("CDMX"), mexican_state_code("Veracruz-Llave")
('16', '09', '30')
"""
from __future__ import annotations

import unicodedata

import pandas as pd

__all__ = ["fold", "normalize_soc", "SOC_PATTERN", "normalize_fein", "US_STATE_NAMES", "USPS_CODES", "normalize_us_state",
           "INEGI_STATES", "MEXICAN_STATE_CODES", "mexican_state_code"]

#: A SOC code as written in DOL files and surveys: "45-2092", "452092", "45-2092.02" (O*NET suffix).
SOC_PATTERN = r"^(\d{2})-?(\d{4})(?:\.\d+)?$"


def fold(value: object) -> str:
    """Lower case, accents removed, white space collapsed: how names are compared.

    >>> fold("  Nuevo  LEÓN ")
    'nuevo leon'
    """
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().strip().split())


def normalize_soc(raw: pd.Series) -> pd.Series:
    """``45-2092``, ``45-2092.02``, ``452092``, ``45-2092.00`` -> ``45-2092``; anything else NA
    (the caller counts what became NA)."""
    m = raw.astype("string").str.strip().str.extract(SOC_PATTERN)
    return (m[0] + "-" + m[1]).astype("string")


def normalize_fein(raw: pd.Series) -> pd.Series:
    """A Federal Employer Identification Number as its 9 digits: ``12-3456789`` -> ``123456789``.

    Punctuation and spaces are removed. A plain 8-digit number (``12345678`` or ``12345678.0``) is a
    spreadsheet cell stored as a number that lost the leading zero of a FEIN such as 01-2345678, and
    gets it back; anything else (wrong length, letters) -> NA (the caller counts what became NA).

    >>> normalize_fein(pd.Series(["12-3456789", "012345678", "12345678.0", "123", "12-34567AB", None])).tolist()
    ['123456789', '012345678', '012345678', <NA>, <NA>, <NA>]
    """
    text = raw.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    numeric = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    text = text.where(~numeric, "0" + text)
    letters = text.str.contains(r"[A-Za-z]").fillna(False).astype(bool)
    digits = text.str.replace(r"\D", "", regex=True).where(~letters)
    return digits.where(digits.str.len() == 9).astype("string")


#: US state, district and territory names (upper case) -> USPS code.
US_STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "GUAM": "GU",
    "VIRGIN ISLANDS": "VI", "U.S. VIRGIN ISLANDS": "VI", "NORTHERN MARIANA ISLANDS": "MP",
    "AMERICAN SAMOA": "AS", "FEDERATED STATES OF MICRONESIA": "FM", "MARSHALL ISLANDS": "MH", "PALAU": "PW",
}
#: Two-letter USPS codes of the states, DC and the territories.
USPS_CODES = frozenset(US_STATE_NAMES.values())


def normalize_us_state(raw: pd.Series) -> pd.Series:
    """USPS codes from codes or full names (any case); anything else NA."""
    s = raw.astype("string").str.strip().str.upper()
    mapped = s.map(lambda v: v if v in USPS_CODES else US_STATE_NAMES.get(v, pd.NA) if isinstance(v, str) else pd.NA)
    return mapped.astype("string")


#: INEGI state code -> official state name (INEGI, Marco Geoestadístico, catálogo de claves de
#: entidades federativas; "Ciudad de México" was "Distrito Federal" until 2016).
INEGI_STATES = {
    "01": "Aguascalientes", "02": "Baja California", "03": "Baja California Sur", "04": "Campeche",
    "05": "Coahuila de Zaragoza", "06": "Colima", "07": "Chiapas", "08": "Chihuahua", "09": "Ciudad de México",
    "10": "Durango", "11": "Guanajuato", "12": "Guerrero", "13": "Hidalgo", "14": "Jalisco", "15": "México",
    "16": "Michoacán de Ocampo", "17": "Morelos", "18": "Nayarit", "19": "Nuevo León", "20": "Oaxaca",
    "21": "Puebla", "22": "Querétaro", "23": "Quintana Roo", "24": "San Luis Potosí", "25": "Sinaloa",
    "26": "Sonora", "27": "Tabasco", "28": "Tamaulipas", "29": "Tlaxcala", "30": "Veracruz de Ignacio de la Llave",
    "31": "Yucatán", "32": "Zacatecas",
}
_ALIASES = {
    "coahuila": "05", "ciudad de mexico": "09", "cdmx": "09", "distrito federal": "09", "estado de mexico": "15",
    "edomex": "15", "michoacan": "16", "queretaro de arteaga": "22", "veracruz": "30", "veracruz-llave": "30",
    "baja california norte": "02",
}
#: Folded Mexican state names and common aliases (``fold``) -> INEGI code.
MEXICAN_STATE_CODES = {**{fold(name): code for code, name in INEGI_STATES.items()}, **_ALIASES}


def mexican_state_code(name: object) -> str | None:
    """INEGI code of a Mexican state's name or alias (accents and case ignored), or of a code
    ("7", "07"); None when unknown."""
    text = fold(name)
    if text.isdigit() and f"{int(text):02d}" in INEGI_STATES:
        return f"{int(text):02d}"
    return MEXICAN_STATE_CODES.get(text)
