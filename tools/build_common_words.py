"""Write ``toolkit/data/common_words.txt``: the common English and Spanish words that the sex-word
matcher never treats as a misspelling (``toolkit.preference``).

A word is common when its Zipf frequency (log10 of occurrences per billion words) is at least
``ZIPF_MIN`` in English or in Spanish in ``wordfreq`` (Speer 2022, the package's bundled data: no
download). Words are folded as the matcher folds them (lower case, accents dropped) and kept when they
are letters only. Run with an environment that has ``wordfreq>=3,<4`` (not a dependency of the
toolkit; the output file is committed)::

    python tools/build_common_words.py

References
----------
Speer, R. (2022). rspeer/wordfreq: v3.0. Zenodo. https://doi.org/10.5281/zenodo.7199437
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

ZIPF_MIN = 2.5
OUT = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "common_words.txt"


def fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def main() -> None:
    from wordfreq import iter_wordlist, zipf_frequency

    words = set()
    for lang in ("en", "es"):
        for w in iter_wordlist(lang):
            if zipf_frequency(w, lang) < ZIPF_MIN:
                break
            f = fold(w)
            if f.isalpha() and f.isascii():
                words.add(f)
    header = (f"# common English and Spanish words (wordfreq Zipf >= {ZIPF_MIN}), folded; "
              f"written by tools/build_common_words.py\n")
    OUT.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT}")


if __name__ == "__main__":
    main()
