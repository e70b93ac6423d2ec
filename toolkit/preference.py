"""Sex preferences in recruitment text, in two stages that run in time linear in the text.

Stage 1, ``references``: every sex-marked person reference, found token by token. A token is a run
of letters and digits (with one inner apostrophe: "men's", "don't") or one other character, read off
the folded text (lower case, accents dropped) by one regular expression with no nested quantifier.
A token is a reference when it is

* a word of the sex lexicon (``_SEX_ENTRIES``: English and Spanish nouns, adjectives, the pronouns
  that agree with a sex, regional words of Mexico, Central America, the Caribbean, South Africa and
  Britain, the words of pregnancy (a condition of women only), and the Spanish diminutives of the
  nouns, generated: "muchachitas", "hombrecitos");
* a Spanish feminine job title by its morphology: a word in -doras/-dora or -eras/-era whose masculine
  form (-dores/-dor, -eros/-ero) is a common word ("empacadoras", "meseras"), a word in -istas after a
  feminine determiner ("las recepcionistas"), a participle in -adas/-idas whose masculine is common after
  a feminine plural determiner ("las interesadas"); English titles marked for a sex ("waitress",
  "busboys", a plural in -men of a common word whose -man form is a word: "housemen", "fishermen"; a
  word in -maid(s), -girl(s) or -boy(s) whose stem is common: "chambermaids");
* a code letter (m, f, h, w) after "sex", "sexo", "gender" or "género";
* a misspelling: a token that is not a common word (``toolkit/data/common_words.txt``) and, after a
  Spanish-and-English spelling key (h dropped, v read as b, z as s, ge/gi as je/ji, ll as y, final
  -ies/-ys as -is, doubled letters single; an aspirated h written j dropped: "jombres"), equals a
  lexicon word, or is a slip of one (``_slip``, within Levenshtein distance 2, rapidfuzz; Levenshtein
  1966): two letters swapped in a 4-letter word ("mael"), letters left out or doubled (Indel distance
  1 in words of 5-7 letters, 2 from 8), or vowels written for vowels with the consonants kept in
  order ("wimmen", "gurls", "femails": spelling by ear); not when the token is a common word with one
  letter lost ("varan": "varían" whose accented letter a file's encoding dropped).

Cue words and phrases (negation, "only", requirement, preference, recruiting verbs, exclusion,
welcome, equal-opportunity, warning and news, reported speech, housing, customers, body, marital
status and pregnancy, pay and fees, quotas, other senses, names) are found with one Aho-Corasick
automaton (``pyahocorasick``; Aho & Corasick 1975), in time linear in the text plus the matches.

Stage 2, ``frame``: each reference gets features of the window it sits in (the cue classes and words
up to ``WINDOW`` tokens either side, in the same sentence and anywhere in the text, whether it is
quoted, coordinated with the other sex, preceded by a number or a form field, capitalised like a
name, the first word of the text, counted by a number or a share before it and whether the other sex
in its sentence is counted too: "25 men and 5 women", whether its sentence sets an amount of pay or a
fee against the other sex: "women pay 500 less"). A text's features are the union over its
references; a logistic regression (scikit-learn) trained on the committed labelled sets scores them:
flagged when P(preference) >= ``THRESHOLD``, chosen on the leave-one-writer-out probabilities only
(``choose_threshold``: the lowest at which each language keeps a blind precision of 0.95). The model is
linear, so each reference's share of the score is the sum of its own features' weights: the reference with the largest share names the preferred sex
(the other sex when a negation or exclusion cue governs it: "no women" prefers men).

Long texts are cut into chunks of at most ``CHUNK_CHARS`` characters at a space, at most ``MAX_REFS``
references per text are read and at most ``MAX_UNKNOWN`` distinct words outside the lexicon are checked
for title endings and misspellings (the first ones); a text is flagged when any chunk is.
Every step is linear in the text, so a 20 KB post takes milliseconds, however it is crafted.

The model is fitted on first use, deterministically, from the labelled sets committed in
``toolkit/data`` (``training_data``); nothing is downloaded. Its coefficients are kept as plain JSON in
the user's cache folder under the sha256 of the training data and of the code (``cached_fit``), read
back only when both match and the file's own sha256 verifies.

References
----------
Aho, A. V., & Corasick, M. J. (1975). Efficient string matching: an aid to bibliographic search.
Communications of the ACM, 18(6), 333-340.
Levenshtein, V. I. (1966). Binary codes capable of correcting deletions, insertions, and reversals.
Soviet Physics Doklady, 10(8), 707-710.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel, Levenshtein
from rapidfuzz.process import cdist as _cdist

from toolkit import labelled_sets

__all__ = ["references", "detect", "Model", "fit", "default_model", "featurize", "training_data",
           "load_writer_set", "writer_files", "model_key", "save_model", "load_model", "cached_fit", "leave_one_writer_out", "choose_threshold", "THRESHOLD",
           "score_table", "WRITER_FAMILIES", "CHUNK_CHARS", "MAX_REFS",
           "WINDOW", "MIN_WORDS", "MAX_UNKNOWN"]

#: characters per chunk: longer texts are cut at a space into chunks of at most this many characters
CHUNK_CHARS = 2000
#: references read per text (the first ones)
MAX_REFS = 32
#: tokens either side of a reference that make its window
WINDOW = 5
#: distinct words per text, not in the sex lexicon, checked for job-title endings and misspellings (the
#: first ones; words of the lexicon are always found): a post has a few hundred distinct words at most,
#: thousands are machine-made
MAX_UNKNOWN = 600
#: P(preference) at or above which a text is flagged: ``choose_threshold`` on the leave-one-writer-out
#: probabilities of every committed writer (``tools/build_preference_scores.py`` checks it)
THRESHOLD = 0.5
#: words a text without any cue word needs for its frame to be read (a lone "Mama" is a place name)
MIN_WORDS = 3

# ------------------------------------------------------------------------------------------------
# folding and tokens
_FOLD = {c: unicodedata.normalize("NFKD", chr(c)).encode("ascii", "ignore").decode() or chr(c)
         for c in range(0xC0, 0x250)}
_FOLD = {c: v for c, v in _FOLD.items() if len(v) == 1} | {ord(q): "'" for q in "‘’´`"} | \
    {ord(q): '"' for q in "“”«»"}
# one character class repeated, an optional apostrophe suffix, or one other non-space character: no
# nested quantifier, so the scan is linear in the text
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (positions hold in the original)."""
    folded = text.translate(_FOLD).lower()
    return folded if len(folded) == len(text) else text.lower()


# ------------------------------------------------------------------------------------------------
# stage 1: the sex lexicon
def _words(s: str) -> list[str]:
    return s.split()


