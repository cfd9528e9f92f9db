# SPDX-License-Identifier: EUPL-1.2
"""Dutch text analysis shared by both search backends: normalise, tokenise, stem, fuzzy-match.

PostgreSQL indexes with its ``dutch`` text search configuration (Snowball ``dutch_stem`` and
the ``dutch.stop`` stop words, with ``unaccent`` in front). SQLite has no Dutch stemmer, so
this module ports the same Snowball algorithm to Python; a PostgreSQL-only test checks that
both stem every word of the test data alike (``tests/register/test_text.py``). Text is first
normalised here, for both databases, so that both see the same tokens:
lower case, accents removed, everything that is not a letter or digit becomes a space.

Sources:
- Snowball "Dutch stemming algorithm" (the original one, as shipped in PostgreSQL 15's
  ``src/backend/snowball/libstemmer/stem_UTF_8_dutch.c``):
  https://snowballstem.org/algorithms/dutch/stemmer.html (BSD licence).
- Stop words: PostgreSQL ``share/tsearch_data/dutch.stop`` (from Snowball, BSD licence).
- Trigram similarity: PostgreSQL ``contrib/pg_trgm`` (two spaces before a word, one after).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

# --- normalising --------------------------------------------------------------------------

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}  # noqa: RUF001 - dotless i
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, no accents, only ``[a-z0-9]`` words separated by single spaces.

    ``"Verzorgende-IG (mbo-3), 'café'"`` becomes ``"verzorgende ig mbo 3 cafe"``. The hyphen
    splits a word: PostgreSQL's parser would also index the parts of ``verzorgende-ig``.
    """
    text = text.lower()
    if not text.isascii():
        # NFKD splits "é" into "e" and a combining accent (and "ĳ" into "ij"); encoding to
        # ASCII drops the accents and whatever has no Latin letter.
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = text.encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, in order, stop words included."""
    norm = normalise(text)
    return norm.split() if norm else []


# --- stop words ---------------------------------------------------------------------------

#: PostgreSQL 15 ``tsearch_data/dutch.stop``, the Snowball Dutch stop word list (101 words).
STOP_WORDS = frozenset(
    (
        "de", "en", "van", "ik", "te", "dat", "die", "in", "een", "hij", "het", "niet", "zijn",
        "is", "was", "op", "aan", "met", "als", "voor", "had", "er", "maar", "om", "hem", "dan",
        "zou", "of", "wat", "mijn", "men", "dit", "zo", "door", "over", "ze", "zich", "bij", "ook",
        "tot", "je", "mij", "uit", "der", "daar", "haar", "naar", "heb", "hoe", "heeft", "hebben",
        "deze", "u", "want", "nog", "zal", "me", "zij", "nu", "ge", "geen", "omdat", "iets",
        "worden", "toch", "al", "waren", "veel", "meer", "doen", "toen", "moet", "ben", "zonder",
        "kan", "hun", "dus", "alles", "onder", "ja", "eens", "hier", "wie", "werd", "altijd",
        "doch", "wordt", "wezen", "kunnen", "ons", "zelf", "tegen", "na", "reeds", "wil", "kon",
        "niets", "uw", "iemand", "geweest", "andere",
    )
)  # fmt: skip


# --- the Snowball Dutch stemmer -----------------------------------------------------------

_V = frozenset("aeiouyè")  # Snowball grouping v
_V_I = _V | {"I"}
_V_J = _V | {"j"}
_ACCENTS = str.maketrans("äëïöüáéíóú", "aeiouaeiou")


def _undouble(w: str) -> str:
    return w[:-1] if w.endswith(("kk", "dd", "tt")) else w


def _en_ending(w: str, start: int, p1: int) -> str | None:
    """Snowball ``en_ending`` for a suffix beginning at ``start``: delete it when it is in R1,
    follows a non-vowel and does not follow ``gem``; then undouble. None when it fails."""
    if start < p1 or start == 0 or w[start - 1] in _V or w[:start].endswith("gem"):
        return None
    return _undouble(w[:start])


def _e_ending(w: str, p1: int) -> tuple[str, bool]:
    """Snowball ``e_ending``: delete a final e in R1 after a non-vowel, then undouble."""
    start = len(w) - 1
    if w.endswith("e") and start >= p1 and start > 0 and w[start - 1] not in _V:
        return _undouble(w[:start]), True
    return w, False


def _regions(w: str) -> tuple[int, int]:
    """R1 and R2 as positions (Snowball ``mark_regions``); R1 starts at 3 at the earliest."""
    n = len(w)

    def after_vowel_consonant(i: int) -> int | None:
        while i < n and w[i] not in _V:
            i += 1
        if i >= n:
            return None
        i += 1
        while i < n and w[i] in _V:
            i += 1
        if i >= n:
            return None
        return i + 1

    p1 = p2 = n
    first = after_vowel_consonant(0)
    if first is not None:
        p1 = max(first, 3)
        second = after_vowel_consonant(first)
        if second is not None:
            p2 = second
    return p1, p2


def _prelude(word: str) -> str:
    w = list(word.translate(_ACCENTS))
    if w and w[0] == "y":
        w[0] = "Y"
    # i between vowels and y after a vowel act as consonants (upper case marks them).
    i = 0
    while i < len(w) - 1:
        if w[i] in _V:
            if w[i + 1] == "i" and i + 2 < len(w) and w[i + 2] in _V:
                w[i + 1] = "I"
            elif w[i + 1] == "y":
                w[i + 1] = "Y"
        i += 1
    return "".join(w)


def _standard_suffix(w: str, p1: int, p2: int) -> str:
    # Step 1: the longest of heden / ene, en / se, s.
    if w.endswith("heden"):
        if len(w) - 5 >= p1:
            w = w[:-5] + "heid"
    elif w.endswith(("ene", "en")):
        start = len(w) - (3 if w.endswith("ene") else 2)
        w = _en_ending(w, start, p1) or w
    elif w.endswith(("se", "s")):
        start = len(w) - (2 if w.endswith("se") else 1)
        if start >= p1 and start > 0 and w[start - 1] not in _V_J:
            w = w[:start]
    # Step 2: a final e.
    w, e_found = _e_ending(w, p1)
    # Step 3a: heid.
    if w.endswith("heid"):
        start = len(w) - 4
        if start >= p2 and not w[:start].endswith("c"):
            w = w[:start]
            if w.endswith("en"):
                w = _en_ending(w, len(w) - 2, p1) or w
    # Step 3b: the d-suffixes, longest first.
    for suffix in ("lijk", "baar", "end", "ing", "bar", "ig"):
        if not w.endswith(suffix):
            continue
        start = len(w) - len(suffix)
        if suffix in ("end", "ing"):
            if start >= p2:
                w = w[:start]
                if w.endswith("ig") and len(w) - 2 >= p2 and not w[:-2].endswith("e"):
                    w = w[:-2]
                else:
                    w = _undouble(w)
        elif suffix == "ig":
            if start >= p2 and not w[:start].endswith("e"):
                w = w[:start]
        elif suffix == "lijk":
            if start >= p2:
                w, _ = _e_ending(w[:start], p1)
        elif suffix == "baar":
            if start >= p2:
                w = w[:start]
        elif suffix == "bar" and start >= p2 and e_found:
            w = w[:start]
        break
    # Step 4: undouble a vowel: CVVD -> CVD (maan -> man), D not a vowel nor I.
    if (
        len(w) >= 4
        and w[-1] not in _V_I
        and w[-3:-1] in ("aa", "ee", "oo", "uu")
        and w[-4] not in _V
    ):
        w = w[:-2] + w[-1]
    return w


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball Dutch stem of one normalised word (``lassen`` -> ``lass`` -> ``las``).

    Words with a digit are kept as they are: PostgreSQL's parser calls them ``numword`` or
    ``uint`` and the ``dutch`` configuration maps those to the ``simple`` dictionary.
    """
    if not word or any(ch.isdigit() for ch in word):
        return word
    w = _prelude(word)
    p1, p2 = _regions(w)
    w = _standard_suffix(w, p1, p2)
    return w.replace("I", "i").replace("Y", "y")


