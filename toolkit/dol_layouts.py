"""Declarative column maps of the DOL OFLC H-2A/H-2B disclosure layouts, era by era.

Headers are compared after ``normalize_header`` (upper case, every run of non-alphanumerics
replaced by "_"), so ``PRIMARY/SUB`` is ``PRIMARY_SUB`` and ``TOTAL_WORKERS_H-2A_CERTIFIED`` is
``TOTAL_WORKERS_H_2A_CERTIFIED``. Each layout maps canonical fields (``toolkit.schema``) to one or
more candidate headers (the first present wins), lists the fields a file must have to be read in
that layout (``required``) and the headers that identify it (``signature``). ``toolkit.dol``
picks the layout by columns, never by year; files of other years in a known layout are read the
same way, and a file in no known layout raises ``SchemaError`` naming the closest one.

Known traps this table encodes: FY2019 and earlier ``CASE_NO``/``CASE_NUMBER``; FY2020 H-2A
``TOTAL_WORKERS_H-2A_REQUESTED`` then FY2021+ ``TOTAL_WORKERS_H2A_REQUESTED``; ``PRIMARY/SUB``;
misspellings ``PREVIALING_WAGE`` (FY2013-2014 H-2B) and ``Nbr_Workers_Requsted`` (FY2006 H-2A);
``SOC_CODE_ID`` (FY2014 H-2A); the FY2000-2006 H-2B case-system export (``Num_Aliens``,
``Last_Sig_Event``; ``Occ_Code`` there is a DOT code, not SOC).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Layout", "LAYOUTS", "COMPANION_LAYOUTS", "PROGRAM_HEADERS", "FEIN_HEADERS", "VISA_HEADERS",
           "CASE_PREFIX_PROGRAM", "DECISION_DATE_SUFFIX", "TEXT_FORMATS", "normalize_header"]


def normalize_header(name: object) -> str:
    """``"Total Workers H-2A Certified "`` -> ``"TOTAL_WORKERS_H_2A_CERTIFIED"``."""
    return re.sub(r"[^A-Z0-9]+", "_", str(name).strip().upper()).strip("_")


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...]
    extras: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: file suffixes the layout exists in (empty: any); a workbook never matches a csv-only layout
    formats: tuple[str, ...] = ()


#: csv exports: the FY2000-2006 layouts exist only as text files
TEXT_FORMATS = (".csv", ".txt")

#: Headers of the visa class (normalized): ``VISA_CLASS`` (FY2011-2019), ``VISA_TYPE`` (the H-2B
#: FY2018 end-of-year file), ``CASE_TYPE`` (FY2000-2006 export: "TEMP", says nothing of the program)
VISA_HEADERS = ("VISA_CLASS", "VISA_TYPE", "APPLICATION_TYPE")

#: iCERT case numbers carry the program in their prefix: ``H-300-...`` for H-2A (ETA-9142A) and
#: ``H-400-...`` for H-2B (ETA-9142B); checked on every archived file FY2013-2022 (the earlier
#: ``A-``/``C-`` numbers of the state-workforce era are used by both programs and say nothing).
CASE_PREFIX_PROGRAM = {"H-300-": "H-2A", "H-400-": "H-2B"}

#: Any header (normalized) ending in this names a decision date: ``DECISION_DATE`` (most years),
#: ``RECENT_DECISION_DATE`` (FY2014 H-2B, FY2019 H-2A); read when a layout lists none of its own.
DECISION_DATE_SUFFIX = "DECISION_DATE"


_EMPLOYER = {
    "employer_name": ("EMPLOYER_NAME",),
    "employer_city": ("EMPLOYER_CITY",),
    "employer_state": ("EMPLOYER_STATE",),
}

#: Headers of the employer's Federal Employer Identification Number, read into the extra column
#: ``employer_fein`` in every layout. ``EMPLOYER_FEIN`` is OFLC's name for it in the disclosure
#: files that publish it (PERM and LCA files since FY2020); a plain ``FEIN`` header is read too. None of the H-2A/H-2B disclosure files
#: in the shared archive (FY2000-2022, their companions included) has a FEIN column: checked header
#: by header; support is here for a file that carries one, never an invented value.
FEIN_HEADERS = ("EMPLOYER_FEIN", "FEIN")
_FEIN = {"employer_fein": FEIN_HEADERS}

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "legacy-h2b-csv", "H-2B case-system export, FY2000-2006 (csv)",
        {
            "case_number": ("CASE_NUM",), "case_status_raw": ("LAST_SIG_EVENT",),
            "decision_date": ("LAST_EVENT_DATE",), "employer_name": ("EMP_NAME",),
            "employer_city": ("EMP_CITY",), "employer_state": ("EMP_STATE",),
            "agent_name": ("ATT_FIRM_NAME",), "workers_requested": ("NUM_ALIENS",),
            "worksite_state": ("WORK_STATE",), "job_title": ("OCC_TITLE",),
            "wage_offer": ("SALARY",), "wage_unit": ("UNIT_OF_PAY",),
        },
        required=("case_number", "case_status_raw", "workers_requested"),
        signature=("NUM_ALIENS", "LAST_SIG_EVENT", "OCC_CODE", "CASE_TYPE"),
        extras={**_FEIN, "dot_code": ("OCC_CODE",), "visa_class": ("CASE_TYPE",), "prevailing_wage": ("PREVAIL_WAGE",)},
        formats=TEXT_FORMATS,
    ),
    Layout(
        "legacy-h2a-csv", "H-2A export, FY2006 (csv)",
        {
            "case_number": ("CASE_NUMBER",), "case_status_raw": ("CASE_STATUS",), **_EMPLOYER,
            "job_title": ("JOB_TITLE",), "workers_requested": ("NBR_WORKERS_REQUSTED", "NBR_WORKERS_REQUESTED"),
            "workers_certified": ("NBR_WORKERS_CERTIFIED",), "wage_offer": ("BASIC_RATE_OF_PAY",),
            "wage_unit": ("WAGE_RATE_PER",), "begin_date": ("CERTIFICATION_BEGIN_DATE",),
            "end_date": ("CERTIFICATION_END_DATE",),
        },
        required=("case_number", "case_status_raw", "workers_certified"),
        signature=("NBR_WORKERS_REQUSTED", "WAGE_RATE_PER", "BASIC_NBR_HOURS"),
        extras=dict(_FEIN),
        formats=TEXT_FORMATS,
    ),
    Layout(
        "nbr-2007", "NBR_/ALIEN_WORK_ layout, FY2007-2013 (xlsx/xls)",
        {
            "case_number": ("CASE_NO", "CASE_NUMBER"), "case_status_raw": ("CASE_STATUS",),
            "decision_date": ("DECISION_DATE", "RECENT_DECISION_DATE"), **_EMPLOYER,
            "agent_name": ("LAWFIRM_NAME", "AGENT_ATTORNEY_NAME"),
            "application_type": ("ORGANIZATION_FLAG",),
            "workers_requested": ("NBR_WORKERS_REQUESTED",), "workers_certified": ("NBR_WORKERS_CERTIFIED",),
            "worksite_state": ("ALIEN_WORK_STATE",), "worksite_city": ("ALIEN_WORK_CITY",),
            "soc_code_raw": ("SOC_CODE",), "soc_title": ("SOC_NAME", "SOC_TITLE"), "job_title": ("JOB_TITLE",),
            "wage_offer": ("BASIC_RATE_OF_PAY",), "wage_unit": ("BASIC_UNIT_OF_PAY",),
            "begin_date": ("CERTIFICATION_BEGIN_DATE", "REQUESTED_START_DATE_OF_NEED"),
            "end_date": ("CERTIFICATION_END_DATE", "REQUESTED_END_DATE_OF_NEED"),
        },
        required=("case_number", "case_status_raw", "workers_certified", "worksite_state"),
        signature=("ALIEN_WORK_STATE", "NBR_WORKERS_CERTIFIED", "CASE_NO", "NPC_SUBMITTED_DATE"),
        extras={**_FEIN, "visa_class": ("VISA_CLASS", "VISA_TYPE", "APPLICATION_TYPE"), "dot_code": ("DOT_OCCUPATIONAL_CODE",),
                "prevailing_wage": ("PREVAILING_WAGE", "PREVIALING_WAGE")},
    ),
    Layout(
        "fy2014", "FY2014 layout (SOC_CODE_ID, WORKSITE_LOCATION_*, RECENT_DECISION_DATE)",
        {
            "case_number": ("CASE_NO", "CASE_NUMBER"), "case_status_raw": ("CASE_STATUS",),
            "decision_date": ("DECISION_DATE", "RECENT_DECISION_DATE"), **_EMPLOYER,
            "agent_name": ("LAWFIRM_NAME", "AGENT_ATTORNEY_NAME"), "application_type": ("ORGANIZATION_FLAG",),
            "workers_requested": ("NBR_WORKERS_REQUESTED",), "workers_certified": ("NBR_WORKERS_CERTIFIED",),
            "worksite_state": ("WORKSITE_LOCATION_STATE", "ALIEN_WORK_STATE"),
            "worksite_city": ("WORKSITE_LOCATION_CITY",),
            "soc_code_raw": ("SOC_CODE_ID", "SOC_CODE"), "soc_title": ("SOC_TITLE", "SOC_NAME"),
            "job_title": ("JOB_TITLE",), "wage_offer": ("BASIC_RATE_OF_PAY",), "wage_unit": ("BASIC_UNIT_OF_PAY",),
            "begin_date": ("CERTIFICATION_BEGIN_DATE", "REQUESTED_START_DATE_OF_NEED"),
            "end_date": ("CERTIFICATION_END_DATE", "REQUESTED_END_DATE_OF_NEED"),
        },
        required=("case_number", "case_status_raw", "workers_certified", "worksite_state", "soc_code_raw"),
        signature=("SOC_CODE_ID", "WORKSITE_LOCATION_STATE", "RECENT_DECISION_DATE"),
        extras={**_FEIN, "visa_class": ("VISA_CLASS", "VISA_TYPE"), "prevailing_wage": ("PREVAILING_WAGE", "PREVIALING_WAGE")},
    ),
    Layout(
        "icert-2015", "iCERT layout, FY2015-2019",
        {
            "case_number": ("CASE_NUMBER", "CASE_NO"), "case_status_raw": ("CASE_STATUS",),
            "decision_date": ("DECISION_DATE", "RECENT_DECISION_DATE"), **_EMPLOYER,
            "agent_name": ("LAWFIRM_NAME", "AGENT_ATTORNEY_NAME"),
            "application_type": ("ORGANIZATION_FLAG",),
            "workers_requested": ("NBR_WORKERS_REQUESTED",), "workers_certified": ("NBR_WORKERS_CERTIFIED",),
            "worksite_state": ("WORKSITE_STATE", "EMPLOYEE_WORK_STATE"),
            "worksite_county": ("WORKSITE_COUNTY", "EMPLOYEE_WORKSITE_COUNTY"),
            "worksite_city": ("WORKSITE_CITY", "EMPLOYEE_WORKSITE_CITY"), "soc_code_raw": ("SOC_CODE",),
            "soc_title": ("SOC_TITLE", "SOC_NAME"), "naics_code": ("NAICS_CODE", "NAIC_CODE"),
            "job_title": ("JOB_TITLE",), "wage_offer": ("BASIC_RATE_OF_PAY",),
            "wage_unit": ("BASIC_UNIT_OF_PAY", "PAY_RANGE_UNIT"),
            "experience_required": ("EMP_EXPERIENCE_REQD",), "experience_months": ("EMP_EXP_NUM_MONTHS",),
            "begin_date": ("CERTIFICATION_BEGIN_DATE", "REQUESTED_START_DATE_OF_NEED", "JOB_START_DATE"),
            "end_date": ("CERTIFICATION_END_DATE", "REQUESTED_END_DATE_OF_NEED", "JOB_END_DATE"),
        },
        required=("case_number", "case_status_raw", "workers_certified", "worksite_state", "soc_code_raw"),
        signature=("NBR_WORKERS_REQUESTED", "WORKSITE_STATE", "EMP_EXP_NUM_MONTHS", "SWA_NAME", "JOB_IDNUMBER"),
        extras={**_FEIN, "visa_class": ("VISA_CLASS", "VISA_TYPE"), "primary_sub": ("PRIMARY_SUB",),
                "prevailing_wage": ("PREVAILING_WAGE",), "primary_crop": ("PRIMARY_CROP",)},
    ),
    Layout(
        "form-2019", "2019 forms (ETA-9142A/B with Appendix/Addendum), FY2020 onward",
        {
            "case_number": ("CASE_NUMBER",), "case_status_raw": ("CASE_STATUS",),
            "decision_date": ("DECISION_DATE",), **_EMPLOYER,
            "agent_name": ("LAWFIRM_NAME_BUSINESS_NAME",),
            "application_type": ("TYPE_OF_EMPLOYER_APPLICATION", "TYPE_OF_EMPLOYER"),
            "workers_requested": ("TOTAL_WORKERS_H2A_REQUESTED", "TOTAL_WORKERS_H_2A_REQUESTED",
                                  "TOTAL_WORKERS_REQUESTED"),
            "workers_certified": ("TOTAL_WORKERS_H2A_CERTIFIED", "TOTAL_WORKERS_H_2A_CERTIFIED",
                                  "TOTAL_WORKERS_CERTIFIED"),
            "worksite_state": ("WORKSITE_STATE",), "worksite_county": ("WORKSITE_COUNTY",),
            "worksite_city": ("WORKSITE_CITY",), "soc_code_raw": ("SOC_CODE",), "soc_title": ("SOC_TITLE",),
            "naics_code": ("NAICS_CODE",), "job_title": ("JOB_TITLE",),
            "wage_offer": ("WAGE_OFFER", "BASIC_WAGE_RATE_FROM"), "wage_unit": ("PER",),
            "experience_months": ("WORK_EXPERIENCE_MONTHS",),
            "begin_date": ("EMPLOYMENT_BEGIN_DATE", "REQUESTED_BEGIN_DATE"),
            "end_date": ("EMPLOYMENT_END_DATE", "REQUESTED_END_DATE"),
            "requirements_text": ("SPECIAL_REQUIREMENTS", "ADDITIONAL_JOB_REQUIREMENTS"),
        },
        required=("case_number", "case_status_raw", "workers_certified", "worksite_state", "soc_code_raw"),
        signature=("TOTAL_WORKERS_H2A_CERTIFIED", "TOTAL_WORKERS_H_2A_CERTIFIED", "TOTAL_WORKERS_CERTIFIED",
                   "TYPE_OF_EMPLOYER_APPLICATION", "EMPLOYER_POC_EMAIL", "PREPARER_EMAIL"),
        extras={**_FEIN, "lifting_amount": ("LIFTING_AMOUNT",), "foreign_labor_recruiter": ("FOREIGN_LABOR_RECRUITER",),
                "piece_rate_offer": ("PIECE_RATE_OFFER",), "wage_to": ("BASIC_WAGE_RATE_TO",),
                "h2a_labor_contractor": ("H2A_LABOR_CONTRACTOR", "H_2A_LABOR_CONTRACTOR")},
    ),
)

#: Headers (normalized) found in one program's disclosure files only: evidence of the program when
#: a file has no visa-class column (2019 forms: H-2B's ETA-9142B asks about the statutory cap and
#: Appendix D, H-2A's ETA-9142A about housing and counts "H-2A" workers). Checked on the archived
#: FY2020 and FY2022 H-2A and FY2021 H-2B files.
PROGRAM_HEADERS: dict[str, frozenset[str]] = {
    "H-2A": frozenset({"TOTAL_WORKERS_H2A_CERTIFIED", "TOTAL_WORKERS_H_2A_CERTIFIED", "TOTAL_WORKERS_H2A_REQUESTED",
                       "TOTAL_WORKERS_H_2A_REQUESTED", "ADDENDUM_B_HOUSING_ATTACHED", "790A_ADDENDUM_A_ATTACHED",
                       "HOUSING_TRANSPORTATION"}),
    "H-2B": frozenset({"CAP_EXEMPT", "APPENDIX_D_COMPLETED", "EMP_CLIENT_APPENDIX_B_ATTACHED"}),
}

#: Companion (FY2020+) files: kind -> (signature headers, column map).
COMPANION_LAYOUTS: dict[str, dict] = {
    "recruiters": {
        "signature": ("RECRUITER_EMPLOYER_NAME", "RECRUITER_EMPLOYER_COUNTRY"),
        "columns": {"case_number": "CASE_NUMBER", "recruiter_name": "RECRUITER_EMPLOYER_NAME",
                    "recruiter_city": "RECRUITER_EMPLOYER_CITY", "recruiter_state": "RECRUITER_EMPLOYER_STATE",
                    "recruiter_country": "RECRUITER_EMPLOYER_COUNTRY",
                    "recruiter_province": "RECRUITER_EMPLOYER_PROVINCE"},
        # RECRUITER_LAST/FIRST/MIDDLE_NAME are a person's name: never carried into outputs
    },
    "worksites": {
        "signature": ("TOTAL_WORKERS",),
        "columns": {"case_number": "CASE_NUMBER", "worksite_city": ("WORKSITE_CITY", "PLACE_OF_EMPLOYMENT_CITY"),
                    "worksite_state": ("WORKSITE_STATE", "PLACE_OF_EMPLOYMENT_STATE"),
                    "worksite_county": ("WORKSITE_COUNTY",),
                    "business_name": ("NAME_OF_AGRICULTURAL_BUSINESS",),
                    "workers": "TOTAL_WORKERS", "begin_date": ("BEGIN_DATE", "REQUESTED_BEGIN_DATE"),
                    "end_date": ("END_DATE", "REQUESTED_END_DATE"),
                    "wage_offer": ("BASIC_WAGE_RATE_FROM",), "wage_unit": ("PER",)},
    },
    "housing": {
        "signature": ("TYPE_OF_HOUSING", "TOTAL_OCCUPANCY"),
        "columns": {"case_number": "CASE_NUMBER", "housing_type": "TYPE_OF_HOUSING",
                    "housing_city": ("PHYSICAL_LOCATION_CITY",), "housing_state": ("PHYSICAL_LOCATION_STATE",),
                    "housing_county": ("PHYSICAL_LOCATION_COUNTY",), "units": ("TOTAL_UNITS",),
                    "occupancy": ("TOTAL_OCCUPANCY",)},
    },
    "crops": {
        "signature": ("CROP_AGRICULTURAL_ACTIVITY",),
        "columns": {"case_number": "CASE_NUMBER", "crop": "CROP_AGRICULTURAL_ACTIVITY",
                    "wage_offer": ("WAGE_OFFER",), "wage_unit": ("PER",)},
    },
    "employer_clients": {
        "signature": ("EMPLOYER_CLIENT_LEGAL_BUSINESS_NAME",),
        "columns": {"case_number": "CASE_NUMBER", "client_name": "EMPLOYER_CLIENT_LEGAL_BUSINESS_NAME",
                    "client_city": ("EMPLOYER_CLIENT_CITY",), "client_state": ("EMPLOYER_CLIENT_STATE",),
                    "client_naics": ("EMPLOYER_CLIENT_NAICS",)},
    },
}
