"""The shipped worker survey, defined once as data: the XLSForm writer (``toolkit.survey.xlsform``)
and the export reader (``toolkit.survey.exports``) both read it, so the form and its import cannot
drift apart.

The form asks H-2A/H-2B workers and applicants about one season (the most recent they sought):
program, year, occupation, employer, recruiter, worksite state, stage reached, wage, fees and to
whom they were paid, and how recruiters treated women and men. It is built not to further
victimize: consent comes first and nothing else is shown without it; it asks for no name, passport,
phone, exact date of birth or address (an age band, a state of origin); every sensitive question is
optional and offers "prefer not to say"; only consent and the program are required.

The year asked is the year the job started (or would have), read as the fiscal year: a job that
starts in October-December belongs to the next federal fiscal year, which the survey cannot tell
because it asks no month (dates are kept coarse on purpose). H-2 seasons mostly start in
January-July, so few answers fall on the wrong side; reports by year should say so.

Each ``Question`` names the canonical worker field it feeds (``schema.WORKER_COLUMNS``) and each
``Choice`` the canonical value, so the import needs no mapping file.

Older versions of the form are declared in ``FORMER_QUESTIONS``: a question an older version asked
and how its answer reads in today's questions (version 2026.1 asked a daily wage,
``daily_wage``; 2026.2 asks an amount and its unit).

Examples
--------
>>> QUESTIONS_BY_NAME["occupation"].choices, CHOICES_BY_NAME["occupation"]["soc_51_3022"].canonical
('occupation', '51-3022')
>>> [q.name for q in QUESTIONS if q.required]
['consent', 'program']
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from toolkit import codes

__all__ = ["Question", "Choice", "FormerQuestion", "FORM_ID", "FORM_VERSION", "FORM_TITLE", "LANGUAGES",
           "QUESTIONS", "QUESTIONS_BY_NAME", "REPEATS", "CHOICES", "CHOICES_BY_NAME", "FORMER_QUESTIONS", "group_path",
           "origin_places", "STAGE_CANONICAL"]

FORM_ID = "h2gender_worker_survey"
FORM_VERSION = "2026.2"
FORM_TITLE = {"en": "H-2 recruitment and work: worker survey", "es": "Reclutamiento y trabajo H-2: encuesta"}
#: XLSForm language names, as the ``label::<language>`` column headers spell them.
LANGUAGES = {"en": "English (en)", "es": "Español (es)"}


@dataclass(frozen=True)
class Choice:
    """One answer of a choice list: ``name`` (the value stored in exports), labels, the canonical
    value it stands for (None: no canonical value, e.g. "prefer not to say"), and for the origin
    list the ``country`` its ``choice_filter`` selects on."""

    name: str
    en: str
    es: str
    canonical: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Question:
    """One row of the XLSForm survey sheet. ``type`` is the XLSForm type without the list name
    (``select_one``, ``select_multiple``, ``integer``, ``decimal``, ``text``, ``note``,
    ``begin_group``, ``end_group``, ``begin_repeat``, ``end_repeat``); ``choices`` the list name;
    ``field`` the canonical worker field the answer feeds (``schema.WORKER_COLUMNS``)."""

    name: str
    type: str
    en: str = ""
    es: str = ""
    hint_en: str = ""
    hint_es: str = ""
    choices: str | None = None
    relevant: str = ""
    required: bool = False
    constraint: str = ""
    choice_filter: str = ""
    field: str | None = None
    sensitive: bool = False

    @property
    def xlsform_type(self) -> str:
        return f"{self.type} {self.choices}" if self.choices else self.type

    @property
    def is_answer(self) -> bool:
        return self.type not in ("note", "begin_group", "end_group", "begin_repeat", "end_repeat")


@dataclass(frozen=True)
class FormerQuestion:
    """A question an older ``version`` asked: its answer becomes ``target`` (a question of today's
    form) and ``constants`` fill others (``daily_wage`` -> ``wage_amount``, ``wage_unit = day``)."""

    name: str
    version: str
    target: str
    constants: tuple[tuple[str, str], ...] = ()
    group: str = ""


_CONSENT_YES = "${consent} = 'yes'"
_PREFER_NOT = Choice("prefer_not", "I prefer not to say", "Prefiero no decir")
_DONT_KNOW = Choice("dont_know", "I don't know", "No sé")

QUESTIONS: tuple[Question, ...] = (
    Question("intro", "note",
             "This survey is anonymous: we will not ask your name, phone, passport or address. It asks about "
             "recruitment for H-2A/H-2B visas and how women and men are treated. You may skip any question "
             "and stop at any time.",
             "Esta encuesta es anónima: no le pediremos su nombre, teléfono, pasaporte ni domicilio. Pregunta "
             "sobre el reclutamiento para visas H-2A/H-2B y el trato a mujeres y hombres. Puede saltar "
             "cualquier pregunta y terminar cuando quiera."),
    Question("consent", "select_one", "Do you agree to answer this survey?", "¿Acepta contestar esta encuesta?",
             "Your answers are used only in counts of many people; nobody can be named in a report.",
             "Sus respuestas se usan solo en conteos de muchas personas; nadie puede ser nombrado en un informe.",
             choices="yes_no", required=True),
    Question("end_no_consent", "note", "Thank you. The survey ends here.", "Gracias. La encuesta termina aquí.",
             relevant="${consent} = 'no'"),
    Question("season", "begin_group", "The most recent season you sought", "La temporada más reciente que buscó",
             relevant=_CONSENT_YES),
    Question("program", "select_one", "Which visa was it?", "¿Qué visa era?",
             "H-2A: agriculture. H-2B: other seasonal work (crab, landscaping, hotels, forestry...).",
             "H-2A: agricultura. H-2B: otro trabajo de temporada (jaiba, jardinería, hoteles, reforestación...).",
             choices="program", required=True, field="program"),
    Question("season_year", "integer", "In what year did the job start (or would have started)?",
             "¿En qué año empezó (o iba a empezar) el trabajo?", choices=None,
             constraint=". >= 2000 and . <= 2035", field="fiscal_year"),
    Question("stage_reached", "select_one", "How far did you get?", "¿Hasta dónde llegó?",
             "Choose the last step you reached.", "Escoja el último paso al que llegó.",
             choices="stage", field="stage"),
    Question("occupation", "select_one", "What was the job?", "¿Cuál era el trabajo?", choices="occupation",
             field="soc_code"),
    Question("occupation_other", "text", "What job was it?", "¿Qué trabajo era?",
             relevant="${occupation} = 'other'"),
    Question("employer", "text", "Name of the company (employer)", "Nombre de la empresa (patrón)",
             "The company, as on the contract; please do not write names of people.",
             "La empresa, como en el contrato; por favor no escriba nombres de personas.", field="employer_name"),
    Question("recruiter", "text", "Name of the recruiting agency", "Nombre de la agencia de reclutamiento",
             "The agency or company; please do not write names of people.",
             "La agencia o empresa; por favor no escriba nombres de personas.", field="recruiter"),
    Question("worksite_state", "select_one", "In which US state was (or would be) the job?",
             "¿En qué estado de EE. UU. era (o iba a ser) el trabajo?", choices="us_state", field="worksite_state"),
    Question("wage_amount", "decimal", "How much were you paid?", "¿Cuánto le pagaban?",
             "In US dollars, before deductions.", "En dólares, antes de descuentos.",
             relevant="${stage_reached} = 'admitted'", constraint=". > 0"),
    Question("wage_unit", "select_one", "Per what?", "¿Por qué periodo?", choices="wage_unit",
             relevant="${wage_amount} != ''"),
    Question("season", "end_group"),
    Question("about", "begin_group", "About you", "Sobre usted", relevant=_CONSENT_YES),
    Question("sex", "select_one", "Are you a woman or a man?", "¿Es usted mujer u hombre?",
             choices="sex", field="sex", sensitive=True),
    Question("age_band", "select_one", "How old are you?", "¿Qué edad tiene?", "An age range is enough.",
             "Basta con un rango de edad.", choices="age_band", field="age_band", sensitive=True),
    Question("origin_country", "select_one", "Which country are you from?", "¿De qué país es?",
             choices="country", field="nationality"),
    Question("origin_state", "select_one", "Which state or department are you from?",
             "¿De qué estado o departamento es?", "Only the state, not the town.", "Solo el estado, no el pueblo.",
             choices="origin_place", relevant="${origin_country} != '' and ${origin_country} != 'other' and "
                                              "${origin_country} != 'prefer_not'",
             choice_filter="country = ${origin_country} or country = 'any'", field="origin_state", sensitive=True),
    Question("about", "end_group"),
    Question("fees", "begin_group", "Fees", "Cobros", relevant=_CONSENT_YES),
    Question("paid_fees", "select_one", "Did you pay anything to get this job (fees, visa, transport)?",
             "¿Pagó algo para conseguir este trabajo (cuotas, visa, transporte)?", choices="yes_no_pnts",
             sensitive=True),
    Question("fee", "begin_repeat", "Each payment", "Cada pago", relevant="${paid_fees} = 'yes'"),
    Question("fee_amount", "decimal", "Amount", "Cantidad", constraint=". > 0"),
    Question("fee_currency", "select_one", "Currency", "Moneda", choices="currency"),
    Question("fee_payee", "select_one", "Paid to whom?", "¿A quién le pagó?", "Who received the money, not a name.",
             "Quién recibió el dinero, no un nombre.", choices="payee", sensitive=True),
    Question("fee", "end_repeat"),
    Question("fees", "end_group"),
    Question("treatment", "begin_group", "How women and men were treated", "Trato a mujeres y hombres",
             relevant=_CONSENT_YES),
    Question("treatment_note", "note", "These questions are optional.", "Estas preguntas son opcionales."),
    Question("asked_sex", "select_one",
             "Did the recruiter ask whether you were a woman or a man before offering you a job?",
             "¿El reclutador le preguntó si era mujer u hombre antes de ofrecerle un trabajo?",
             choices="yes_no_pnts", sensitive=True),
    Question("told_job_for", "select_one", "Were you told a job was only for men or only for women?",
             "¿Le dijeron que un trabajo era solo para hombres o solo para mujeres?", choices="job_for",
             sensitive=True),
    Question("asked_pregnancy", "select_one",
             "Were you asked whether you were pregnant or planned to be, or asked for a pregnancy test?",
             "¿Le preguntaron si estaba embarazada o pensaba embarazarse, o le pidieron una prueba de embarazo?",
             choices="yes_no_pnts", relevant="${sex} != 'male'", sensitive=True),
    Question("fees_differ", "select_one", "Did women and men pay different fees?",
             "¿Las mujeres y los hombres pagaron cobros distintos?", choices="fees_differ", sensitive=True),
    Question("unequal_treatment", "select_multiple", "Were women and men treated differently in any of these?",
             "¿Se trató distinto a mujeres y hombres en alguno de estos?", "Choose all that apply.",
             "Escoja todas las que apliquen.", choices="unequal_treatment", sensitive=True),
    Question("treatment", "end_group"),
)

#: The repeat groups of the form (their answers are exported on their own sheet or CSV).
REPEATS: tuple[str, ...] = tuple(q.name for q in QUESTIONS if q.type == "begin_repeat")
QUESTIONS_BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS if q.is_answer or q.type == "begin_repeat"}

FORMER_QUESTIONS: tuple[FormerQuestion, ...] = (
    FormerQuestion("daily_wage", "2026.1", target="wage_amount", constants=(("wage_unit", "day"),), group="season"),
)

#: Survey stage -> (canonical ``stage``, ``selected``). Contacted counts as having sought the job
#: (``applied``); selected without entering the US is ``recruited``; ``selected`` is True from
#: selection on.
STAGE_CANONICAL = {"contacted": ("applied", "false"), "applied": ("applied", "false"),
                   "selected": ("recruited", "true"), "admitted": ("admitted", "true")}

_OCCUPATIONS = (  # SOC 2018 code, as workers say it (en, es)
    ("45-2092", "Field work: picking, planting, weeding, pruning", "Trabajo de campo: pizca, siembra, deshierbe, poda"),
    ("45-2093", "Work with animals: cattle, dairy, sheep, poultry", "Trabajo con animales: ganado, lechería, borregos, aves"),
    ("45-2091", "Driving a tractor or farm machinery", "Manejar tractor o maquinaria agrícola"),
    ("45-2041", "Sorting or grading fruit and vegetables", "Seleccionar o clasificar fruta y verdura"),
    ("53-7064", "Packing (packing house, by hand)", "Empaque (empacadora, a mano)"),
    ("51-3022", "Crab, seafood or meat processing (picking, cutting)", "Procesar jaiba, mariscos o carne (pelar, cortar)"),
    ("37-3011", "Landscaping, gardening, lawn care", "Jardinería, paisajismo, cortar pasto"),
    ("45-4011", "Planting trees, forestry", "Plantar árboles, reforestación"),
    ("37-2012", "Cleaning rooms (hotels)", "Limpieza de cuartos (hoteles)"),
    ("35-2021", "Kitchen, food preparation", "Cocina, preparación de alimentos"),
    ("35-9021", "Dishwashing", "Lavar trastes"),
    ("47-2061", "Construction labor", "Construcción (ayudante)"),
    ("53-7062", "Loading and unloading, moving goods", "Carga y descarga de mercancía"),
    ("39-3091", "Fairs, carnivals, amusement parks", "Ferias, carnavales, parques de diversiones"),
)
_ES_STATE = {"NC": "Carolina del Norte", "SC": "Carolina del Sur", "ND": "Dakota del Norte", "SD": "Dakota del Sur",
             "NY": "Nueva York", "NJ": "Nueva Jersey", "NM": "Nuevo México", "NH": "Nuevo Hampshire",
             "PA": "Pensilvania", "LA": "Luisiana", "HI": "Hawái", "WV": "Virginia Occidental",
             "DC": "Distrito de Columbia", "PR": "Puerto Rico"}
_US_STATES = sorted({code: name for name, code in codes.US_STATE_NAMES.items()
                     if code not in ("GU", "VI", "MP", "AS", "FM", "MH", "PW")}.items(), key=lambda kv: kv[1])
_COUNTRIES = (("mex", "Mexico", "México", "MEX"), ("gtm", "Guatemala", "Guatemala", "GTM"),
              ("hnd", "Honduras", "Honduras", "HND"), ("slv", "El Salvador", "El Salvador", "SLV"),
              ("other", "Another country", "Otro país", None))


@cache
def origin_places() -> tuple[Choice, ...]:
    """The origin choice list from ``toolkit/data/survey_origin_places.csv`` (country, name, INEGI
    code for Mexico, source): Mexican states (canonical value: the INEGI code) and the departments
    of Guatemala, Honduras and El Salvador (canonical value: the name; ``schema`` codes only Mexico).
    """
    text = resources.files("toolkit").joinpath("data/survey_origin_places.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        country = row["country"].lower()
        slug = "_".join(codes.fold(row["name"]).replace(".", "").split())
        name = f"mx_{row['code']}" if country == "mex" else f"{country}_{slug}"
        out.append(Choice(name, row["name"], row["name"], row["code"] or row["name"], country=country))
    return (*out, Choice(_PREFER_NOT.name, _PREFER_NOT.en, _PREFER_NOT.es, country="any"))


def _slug(text: str) -> str:
    return "_".join(codes.fold(text).split())


CHOICES: dict[str, tuple[Choice, ...]] = {
    "yes_no": (Choice("yes", "Yes", "Sí"), Choice("no", "No", "No")),
    "yes_no_pnts": (Choice("yes", "Yes", "Sí"), Choice("no", "No", "No"), _DONT_KNOW, _PREFER_NOT),
    "program": (Choice("h2a", "H-2A (agriculture)", "H-2A (agrícola)", "H-2A"),
                Choice("h2b", "H-2B (non-agricultural)", "H-2B (no agrícola)", "H-2B"), _DONT_KNOW),
    "stage": (Choice("contacted", "A recruiter contacted me or I contacted one",
                     "Un reclutador me contactó o yo lo contacté", "contacted"),
              Choice("applied", "I applied (gave documents or paid to apply)",
                     "Apliqué (entregué papeles o pagué para aplicar)", "applied"),
              Choice("selected", "I was selected (offered the job or a contract)",
                     "Me seleccionaron (me ofrecieron el trabajo o un contrato)", "selected"),
              Choice("admitted", "I got the visa and worked in the US", "Obtuve la visa y trabajé en EE. UU.",
                     "admitted")),
    "occupation": tuple(Choice("soc_" + soc.replace("-", "_"), en, es, soc) for soc, en, es in _OCCUPATIONS)
    + (Choice("other", "Other job", "Otro trabajo"), _DONT_KNOW),
    "us_state": tuple(Choice(code.lower(), name.title().replace(" Of ", " of "),
                             _ES_STATE.get(code, name.title().replace(" Of ", " of ")), code)
                      for code, name in _US_STATES) + (_DONT_KNOW,),
    "wage_unit": (Choice("hour", "Per hour", "Por hora", "hour"), Choice("day", "Per day", "Por día", "day"),
                  Choice("week", "Per week", "Por semana", "week"), Choice("month", "Per month", "Por mes", "month"),
                  Choice("piece", "Per piece, bucket or box", "Por pieza, cubeta o caja", "piece")),
    "sex": (Choice("female", "Woman", "Mujer", "F"), Choice("male", "Man", "Hombre", "M"),
            Choice("another", "Another way", "De otra forma", "X"), _PREFER_NOT),
    "age_band": tuple(Choice("a" + b.replace("-", "_").replace("+", "_plus"), b, b.replace("55+", "55 o más"), b)
                      for b in ("18-24", "25-34", "35-44", "45-54", "55+")) + (_PREFER_NOT,),
    "country": tuple(Choice(n, en, es, c) for n, en, es, c in _COUNTRIES) + (_PREFER_NOT,),
    "origin_place": origin_places(),
    "currency": (Choice("mxn", "Mexican pesos", "Pesos mexicanos"), Choice("usd", "US dollars", "Dólares"),
                 Choice("gtq", "Quetzales", "Quetzales"), Choice("hnl", "Lempiras", "Lempiras"),
                 Choice("other", "Other", "Otra")),
    "payee": (Choice("recruiter", "The recruiting agency", "La agencia de reclutamiento"),
              Choice("subagent", "A local intermediary for the recruiter", "Un intermediario local del reclutador"),
              Choice("employer", "The employer", "El patrón"),
              Choice("consulate", "The consulate or visa office (visa fee)", "El consulado (cuota de visa)"),
              Choice("transport", "Transport company", "Empresa de transporte"),
              Choice("other", "Someone else", "Otra persona"), _PREFER_NOT),
    "job_for": (Choice("men", "Yes, only for men", "Sí, solo para hombres"),
                Choice("women", "Yes, only for women", "Sí, solo para mujeres"),
                Choice("both", "Both: some jobs for men, others for women",
                       "Las dos: unos trabajos para hombres y otros para mujeres"),
                Choice("no", "No", "No"), _DONT_KNOW, _PREFER_NOT),
    "fees_differ": (Choice("women_more", "Women paid more", "Las mujeres pagaron más"),
                    Choice("men_more", "Men paid more", "Los hombres pagaron más"),
                    Choice("same", "The same", "Lo mismo"), _DONT_KNOW, _PREFER_NOT),
    "unequal_treatment": (Choice("jobs", "Which jobs they were given", "Qué trabajos les daban"),
                          Choice("pay", "Pay", "Pago"), Choice("hours", "Hours", "Horas"),
                          Choice("housing", "Housing", "Vivienda"), Choice("training", "Training", "Capacitación"),
                          Choice("none", "None of these", "Ninguno"), _PREFER_NOT),
}
CHOICES_BY_NAME: dict[str, dict[str, Choice]] = {k: {c.name: c for c in v} for k, v in CHOICES.items()}


def group_path(name: str) -> tuple[str, ...]:
    """The groups (and repeats) a question sits in, outermost first.

    >>> group_path("fee_payee"), group_path("consent")
    (('fees', 'fee'), ())
    """
    stack: list[str] = []
    for q in QUESTIONS:
        if q.type in ("begin_group", "begin_repeat"):
            stack.append(q.name)
        elif q.type in ("end_group", "end_repeat"):
            stack.pop()
        elif q.name == name:
            return tuple(stack)
    former = {f.name: f for f in FORMER_QUESTIONS}
    if name in former:
        return tuple(g for g in former[name].group.split("/") if g)
    raise KeyError(f"the survey has no question {name!r}")