# (sex, kind, words); kind: noun, adj (adjective), pron (pronoun that agrees with a sex), regional,
# mtitle / ftitle (job title marked for a sex)
_SEX_ENTRIES = [
    ("M", "noun", "man men male males guy guys boy boys gentleman gentlemen gent gents lad lads fella fellas fellows "
                  "dude dudes bros husband husbands father fathers dad dads brother brothers sons sir sirs mens "
                  "hombre hombres varon varones caballero caballeros senor senores muchacho muchachos chico chicos "
                  "esposo esposos macho machos bloke blokes"),
    ("F", "noun", "woman women female females lady ladies girl girls gals wife wives mother mothers mom moms mum "
                  "mums sister sisters daughter daughters madam womens womans ladys "
                  "mujer mujeres dama damas senora senoras senorita senoritas muchacha muchachas chica chicas esposa "
                  "esposas madre madres mama mamas hembra hembras companeras"),
    ("M", "adj", "masculine masculino masculinos masculina masculinas masc varonil varoniles"),
    ("F", "adj", "feminine femenino femenina femeninos femeninas fem femenil femeniles"),
    ("M", "pron", "he him his himself"),
    ("F", "pron", "she her hers herself ella ellas"),
    # Mexico (chavo, morro, chamaco, bato/vato, plebe), Guatemala (patojo, cuate), Honduras (cipote,
    # guirro), El Salvador (bicho, cipote, chero), Nicaragua (chavalo), the Dominican Republic and
    # Venezuela (jeva, tiguere), Colombia (man, plural manes), and the English of Jamaica (gyal,
    # bredren), South Africa (oke, ou; meisie) and Britain (bloke); masculine and feminine forms
    ("M", "regional", "chavo chavos morro morros chamaco chamacos bato batos vato vatos batillo batillos plebes "
                      "patojo patojos cipote cipotes guirro guirros bicho bichos chero cheros cuates chambelanes "
                      "compas gueros chavalo chavalos tiguere tigueres manes okes ous bredren"),
    ("F", "regional", "chava chavas morra morras chamaca chamacas patoja patojas cipota cipotas guirra guirras bicha "
                      "bichas viejas doñas gals chicks belles gueras morenas chavala chavalas jeva jevas gyal gyals "
                      "sistas meisies"),
    ("M", "mtitle", "busboy busboys bellboy bellboys"),
    # pregnancy is a condition of women only: a filter on it is a filter on women
    ("F", "pregnancy", "pregnant pregnancy pregnancies embarazada embarazadas embarazo embarazos maternity "
                       "maternidad"),
    ("F", "ftitle", "waitress waitresses hostess hostesses seamstress seamstresses laundress laundresses maid maids "
                    "chambermaid chambermaids housemaid housemaids barmaid barmaids stewardess stewardesses "
                    "actress actresses housewife housewives camarista camaristas"),
]


def _diminutives(word: str) -> list[str]:
    """Spanish diminutives of a noun: muchacha -> muchachita(s), hombre(s) -> hombrecito(s)."""
    if word.endswith("as"):
        return [word[:-2] + "itas"]
    if word.endswith("os"):
        return [word[:-2] + "itos"]
    if word.endswith("a"):
        return [word[:-1] + "ita"]
    if word.endswith("o"):
        return [word[:-1] + "ito"]
    if word.endswith("es"):
        return [word[:-2] + "citas", word[:-2] + "citos"]
    return []


@lru_cache(maxsize=1)
def _sex_lexicon() -> dict[str, tuple[str, str]]:
    lex: dict[str, tuple[str, str]] = {}
    for sex, kind, words in _SEX_ENTRIES:
        for w in _words(_fold(words)):
            lex.setdefault(w, (sex, kind))
    for w, (sex, kind) in list(lex.items()):
        if kind in ("noun", "regional") and w.isascii() and len(w) >= 4 and not w.endswith(("man", "men")):
            for d in _diminutives(w):
                if d.endswith(("citas", "citos")) and (d.endswith("citas") != (sex == "F")):
                    continue
                lex.setdefault(d, (sex, "diminutive"))
    return lex


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    text = resources.files("toolkit").joinpath("data", "common_words.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


_H = re.compile(r"(?<![cs])h")
_SOFT_C = re.compile(r"c(?=[ei])")
_NB = re.compile(r"n(?=[bp])")  # Spanish writes m before b and p: "onbres" is "ombres"
_SOFT_G = re.compile(r"g(?=[ei])")
_PLURAL_IES = re.compile(r"(?:ie|y)s$")
_PLURAL_IES_M = re.compile(r"(?:ie|y)s$", re.MULTILINE)
_KEY_LETTERS = str.maketrans({"v": "b", "z": "s"})


def _spelling_key(word: str, *, collapse: bool = True) -> str:
    """A Spanish-and-English spelling key: h dropped (not after c or s), v -> b, z -> s, n -> m before b
    or p, ce/ci -> se/si, ge/gi -> je/ji, ll -> y, final -ies/-ys -> -is, and with ``collapse`` doubled
    letters single."""
    w = _NB.sub("m", _H.sub("", word).translate(_KEY_LETTERS).replace("ll", "y"))
    w = _PLURAL_IES.sub("is", _SOFT_G.sub("j", _SOFT_C.sub("s", w)))
    return _single(w) if collapse else w


def _single(w: str) -> str:
    """Doubled letters made single, by one C-level replace per letter (a regex with a back-reference
    would call back into Python at every pair)."""
    for c in "abcdefghijklmnopqrstuvwxyz":
        if c + c in w:
            w = w.replace(c + c, c)
    return w


@lru_cache(maxsize=1)
def _key_index() -> tuple[dict[str, tuple[str, str]], dict[str, list[str]], dict[str, tuple[str, str]]]:
    """Lexicon words by spelling key (and by the key without collapsing doubled letters, used for
    common words: "moras" is a fruit, not "morras"), and the keys the fuzzy match searches, by first
    letter (a misspelling keeps its first letter); an English word with a hard g also under its key
    with the g kept."""
    lex = _sex_lexicon()
    keys, strict = {}, {}
    for w, v in lex.items():
        if v[1] in ("noun", "adj", "regional", "diminutive") and len(w) >= 4:
            keys.setdefault(_spelling_key(w), v)
            strict.setdefault(_spelling_key(w, collapse=False), v)
            if w.isascii() and _SOFT_G.search(w):  # English g before e/i is hard: "gurls" is girls
                keys.setdefault(_single(_H.sub("", w).translate(_KEY_LETTERS)), v)
    fuzzy: dict[str, list[str]] = {}
    for k, v in sorted(keys.items()):
        if v[1] in ("noun", "adj", "diminutive") and len(k) >= 4:
            fuzzy.setdefault(k[0], []).append(k)
    return keys, fuzzy, strict


_FEM_PLURAL_DET = frozenset("las unas estas esas algunas varias otras puras todas".split())
_FEM_DET = frozenset("las la unas una puras pura estas esta esas algunas varias otras solo nomas".split())
# -eras adjectives whose masculine is common but that name no person
_NOT_TITLES = frozenset("primera primeras tercera terceras entera enteras ligera ligeras verdadera verdaderas trasera "
                        "traseras duradera duraderas delantera delanteras postrera postreras severa severas sincera "
                        "sinceras cualquiera quiera quieras espera esperas".split())
# machines named like feminine job titles (-doras): farm, landscaping and kitchen equipment
_MACHINES = frozenset("podadoras cosechadoras excavadoras retroexcavadoras lavadoras secadoras computadoras "
                      "sembradoras fumigadoras cargadoras niveladoras motoniveladoras trituradoras desbrozadoras "
                      "sopladoras aspiradoras licuadoras aplanadoras perforadoras taladradoras enfriadoras "
                      "calculadoras grabadoras engrapadoras".split())
_SEX_SUFFIXES = (("women", "F"), ("woman", "F"), ("girls", "F"), ("girl", "F"), ("ladies", "F"), ("lady", "F"),
                 ("maids", "F"), ("maid", "F"), ("boys", "M"), ("boy", "M"))


_levenshtein = Levenshtein.distance
_indel = Indel.distance
_ISTA = ("F", "ista")  # a word in -ista(s): a feminine title only after a feminine determiner


_PARTICIPLE = ("F", "participle")  # a word in -ada(s)/-ida(s): a woman only after a feminine determiner
_MORPH_SUFFIXES = ("doras", "era", "eras", "anta", "antas", "enta", "entas", "ista", "istas", "men", "adas",
                   "idas") + tuple(x for x, _ in _SEX_SUFFIXES)
_REF_CACHE: dict[str, tuple[str, str] | None] = {}
_REF_CACHE_MAX = 200_000


def _token_reference(tok: str) -> tuple[str, str] | None:
    """(sex, kind) when the folded token ``tok`` refers to a sex, else None (``_ISTA`` for a word in
    -ista(s), which refers to women only after a feminine determiner)."""
    return _lookup([tok])[tok]


def _lookup(tokens: Iterable[str]) -> dict[str, tuple[str, str] | None]:
    """``_token_reference`` of distinct folded tokens, computed together: the spelling keys of the
    tokens not yet seen are made by one pass of each substitution over all of them, and the fuzzy match
    runs once per first letter (for the first ``MAX_UNKNOWN`` words outside the lexicon, in text
    order), so a text of thousands of new words costs a few milliseconds. Results are cached (up to
    ``_REF_CACHE_MAX``)."""
    cache = _REF_CACHE
    tokens = list(dict.fromkeys(tokens))  # distinct, in the order of the text
    out = {t: cache[t] for t in tokens if t in cache}  # (set & dict would walk the whole cache)
    new_list = [t for t in tokens if t not in out]
    if not new_list:
        return out
    new = set(new_list)
    lex, common = _sex_lexicon(), _common_words()
    keys, fuzzy, strict = _key_index()
    out.update(dict.fromkeys(new))  # set operations and comprehensions run in C, word by word
    out.update((t, lex[t]) for t in new.intersection(lex))
    for t in [t for t in new_list if "'" in t and t not in lex]:
        out[t] = lex.get(t[:-2]) if t.endswith("'s") else None
    rest = [t for t in new_list if len(t) >= 4 and t.isalpha() and t not in lex][:MAX_UNKNOWN]
    morph = {t: _morphology(t, common) for t in rest if t.endswith(_MORPH_SUFFIXES)}
    morph = {t: h for t, h in morph.items() if h is not None}
    out.update(morph)
    rest = [t for t in rest if t not in morph]
    if rest:
        joined = "\n".join(rest)
        w = _NB.sub("m", _H.sub("", joined).translate(_KEY_LETTERS).replace("ll", "y"))
        w = _PLURAL_IES_M.sub("is", _SOFT_G.sub("j", _SOFT_C.sub("s", w)))
        loose = _single(w).split("\n")
        # barones: a word, but varones under the spelling key; ombres, mugeres, mujerez: not words
        # an aspirated h written j ("jombres") is the word without it
        found = {t: strict.get(k) if t in common else keys.get(k2) or (keys.get(k2[1:]) if k2[:1] == "j" else None)
                 for t, k, k2 in zip(rest, w.split("\n"), loose)}
        out.update((t, (h[0], "misspelled")) for t, h in found.items() if h is not None)
        near: dict[str, list[tuple[str, str]]] = {}  # first letter -> (token, key) to match fuzzily
        candidates = [(t, k) for t, k in zip(rest, loose) if 4 <= len(k) <= 16 and found[t] is None
                      and t not in common]
        for t, key in candidates:
            if key[0] in fuzzy:
                near.setdefault(key[0], []).append((t, key))
        for letter, pairs in near.items():  # one C call per first letter (rapidfuzz cdist)
            choices = fuzzy[letter]
            dist = _cdist([k for _, k in pairs], choices, scorer=_levenshtein, score_cutoff=2, dtype=np.int8)
            # distance 2 only where _slip can take it: the same consonants, or the same letters in 4
            skeletons, anagrams = _shapes(letter)
            loose_ok = [k.translate(_VOWELS) in skeletons or len(k) == 4 and "".join(sorted(k)) in anagrams
                        for _, k in pairs]
            cutoff = np.array([2 if ok else 1 if len(k) < 8 else 2 for (_, k), ok in zip(pairs, loose_ok)],
                              dtype=np.int8)
            close = dist <= cutoff[:, None]  # _slip decides within these
            cutoff = np.array([1 if len(k) < 8 else 2 for _, k in pairs], dtype=np.int8)
            for i in np.flatnonzero(close.any(axis=1)):  # numpy finds the few close rows at once
                t, key = pairs[i]
                j = next((j for j in np.flatnonzero(close[i]) if _slip(key, choices[j], int(cutoff[i]))), None)
                if j is not None and not _letter_dropped(t, common):
                    out[t] = (keys[choices[j]][0], "misspelled")
    if len(cache) > _REF_CACHE_MAX:
        cache.clear()
    cache.update({t: out[t] for t in new_list})
    return out


_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=64)
def _shapes(letter: str) -> tuple[frozenset, frozenset]:
    """The consonant skeletons of the fuzzy keys starting with ``letter``, and the sorted letters of
    those of four letters: a token can be a slip at distance 2 only when it shares one (``_slip``)."""
    choices = _key_index()[1].get(letter, [])
    return (frozenset(k.translate(_VOWELS) for k in choices),
            frozenset("".join(sorted(k)) for k in choices if len(k) == 4))
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _letter_dropped(tok: str, common: frozenset) -> bool:
    """Whether ``tok`` is a common word with one letter left out ("varan" is "varian" with its accented
    letter lost in a file's encoding, not "varon"): a likelier reading than a misspelled sex word.
    At most 27 x (len + 1) set lookups."""
    lex = _sex_lexicon()  # "femals" is females with a letter lost: a sex word, the misspelling it is
    return any((w := tok[:k] + c + tok[k:]) in common and w not in lex for k in range(len(tok) + 1) for c in _LETTERS)