def lexemes(text: str) -> list[str]:
    """The stems of a text without stop words, in order: what goes into the index."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def index_text(text: str) -> str:
    """Stems joined by spaces (the SQLite FTS5 column text)."""
    return " ".join(lexemes(text))


# --- fuzzy matching -----------------------------------------------------------------------


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one normalised word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm ``similarity(a, b)``: shared trigrams over all distinct trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), capped at ``limit``: a swap of
    two neighbouring letters counts as one typo, as people make them."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


#: A vocabulary word is a typo candidate at this pg_trgm similarity or more (pg_trgm's own
#: default ``pg_trgm.similarity_threshold``), so PostgreSQL's ``%`` operator finds them all.
SIMILARITY_THRESHOLD = 0.3


def max_typos(word: str) -> int:
    """How many typos a word may have: one in a short word, two from eight letters."""
    return 1 if len(word) < 8 else 2


def best_correction(word: str, candidates: Iterable[tuple[str, int]]) -> str | None:
    """The vocabulary word the user most likely meant, or None.

    ``candidates`` are ``(word, document frequency)`` pairs. A candidate counts when its
    trigram similarity reaches :data:`SIMILARITY_THRESHOLD` and its edit distance is at most
    :func:`max_typos`; the nearest wins, then the most frequent, then the first in the
    alphabet, so both databases pick the same one.
    """
    limit = max_typos(word)
    best: tuple[int, int, str] | None = None
    for cand, df in candidates:
        if cand == word or similarity(word, cand) < SIMILARITY_THRESHOLD:
            continue
        dist = edit_distance(word, cand, limit + 1)
        if dist > limit:
            continue
        key = (dist, -df, cand)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def iter_vocabulary(texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Every ``(word, stem)`` in the texts, stop words and numbers excluded, once per text."""
    for text in texts:
        seen: set[str] = set()
        for w in words(text):
            if w in STOP_WORDS or w in seen or len(w) < 3 or any(c.isdigit() for c in w):
                continue
            seen.add(w)
            yield w, stem(w)