def _slip(key: str, word: str, distance: int) -> bool:
    """Whether ``key`` is ``word`` (at Levenshtein distance 2 at most) with a typing or spelling slip:
    in a word of four letters, two letters swapped only ("mael": male); in longer words, letters left
    out or doubled (the Indel distance, which counts a substitution as two edits, within
    ``distance``) or vowels written for vowels with the consonants in the same order and the length
    within one letter ("mujires", "wimmen", "gurls", "femails": a spelling by ear), never a consonant
    changed ("mowers" is not "mothers")."""
    if len(key) <= 4:
        return key != word and sorted(key) == sorted(word)
    return _indel(key, word) <= distance or (abs(len(key) - len(word)) <= 1 and key.translate(_VOWELS) ==
                                             word.translate(_VOWELS))


def _morphology(tok: str, common: frozenset) -> tuple[str, str] | None:
    """Job titles marked for a sex by their ending. Spanish: -dora(s) (empacadoras), -era(s) whose
    masculine is a common word, or -eras not common itself (meseras, recamareras), a participle in
    -adas/-idas whose masculine is common (``_PARTICIPLE``: only after a feminine plural determiner), -anta(s)/-enta(s)
    whose masculine -ante(s)/-ente(s) is common (ayudantas), -ista(s) (``_ISTA``: only after a
    feminine determiner). English compounds whose head marks the sex: salesgirls, chambermaids,
    groundsmen, bellboys."""
    if tok.endswith("doras") and len(tok) >= 8 and tok not in _MACHINES:  # the singular is often a machine
        return ("F", "ftitle")
    if tok not in _NOT_TITLES:
        for fem, masc in (("eras", "eros"), ("era", "ero"), ("antas", "antes"), ("entas", "entes")):
            # a word outside the common ones only in the plural: a singular one is likelier a surname ("Oseguera")
            if tok.endswith(fem) and len(tok) >= 7 and (tok[: -len(fem)] + masc in common or
                                                        tok not in common and fem.endswith("s")):
                return ("F", "ftitle")
    if tok.endswith(("istas", "ista")) and len(tok) >= 7:
        return _ISTA
    for fem, masc in (("adas", "ados"), ("idas", "idos")):
        if tok.endswith(fem) and len(tok) >= 7 and tok[: -len(fem)] + masc in common:
            return _PARTICIPLE  # "las interesadas": a participle as a noun names women
    stem = tok[:-3]
    if tok.endswith("men") and len(tok) >= 7 and stem in common and (tok not in common or stem + "man" in common):
        # "housemen", "fishermen": the plural of an English -man title (not "abdomen": a word with no -man)
        return ("M", "mtitle")
    for suffix, sex in _SEX_SUFFIXES:
        if tok.endswith(suffix) and len(tok) - len(suffix) >= 3 and tok[: -len(suffix)] in common:
            return (sex, "ftitle" if sex == "F" else "mtitle")
    return None


_FIELD = frozenset("sex sexo gender genero".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten twelve".split())
#: cardinal numbers in words, English and Spanish (folded), and the words of a share
_COUNT_WORDS = _NUMBER_WORDS | frozenset(
    "eleven thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred dozen half majority most uno una un dos tres cuatro cinco seis siete ocho nueve diez "
    "once doce trece catorce quince dieciseis veinte veinticinco treinta cuarenta cincuenta sesenta setenta ochenta "
    "noventa cien ciento docena mitad mayoria partes tercio tercios cuarto cuartos".split())
#: words that may stand between a count and the people counted ("20 for males", "treinta para mujeres")
_COUNT_GLUE = frozenset("for para de of % percent por ciento are son strong young more mas only solo a las los the to".split())


#: words that compare two amounts or terms
_CONTRAST = frozenset("less more lower higher cheaper extra only menos mas mayor menor barato baratos caro caros "
                      "solo nomas aparte instead opposite reves gratis free full base".split())


def _counted(words: list[str], i: int) -> bool:
    """Whether the reference at token ``i`` is counted: a number (digits or a number word) or a share
    within three tokens before it, with only glue words ("for", "para", "%") between."""
    for j in range(i - 1, max(-1, i - 4), -1):
        w = words[j]
        if w.isdigit() or w in _COUNT_WORDS or w == "%":
            return True
        if w not in _COUNT_GLUE and w != "-":
            return False
    return False
_CODES = {"m": "M", "h": "M", "f": "F", "w": "F", "masc": "M", "fem": "F"}


def _hits(words: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The distinct tokens among ``words`` that refer to a sex, looked up once (``_lookup``, cached)."""
    return {w: r for w, r in _lookup(w for w in words if w[0].isalpha()).items() if r is not None}


def _refs(words: list[str], limit: int = MAX_REFS, hits: dict | None = None) -> list[tuple[int, str, str]]:
    """(token index, sex, kind) of every reference among the tokens ``words``, at most ``limit``;
    ``hits`` as ``_hits(words)`` (computed when not given). The positions of the tokens that refer to
    a sex are collected in one pass."""
    hits = _hits(words) if hits is None else hits
    codes = _FIELD.intersection(words) and not _CODES.keys().isdisjoint(words)
    if not hits and not codes:
        return []
    out = []
    field = -10  # index of the last "sex"/"sexo"/"gender"/"genero"
    for i in [i for i, w in enumerate(words) if w in hits or (codes and (w in _FIELD or w in _CODES))]:
        tok = words[i]
        if tok in _FIELD:
            field = i
            continue
        if tok in _CODES and i - field <= 3:
            out.append((i, _CODES[tok], "code"))
        elif tok in hits:
            hit = hits[tok]
            if hit is _ISTA or hit is _PARTICIPLE:
                if not (i and words[i - 1] in (_FEM_DET if hit is _ISTA else _FEM_PLURAL_DET)):
                    continue
                hit = ("F", "ftitle") if hit is _ISTA else hit
            if tok in ("man", "men") and i and (words[i - 1] in _NUMBER_WORDS or words[i - 1] == "-" and i >= 2
                                                and words[i - 2].isdigit()):  # "10-man crew", "two man lift"
                continue
            out.append((i, hit[0], hit[1]))
        if len(out) >= limit:
            break
    # a pronoun refers to a sex only through a sex-marked antecedent: without one it is generic
    # ("in his sole discretion")
    if out and all(kind == "pron" for _, _, kind in out):
        return []
    return out


def references(texts: Iterable[str] | pd.Series) -> pd.DataFrame:
    """Stage 1: every sex-marked person reference in each text.

    Returns one row per reference: ``text_id`` (the position of the text), ``start`` and ``end``
    (characters), ``word`` (as written), ``sex`` ("M" or "F") and ``kind`` (noun, adj, pron, regional,
    diminutive, misspelled, code, ftitle, mtitle).

    Examples
    --------
    >>> references(["Se buscan cipotas y OMBRES"])[["word", "sex", "kind"]].values.tolist()
    [['cipotas', 'F', 'regional'], ['OMBRES', 'M', 'misspelled']]
    """
    rows = []
    for n, text in enumerate(_as_list(texts)):
        for chunk_start, chunk in _chunks(text):
            spans = [m.span() for m in _TOKEN.finditer(_fold(chunk))]
            folded = _fold(chunk)
            for i, sex, kind in _refs([folded[a:b] for a, b in spans]):
                s, e = spans[i][0] + chunk_start, spans[i][1] + chunk_start
                rows.append({"text_id": n, "start": s, "end": e, "word": text[s:e], "sex": sex, "kind": kind})
    return pd.DataFrame(rows, columns=["text_id", "start", "end", "word", "sex", "kind"])


def _as_list(texts) -> list[str]:
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    return s.astype("string").fillna("").tolist()


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of at most ``CHUNK_CHARS`` characters, cut at the last space before the
    limit (or at the limit when a piece has no space)."""
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    out, pos = [], 0
    while pos < len(text):
        end = min(pos + CHUNK_CHARS, len(text))
        if end < len(text):
            cut = text.rfind(" ", pos + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut > 0 else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


# ------------------------------------------------------------------------------------------------
# stage 2: cue lexicon (Aho-Corasick) and window features
_CUES = {
    "neg": "no not never nunca ni sin nobody without cannot can't don't won't isn't aren't doesn't shouldn't "
           "wouldn't mustn't nadie ningun ninguna ninguno nada",
    "only": "only solo solamente unicamente exclusively exclusivamente exclusive exclusivo exclusiva exclusivos "
            "exclusivas just strictly nomas puro puros pura puras solely limited reserved reservado reservados "
            "reservadas reservada nada_mas unicamente sole",
    "req": "must should required require requires requirement requirements requisito requisitos requiere requieren "
           "requerimos requerido requerida requeridos requeridas indispensable necessary debe deben deberan "
           "tiene_que tienen_que have_to has_to mandatory obligatorio need_to needs_to shall qualifications "
           "perfil profile criteria",
    "pref": "prefer prefers preferred preference preferably preferiblemente preferentemente preferencia prefiere "
            "prefieren preferimos preferible ideally ideal priority prioridad priorizar rather favor favored "
            "de_preferencia better_suited mas_adecuado suited choose chooses chose escoge escogen escoger elegir eligen "
            "go_first van_primero front_of_the_line se_valorara se_valora valoramos ojala more_likely "
            "mas_oportunidad do_better better_at mejor_si better_if",
    "recruit": "hiring hire hires need needed needs wanted want wants seeking seek looking lookin buscan busca "
               "buscamos busco buscando solicita solicitan solicitamos solicito solisitan necesita necesitan "
               "necesitamos necesito nesesitan nesesita ocupo ocupamos ocupan ocupa contratamos contratan contrata "
               "contratando reclutamos recruiting recruit recruits vacantes vacante vacancy vacancies openings "
               "positions urge urgen requested pide piden pidio pidiendo quiere quieren queremos juntando llevamos "
               "convocatoria calling se_buscan now_hiring se_solicitan se_necesitan se_ocupan se_requieren hace_falta "
               "hacen_falta falta faltan dirigidas dirigidos dirigida dirigido taking tomando send manden mandar "
               "interested interesados interesadas apply_now reply",
    "accept": "accept accepted accepting aceptan aceptamos acepta aceptara aceptaran admiten admitimos admite "
              "considered consider considering eligible allowed permitidas permitidos permiten reciben recibimos "
              "hired contratadas contratados interviewed entrevistadas entrevistados take taking van vienen pueden "
              "can may apply aplicar aplican postularse postular apliquen welcome",
    "excl": "abstenerse abstengan absténganse excluded excluye excluyen need_not_apply not_accepted no_aplica "
            "not_eligible not_allowed not_for no_es_para no_son_para no_apto no_aptas no_aptos ni_metan not_hire "
            "won't_hire will_not_hire no_contratan no_aceptan no_aceptamos no_se_aceptan no_van no_pueden "
            "no_women no_men no_mujeres no_hombres rechaz rejected turned_away throw_out descartan descartar "
            "regresado regresados regresadas regresan not_taking isn't_taking no_se_contrata no_las_quieren "
            "no_los_quieren restricted restringido restringida all_men all_women all_male all_female "
            "puros_hombres puras_mujeres",
    "welcome": "welcome welcomed bienvenidas bienvenidos bienvenida bienvenido encourage encouraged encourages "
               "invitamos invita invitan animense animate also too tambien as_well pueden_aplicar can_apply "
               "everyone anyone cualquier cualquiera think_again no_es_solo not_just not_only igual igualmente alike "
               "todos todas all both ambos isn't_just not_just_for no_es_solo_para doesn't_matter no_importa "
               "da_igual think_again hired_women_before",
    "eeo": "equal_opportunity igualdad oportunidades discrimina discriminate discriminates discrimination "
           "discriminacion discriminar regardless sin_distincion sin_importar raza race religion religion origin "
           "origen orientation protected eeo equal_employment igualdad_de estado_civil marital_status genero "
           "gender sexo sex",
    "warn": "illegal ilegal alerta alert warning cuidado estafa scam fraud fraude denuncie denuncia denunciar "
            "denuncien report reporte reportar reportalo reportarlo reported complaint queja demanda demandada "
            "lawsuit sued fined multada multado multa sancion sancionada tribunal juez judge ruling fallo "
            "settlement eeoc department_of_labor departamento_de_trabajo ministerio investigation investigacion "
            "according segun news noticia noticias periodico article articulo circula anuncio_que ad_that "
            "ads posts un_anuncio publicacion rights derechos prohibe prohibido prohibida prohibited against "
            "contra violates viola violacion unlawful law ley leyes court",
    "speech": "said dijo dijeron says dice dicen told comento asked pregunto me_dijeron le_dijeron they_said "
              "heard escuche supposedly dizque rumor",
    "housing": "room rooms bathroom bathrooms restroom restrooms toilets toilet showers shower dorm dorms dormitory "
               "housing bunk bunks beds bed trailer trailers cabin cabins cuarto cuartos habitacion habitaciones "
               "bano banos sanitarios regaderas duchas vivienda dormitorio dormitorios camas cama literas traila "
               "trailas casa casas duermen sleep sleeping separate separated separados separadas aparte lodging "
               "barracks locker lockers housed alojamiento hospedaje floor piso quarters",
    "customer": "customers customer clients client clientes clientas cliente patients patient pacientes guests "
                "guest huespedes shoppers section department seccion departamento ropa clothing clothes wear "
                "apparel salon spa boutique residents residentes ancianos elderly children ninos serve atender "
                "atiende atienden haircuts cortes camp school escuela internado colegio academy academia gym gimnasio "
                "novias brides bride night noche team equipo league liga ward lounge barbershop barberia barber barbero "
                "peluqueria estetica belleza beauty grooming fitness clinic clinica clientela clientele "
                "hospeda torneos tournament",
    "body": "strong fuertes fuerte tall altos altas alto alta young jovenes joven attractive atractivas atractivos "
            "bonitas bonitos guapas guapos pretty presentable presentacion slim delgadas delgados flaquitos "
            "grandotes robust robustos robustas healthy sanos sanas fit physically height estatura weight peso "
            "appearance apariencia looks good_looking bien_parecidas complexion bonita cuerpo body figura "
            "figure tough rudos aguanten sturdy muscular burly bragados machines jalados",
    "marital": "single married solteras solteros soltera soltero casadas casados casada casado pregnant pregnancy "
               "embarazadas embarazada embarazo embarazos children kids hijos hijas divorced divorciadas widow "
               "widows viudas viuda family familia maternity prueba_de_embarazo sin_hijos no_kids no_children "
               "pregnancy_test childless unmarried bachelor bachelors spouse spouses novio novios hijas_pequenas "
               "heads_of_household jefes_de_hogar jefe_de_hogar padres_de_familia madres_de ninos_pequenos "
               "ninos_chiquitos menores contraceptive anticonceptivos",
    "pay": "pay paid pays pago pagan paga pagar wage wages salary salario sueldo fee fees cost costs cuesta cobro "
           "cobran cobra charge charged charges $ dolares dollars dlls dls usd lempiras quetzales pesos descuenta "
           "discount deposit enganche deposito boleto ticket reclutamiento recruitment hour hora cheque less menos "
           "more rate tarifa tips propinas bono bonus",
    "quota": "% percent por_ciento porciento ratio proportion proporcion maximo max maximum minimum minimo cupo "
             "cupos lugares spots slots places plazas out_of de_cada per_crew por_cuadrilla quota mayoria "
             "majority mostly mayormente most at_least al_menos no_more_than no_mas_de capped limite limit "
             "rest resto demas others mix mezcla allocation exactly exactamente terceras partes mitad half split",
    "coord": "y and or o u e & / ni nor as_well_as asi_como",
    "limit": "max maximo maximum hasta limite limit limited capped cap at_most no_more_than no_mas_de lleno lleno "
             "filled quota cupo_de",
    "other": "plug plugs connector connectors conexiones conexion conectores fitting fittings threads rosca "
             "cable cattle cows cow heifers heifer hens hen sows sow "
             "cerdas cerdos vacas vaca yeguas yegua gallinas gallina lambs ewes calves animals animales ganado "
             "lechones plants plantas flores flowers shoes zapatos boots botas uniform uniforms uniformes talla "
             "tallas size sizes bull bulls toros becerras becerros puppies perros dogs horses caballos mares "
             "mare stallion pollos chickens hogs pigs trees "
             "arboles part parts pieza piezas adapter adaptador",
    "name": "street calle colonia restaurant restaurante company empresa marina bar saloon landscaping ranch rancho "
            "llc inc farms hermanas hermanos brothers sisters corp co ltd store tienda club hotel motel inn cafe "
            "avenida avenue road camino barrio aldea parque park",
    "family": "esposa esposo wife husband hijos my mi mis our nuestra nuestro novia novio",
}


@lru_cache(maxsize=1)
def _automaton():
    import ahocorasick

    a = ahocorasick.Automaton()
    entries: dict[str, set[str]] = {}
    for cls, spec in _CUES.items():  # words apart by spaces; the words of a phrase joined by "_"
        for p in spec.split():
            entries.setdefault(_fold(p.replace("_", " ")), set()).add(cls)
    for phrase, classes in entries.items():
        a.add_word(phrase, (phrase, tuple(sorted(classes))))
    a.make_automaton()
    return a


def _cue_positions(folded: str, spans: list[tuple[int, int]]) -> dict[int, tuple[str, ...]]:
    """Token index -> cue classes of the cue words and phrases starting there (Aho-Corasick over
    ``folded``; a match counts only when it starts and ends on token boundaries)."""
    starts = {a: i for i, (a, _) in enumerate(spans)}
    ends = {b for _, b in spans}
    out: dict[int, tuple[str, ...]] = {}
    for end, (phrase, classes) in _automaton().iter(folded):
        s = end - len(phrase) + 1
        if s in starts and end + 1 in ends:
            i = starts[s]
            out[i] = out.get(i, ()) + classes
    return out


_BREAKS = frozenset(".!?;")


@lru_cache(maxsize=65536)
def _features(text: str) -> tuple[tuple[str, str, frozenset], ...]:
    """(sex, kind, features) of each reference of ``text`` (all chunks); empty when it has none."""
    out = []
    chunks = [(offset, chunk, _fold(chunk)) for offset, chunk in _chunks(text)]
    tokens = [_TOKEN.findall(folded) for _, _, folded in chunks]
    hits = _hits([w for words in tokens for w in words])  # one lookup for the whole text
    for (offset, chunk, folded), words in zip(chunks, tokens):
        if len(out) >= MAX_REFS:
            break
        refs = _refs(words, MAX_REFS - len(out), hits)
        if refs:
            out.extend((sex, kind, f, (a + offset, b + offset))
                       for sex, kind, f, (a, b) in _chunk_features(chunk, folded, refs))
    return tuple(out)


_VOCATIVES = frozenset("man hombre dude boy girl chica chico mujer".split())


def _names_dropped(chunk: str, spans: list, words: list[str], refs: list, cues: dict, caps: bool) -> list:
    """``refs`` without the words that are part of a proper name: in a text not written in capitals, a
    capitalised reference whose nearest word either side (within three tokens) is capitalised and is
    neither a cue nor a sex word ("Pink Lady", "Lady Lake", "Boys Town", "Sisters Seafood Co."), and a
    capitalised misspelling that does not open a sentence ("ZACHERY C. BROWER"); and a singular word
    opening a sentence before a comma ("Man, this heat"), an interjection. A text left with pronouns
    only has no sex reference."""
    at = {i for i, _, _ in refs}
    n = len(words)

    def cap(j: int) -> bool:
        return chunk[spans[j][0]:spans[j][0] + 1].isupper()

    def named(i: int) -> bool:
        for step in (-1, 1):
            for j in range(i + step, i + 4 * step, step):
                if not 0 <= j < n or words[j] in _BREAKS:
                    break
                if words[j][0].isalpha():
                    if cap(j) and j not in at and all(c == "name" for c in cues.get(j, ("name",))):
                        return True
                    break
        return False

    out = []
    for i, sex, kind in refs:
        opens = i == 0 or words[i - 1] in _BREAKS
        if opens and words[i] in _VOCATIVES and i + 1 < n and words[i + 1] in (",", "!"):
            continue  # "Man, this heat is brutal", "Hombre, qué calor": an interjection
        if not caps and cap(i) and kind != "code":  # "Sex: F | Age: 21-45" is a form, not a name
            if named(i) or (kind == "misspelled" and not opens):
                continue
        out.append((i, sex, kind))
    return out if any(kind != "pron" for _, _, kind in out) else []


def _chunk_features(chunk: str, folded: str, refs: list[tuple[int, str, str]]) -> list:
    spans = [m.span() for m in _TOKEN.finditer(folded)]
    words = [folded[a:b] for a, b in spans]
    cues = _cue_positions(folded, spans)
    n = len(words)
    letters = [ch for ch in chunk if ch.isalpha()]
    caps = sum(ch.isupper() for ch in letters) > 0.5 * max(1, len(letters))
    refs = _names_dropped(chunk, spans, words, refs, cues, caps)
    if not refs or (not cues and sum(w[0].isalpha() for w in words) < MIN_WORDS):  # "Mama": a place name
        return []
    sent, k = [0] * n, 0  # sentence of each token: a new one after . ! ? ; or a line break
    for i, (a, b) in enumerate(spans):
        sent[i] = k
        if words[i] in _BREAKS or "\n" in chunk[b:spans[i + 1][0] if i + 1 < n else b]:
            k += 1
    text_cues = {c for cl in cues.values() for c in cl}
    sent_cues: dict[int, set[str]] = {}
    for i, cl in cues.items():
        sent_cues.setdefault(sent[i], set()).update(cl)
    # inside quotation marks: double ones, or single ones standing apart from a word ('strong men')
    quotes = np.cumsum([w == '"' for w in words])
    singles = np.cumsum([w == "'" and (b == len(chunk) or not chunk[b].isalnum() or a == 0 or not chunk[a - 1].isalnum())
                         for w, (a, b) in zip(words, spans)])
    ref_at = {i: sex for i, sex, _ in refs}
    counted = {i for i, _, _ in refs if _counted(words, i)}
    sent_contrast: dict[int, int] = {}  # comparative words and amounts per sentence
    for i, w in enumerate(words):
        if w in _CONTRAST or w.isdigit() or w == "$":
            sent_contrast[sent[i]] = sent_contrast.get(sent[i], 0) + (2 if w in _CONTRAST else 1)
    sent_contrast = {k: v for k, v in sent_contrast.items() if v >= 2}
    sent_counted: dict[int, set[str]] = {}
    for i, sex, _ in refs:
        if i in counted:
            sent_counted.setdefault(sent[i], set()).add(sex)
    sent_sexes: dict[int, set[str]] = {}
    for i, sex, _ in refs:
        sent_sexes.setdefault(sent[i], set()).add(sex)
    question = "?" in words
    out = []
    for i, sex, kind in refs:
        f = {f"kind={kind}"}
        both = len(sent_sexes[sent[i]]) > 1
        f.update(f"T_{c}" for c in text_cues)
        for c in sent_cues.get(sent[i], ()):
            f.add(f"S_{c}")
            if both:
                f.add(f"B_{c}")
        if both:
            f.add("sentence_both_sexes")
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        for j in range(lo, hi):
            if j == i or sent[j] != sent[i]:
                continue
            side = "L" if j < i else "R"
            for c in cues.get(j, ()):
                f.add(f"{side}_{c}")
                if abs(j - i) <= 2:
                    f.add(f"{side}2_{c}")
            if j in ref_at:
                f.add(f"{side}_other_sex" if ref_at[j] != sex else f"{side}_same_sex")
                if abs(j - i) <= 3 and any("coord" in cues.get(m, ()) or words[m] == ","
                                             for m in range(min(i, j) + 1, max(i, j))):
                    f.add("coordinated" if ref_at[j] != sex else "listed_same")
            if words[j].isdigit():
                f.add(f"{side}_number")
        for off in (1, 2):
            for side, j in (("l", i - off), ("r", i + off)):
                if 0 <= j < n and sent[j] == sent[i]:
                    f.add(f"{side}{off}={words[j]}")
        start = i == 0 or sent[i - 1] != sent[i] or words[i - 1] in (":", "-", "*", "(")
        if start:
            f.add("sentence_start")
        if i == 0:
            f.add("text_start")
        if quotes[i] % 2 == 1 or singles[i] % 2 == 1:
            f.add("quoted")
        if both and "pay" in sent_cues.get(sent[i], ()) and sent_contrast.get(sent[i]):
            f.add("pay_contrast")  # "women pay 500 less", "15.50 a los hombres y 13 a las mujeres"
        if i in counted:  # "25 men", "twenty for males", "60% female": a head count by sex
            f.add("counted")
            if len(sent_counted.get(sent[i], ())) > 1:
                f.add("counted_both_sexes")  # "25 men and 5 women": a quota, not a welcome of both
        if question:
            f.add("T_question")
        if not caps:
            raw = chunk[spans[i][0]:spans[i][1]]
            if raw[:1].isupper() and not start:
                f.add("capitalised")
            if raw[:1].isupper() and any(0 <= j < n and chunk[spans[j][0]:spans[j][0] + 1].isupper()
                                         and words[j][0].isalpha() for j in (i - 1, i + 1)):
                f.add("capitalised_neighbour")
        if words[i].endswith("'s") or (i + 2 < n and words[i + 1] == "'" and words[i + 2] == "s"):
            f.add("possessive")
        out.append((sex, kind, frozenset(f), spans[i]))
    return out


def featurize(text: str) -> set[str]:
    """The features of a text: the union of its references' window features (empty without one)."""
    return set().union(*[f for _, _, f, _ in _features(text)]) if text else set()


# ------------------------------------------------------------------------------------------------
# labelled data
#: families of the writer corpora and their loader (``toolkit.labelled_sets``, which checks every row)
WRITER_FAMILIES = labelled_sets.WRITER_FAMILIES
load_writer_set = labelled_sets.load_writer_set


def writer_files() -> dict[str, list[str]]:
    """The writer corpora committed in ``toolkit/data/recruitment_writers``, by writer: each
    ``writer_<X>.csv`` with its spent sealed set ``sealed/writer_<X>_sealed.csv`` when there is one (a
    sealed set, once scored, is development material of its writer: leaving a writer out leaves out
    both). Paths relative to the folder."""
    base = resources.files("toolkit").joinpath("data", "recruitment_writers")
    names = sorted(p.name for p in base.iterdir() if p.name.startswith("writer_") and p.name.endswith(".csv"))
    sealed = base.joinpath("sealed")
    out = {}
    for file in names:
        w = file[len("writer_"):-len(".csv")]
        spent = f"writer_{w}_sealed.csv"
        out[w] = [file] + ([f"sealed/{spent}"] if sealed.joinpath(spent).is_file() else [])
    return out


def training_data() -> pd.DataFrame:
    """Every committed labelled set in one table, with ``writer``: the writer corpora
    (``writer_files``: writers "A" to "F", A, B and C with their spent sealed sets) and each older set of
    ``toolkit.language.EVALUATION_SETS`` as its own writer ("challenge", "job_order_blind", "dev" with
    its held-out part, "blind"). Columns ``writer, id, lang, text, label, family, preferred_sex``."""
    frames = []
    base = resources.files("toolkit").joinpath("data", "recruitment_writers")
    for w, files in writer_files().items():
        for file in files:
            with resources.as_file(base.joinpath(file)) as p:
                frames.append(load_writer_set(p).assign(writer=w))
    for name in ("challenge", "job_order_blind", "dev", "blind"):
        d = labelled_sets.load_dev_set() if name == "dev" else labelled_sets.load_evaluation_set(name)
        d = d.assign(writer=name)
        if "id" not in d.columns:
            d["id"] = [f"{name}-{i + 1}" for i in range(len(d))]
        if "preferred_sex" not in d.columns:
            d["preferred_sex"] = ""
        frames.append(d)
    cols = ["writer", "id", "lang", "text", "label", "family", "preferred_sex"]
    out = pd.concat([f[cols] for f in frames], ignore_index=True)
    return out.astype({"label": int, "family": "string", "preferred_sex": "string"}).fillna({"preferred_sex": ""})


# ------------------------------------------------------------------------------------------------
# the model
@dataclass(frozen=True)
class Model:
    """A fitted frame model: ``weights`` (feature -> coefficient), ``intercept``, ``threshold`` and
    what it was fitted on (``writers``, ``n``)."""

    weights: dict
    intercept: float
    threshold: float = 0.5
    writers: tuple = ()
    n: int = 0
    C: float = field(default=1.0)

    def score(self, features: set[str]) -> float:
        """Logit of P(preference) for a set of features."""
        w = self.weights
        return self.intercept + sum(w.get(f, 0.0) for f in features)


def fit(data: pd.DataFrame, *, C: float = 1.0, threshold: float | None = None) -> Model:
    """Fit the frame model on labelled texts (columns ``text``, ``label``; ``writer`` optional).

    L2-penalised logistic regression (scikit-learn, lbfgs, balanced class weights) on the binary
    features of ``featurize``; texts without a reference are left out (they are never flagged).
    Deterministic: the same data give the same weights.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [featurize(t) for t in data["text"]]
    keep = [i for i, f in enumerate(feats) if f]
    y = data["label"].astype(int).to_numpy()[keep]
    if len(set(y)) < 2:
        raise ValueError("fit: the texts with a sex reference need both labels")
    vec = DictVectorizer()
    X = vec.fit_transform([dict.fromkeys(feats[i], 1) for i in keep])
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    lr.fit(X, y)
    weights = {f: float(c) for f, c in zip(vec.get_feature_names_out(), lr.coef_[0]) if c != 0}
    writers = tuple(sorted(data["writer"].unique())) if "writer" in data.columns else ()
    return Model(weights=weights, intercept=float(lr.intercept_[0]), threshold=THRESHOLD if threshold is None else
                 threshold, writers=writers,
                 n=len(data), C=C)


#: the layout of a cached model file (``save_model``); raise it when the layout changes
MODEL_FILE_FORMAT = 1


def model_key(data: pd.DataFrame) -> dict:
    """What a model fitted by ``fit(data)`` is a function of, as sha256 digests: ``training_sha256``
    (the table ``data`` as UTF-8 CSV, columns and rows in order), ``code_sha256`` (this module, which
    featurizes and fits, and the common-word list it reads) and the scikit-learn version. Equal keys
    give equal weights (``fit`` is deterministic)."""
    import hashlib
    from importlib.metadata import version
    from pathlib import Path

    code = hashlib.sha256(Path(__file__).read_bytes())
    code.update(resources.files("toolkit").joinpath("data", "common_words.txt").read_bytes())
    return {"training_sha256": hashlib.sha256(data.to_csv(index=False).encode("utf-8")).hexdigest(),
            "code_sha256": code.hexdigest(), "sklearn": version("scikit-learn")}


def _model_digest(record: dict) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(record, sort_keys=True, allow_nan=False).encode("utf-8")).hexdigest()


def save_model(model: Model, path, *, key: dict) -> None:
    """Write ``model`` as plain JSON (coefficients by feature name, intercept, threshold, what it was
    fitted on) with its ``key`` and the sha256 of both, to a temporary name renamed into place."""
    import json
    import os
    from pathlib import Path

    record = {"format": MODEL_FILE_FORMAT, "key": key,
              "model": {"weights": model.weights, "intercept": model.intercept, "threshold": model.threshold,
                        "writers": list(model.writers), "n": model.n, "C": model.C}}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({**record, "sha256": _model_digest(record)}, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_model(path, *, key: dict) -> Model | None:
    """The model ``save_model`` wrote at ``path`` when it was fitted under ``key`` and its sha256
    verifies; None otherwise (absent, another key, edited, truncated or malformed: it is fitted
    again, never trusted)."""
    import json
    from pathlib import Path

    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        digest = record.pop("sha256")
        if record.get("format") != MODEL_FILE_FORMAT or record.get("key") != key or digest != _model_digest(record):
            return None
        m = record["model"]
        weights = {str(f): float(c) for f, c in m["weights"].items()}
        if not all(map(math.isfinite, [*weights.values(), m["intercept"], m["threshold"]])):
            return None
        return Model(weights=weights, intercept=float(m["intercept"]), threshold=float(m["threshold"]),
                     writers=tuple(m["writers"]), n=int(m["n"]), C=float(m["C"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def cached_fit(data: pd.DataFrame, folder) -> Model:
    """``fit(data)``, read from ``folder`` when a verified file of the same ``model_key`` is there,
    else fitted and written there (a folder that cannot be written only costs the fit next time)."""
    from pathlib import Path

    key = model_key(data)
    path = Path(folder) / f"preference-{key['training_sha256'][:16]}.json"
    model = load_model(path, key=key)
    if model is None:
        model = fit(data)
        try:
            save_model(model, path, key=key)
        except OSError:
            pass  # read-only or full cache folder: the fitted model is used all the same
    return model


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The model fitted on every committed labelled set (``training_data``), once per process and
    kept between processes as a verified JSON file in the user's cache folder (``cached_fit``,
    ``config.cache_dir() / "models"``): the fit is the same for the same data and code."""
    from toolkit.config import cache_dir

    return cached_fit(training_data(), cache_dir() / "models")


_FLIP_CUES = ("L_neg", "L2_neg", "L_excl", "R_excl", "L_limit", "R_limit")
_OTHER_SEX = {"M": "F", "F": "M"}


def _decide(text: str, model: Model) -> tuple:
    """(flag, preferred sex, probability, kind, frame, start, end) of one text; the span is that of
    the reference with the largest share of the score."""
    feats = _features(text)
    if not feats:
        return (False, None, np.nan, None, None, -1, -1, False)
    union = set().union(*[f for _, _, f, _ in feats])
    p = 1.0 / (1.0 + math.exp(-model.score(union)))
    flag = bool(p >= model.threshold)
    sex, kind, f, (a, b) = max(feats, key=lambda r: model.score(r[2]))
    if not flag and kind not in ("ftitle", "mtitle"):  # a title that is not a call: name its sex
        titles = [r for r in feats if r[1] in ("ftitle", "mtitle")]
        if titles:
            sex, kind, f, (a, b) = titles[0]
    elif any(c in f for c in _FLIP_CUES) and "coordinated" not in f:  # "no women", "max 3 women": men
        sex = _OTHER_SEX[sex]
    return (flag, sex, float(p), kind, _frame(f), a, b, "coordinated" in union)


_FRAMES = [("quota", ("L_quota", "R_quota", "L_number")), ("pay", ("S_pay",)), ("marital", ("S_marital",)),
           ("body", ("L_body", "R_body")), ("exclusion", ("L_neg", "L_excl", "R_excl")),
           ("only", ("L_only", "R_only")), ("requirement", ("L_req", "R_req", "kind=code")),
           ("preference", ("L_pref", "R_pref")), ("recruiting", ("L_recruit", "R_recruit"))]


def _frame(f: set[str]) -> str:
    """The frame a reference sits in, named by the first cue class of ``_FRAMES`` in its window."""
    for name, keys in _FRAMES:
        if any(k in f for k in keys):
            return name
    return "title" if any(k in f for k in ("kind=ftitle", "kind=mtitle")) else "other"


def detect(texts: Iterable[str] | pd.Series, *, model: Model | None = None) -> pd.DataFrame:
    """Stages 1 and 2 on each text: ``flag``, ``preferred_sex`` (M, F or NA), ``probability`` (NaN
    when the text has no sex reference), ``kind`` of the deciding reference, its ``frame`` (quota,
    pay, marital, body, exclusion, only, requirement, preference, recruiting, title, other) and its
    ``start`` and ``end`` in the text (-1 without a reference), its ``sex`` (for an unflagged text, that
    of a job title marked for a sex when there is one) and ``both_sexes`` (a reference coordinated with
    one of the other sex: "hombres y mujeres").

    Examples
    --------
    >>> detect(["Se buscan cipotas para el empaque", "Vivienda separada para hombres y mujeres"])[
    ...     ["flag", "preferred_sex"]]
        flag preferred_sex
    0   True             F
    1  False          <NA>
    """
    model = model or default_model()
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    rows = [_decide(t, model) for t in s.astype("string").fillna("").tolist()]
    out = pd.DataFrame(rows, index=s.index, columns=["flag", "sex", "probability", "kind", "frame", "start", "end",
                                                     "both_sexes"])
    out["preferred_sex"] = out["sex"].where(out["flag"])
    out = out[["flag", "preferred_sex", "probability", "kind", "frame", "start", "end", "sex", "both_sexes"]]
    return out.astype({"flag": bool, "preferred_sex": "string", "probability": float, "kind": "string",
                       "frame": "string", "start": int, "end": int, "sex": "string", "both_sexes": bool})


# ------------------------------------------------------------------------------------------------
# evaluation: leave one writer out
def leave_one_writer_out(data: pd.DataFrame | None = None, *, C: float = 1.0,
                         threshold: float | None = None) -> pd.DataFrame:
    """Predictions on each writer's texts by a model fitted on every other writer, and by the model
    fitted on all (in sample).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Labelled texts with ``writer``, ``lang``, ``text``, ``label``, ``family``; default
        ``training_data()``.
    C : float
        Inverse penalty of the logistic regression (``fit``).
    threshold : float, optional
        Flag at P(preference) >= threshold; default ``THRESHOLD`` (chosen on these blind
        probabilities by ``choose_threshold``).

    Returns
    -------
    pandas.DataFrame
        ``data`` with ``blind_probability`` (P(preference) by the model that never saw the writer, 0
        without a sex reference), ``blind`` (its flag) and ``in_sample`` (flag of the model fitted on
        every writer).
    """
    data = (training_data() if data is None else data).reset_index(drop=True)
    threshold = THRESHOLD if threshold is None else threshold
    prob = np.zeros(len(data))
    for w in data["writer"].unique():
        test = (data["writer"] == w).to_numpy()
        model = fit(data[~test], C=C)
        prob[test] = np.nan_to_num(detect(data.loc[test, "text"], model=model)["probability"].to_numpy(), nan=0.0)
    full = fit(data, C=C, threshold=threshold)
    return data.assign(blind_probability=prob, blind=prob >= threshold,
                       in_sample=detect(data["text"], model=full)["flag"].to_numpy())


#: thresholds ``choose_threshold`` tries
THRESHOLD_GRID = tuple(round(0.3 + 0.05 * k, 2) for k in range(11))  # 0.30, 0.35, ..., 0.80
#: the precision every language must keep on the blind (leave-one-writer-out) scores
PRECISION_FLOOR = 0.95


def choose_threshold(predictions: pd.DataFrame, *, floor: float = PRECISION_FLOOR) -> float:
    """The threshold of the detector, chosen on blind probabilities only (never in sample): the lowest
    of ``THRESHOLD_GRID`` at which the pooled leave-one-writer-out precision of every language is at
    least ``floor`` (so recall is as high as that precision allows), or the grid's highest when none is.

    ``predictions`` as ``leave_one_writer_out`` returns (``lang``, ``label``, ``blind_probability``).
    precision = tp / (tp + fp) over every writer of the language.
    """
    label = predictions["label"].astype(int).to_numpy().astype(bool)
    prob = predictions["blind_probability"].to_numpy()
    langs = [(predictions["lang"] == code).to_numpy() for code in ("en", "es")]
    for t in THRESHOLD_GRID:
        flag = prob >= t
        if all(_prf(flag[m], label[m])["precision"] >= floor for m in langs):
            return t
    return THRESHOLD_GRID[-1]


def _prf(flag: np.ndarray, label: np.ndarray) -> dict:
    tp, fp, fn = int(np.sum(flag & label)), int(np.sum(flag & ~label)), int(np.sum(~flag & label))
    return {"n": int(flag.size), "positives": tp + fn, "flagged": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else np.nan, "recall": tp / (tp + fn) if tp + fn else np.nan,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan}


def score_table(predictions: pd.DataFrame, *, columns: Sequence[str] = ("blind", "in_sample"),
                pools: bool = True) -> pd.DataFrame:
    """Precision, recall and F1 by writer, language and family, for each prediction column.

    precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2 tp / (2 tp + fp + fn), NaN when the
    denominator is 0 (a family of negatives has no recall). Writers are also pooled: "new" (the
    writer corpora of ``writer_files``, written for issue 26 by writers who never saw the rules; only
    with ``pools``) and "all"; families are pooled as "all".

    Returns
    -------
    pandas.DataFrame
        One row per ``fit`` (a prediction column), ``writer``, ``lang`` and ``family`` with ``n``,
        ``positives``, ``flagged``, ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``.
    """
    d = predictions
    label = d["label"].astype(int).to_numpy().astype(bool)
    groups = {w: (d["writer"] == w).to_numpy() for w in d["writer"].unique()}
    if pools:
        groups["new"] = d["writer"].isin(list(writer_files())).to_numpy()
    groups["all"] = np.ones(len(d), dtype=bool)
    rows = []
    for col in columns:
        flag = d[col].to_numpy().astype(bool)
        for w, in_w in groups.items():
            if not in_w.any():
                continue
            for lang in ("en", "es"):
                in_l = in_w & (d["lang"] == lang).to_numpy()
                fams = ["all", *sorted(d.loc[in_l, "family"].unique())]
                for fam in fams:
                    keep = in_l if fam == "all" else in_l & (d["family"] == fam).to_numpy()
                    if keep.any():
                        rows.append({"fit": col, "writer": w, "lang": lang, "family": fam,
                                     **_prf(flag[keep], label[keep])})
    return pd.DataFrame(rows)
