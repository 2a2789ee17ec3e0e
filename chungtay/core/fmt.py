"""Vietnamese number formatting (1.200.000 đ; 20,30%) and diacritic folding for search."""
from __future__ import annotations

import math
import unicodedata
from functools import lru_cache


def number(x: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"  # 1,234,567.89
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def money(x: float | int | None, lang: str = "vi") -> str:
    if x is None:
        return "–"
    return f"{number(x, 0, lang)} đ" if lang == "vi" else f"{number(x, 0, lang)} VND"


def percent(x: float | None, decimals: int = 2, lang: str = "vi") -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{number(x, decimals, lang)}%"


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics ("Nguyễn Văn Á" -> "nguyen van a"); đ -> d."""
    if not text:
        return ""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return " ".join(t.lower().split())


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


# Vietnamese alphabetical order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; the
# Latin letters f j w z in their usual places); tones are the secondary key, in dictionary order
# ngang, huyền, hỏi, ngã, sắc, nặng. Letters with their vowel marks are separate letters, so "Đ"
# sorts after "D" (and not after "Z" as code-point order has it).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {c: i for i, c in enumerate(_ALPHABET)}
_VOWEL_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "horn"}   # breve, circumflex, horn
_WITH_MARK = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "horn"): "ơ",
              ("u", "horn"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letters(text: str):
    """(base letter, tone) for each character of ``text``, lower-cased, vowel marks applied."""
    t = unicodedata.normalize("NFD", text.lower())
    out: list[list] = []
    for c in t:
        if unicodedata.category(c) == "Mn":
            if not out:
                continue
            if c in _VOWEL_MARKS:
                out[-1][0] = _WITH_MARK.get((out[-1][0], _VOWEL_MARKS[c]), out[-1][0])
            elif c in _TONES:
                out[-1][1] = _TONES[c]
            continue
        out.append([c, 0])
    return out


@lru_cache(maxsize=1 << 16)          # names repeat their words ("Thôn", "Nguyễn"): lists sort thousands a page
def _word_key(word: str) -> tuple:
    letters: list[tuple] = []
    tones: list[int] = []
    digits = ""
    for ch, tone in _letters(word) + [["", 0]]:
        if ch.isdigit():
            digits += ch
            continue
        if digits:
            letters.append((1, int(digits)))
            digits = ""
        if ch in _LETTER:
            letters.append((2, _LETTER[ch]))
            tones.append(tone)
        elif ch:
            letters.append((3, ord(ch)))
    return tuple(letters), tuple(tones)


def sort_key(text: str | None) -> tuple:
    """Key for sorting Vietnamese names: ``sorted(names, key=fmt.sort_key)``.

    Syllable by syllable (as dictionaries do: "Ba Vì" before "Bà Rịa"); within a syllable the
    letters in Vietnamese alphabet order, case-insensitive, then the tone; runs of digits by
    their value ("Thôn 2" before "Thôn 10"). Last: the text itself, so that the order is total.
    """
    if not text:
        return ((), "")
    return (tuple(_word_key(w) for w in text.split()), text)


def sort_string(text: str | None, max_length: int = 600) -> str:
    """:func:`sort_key` as a string of digits, for a database column to ORDER BY (a plain
    ``ORDER BY name`` puts "Đ" after "Y" on SQLite and PostgreSQL alike). Only digits, in fixed
    widths, so that every collation compares it character by character: per word its letters
    ("10".."98", digit runs "01" + 10 digits, other characters "99" + 7 digits), "00", then one
    digit per letter for its tone (1–6) and "0" to end the word."""
    if not text:
        return ""
    out = []
    for word in text.split():
        letters, tones = _word_key(word)
        for kind, value in letters:
            if kind == 1:
                out.append(f"01{min(value, 10 ** 10 - 1):010d}")
            elif kind == 2:
                out.append(f"{10 + value:02d}")
            else:
                out.append(f"99{min(value, 10 ** 7 - 1):07d}")
        out.append("00" + "".join(str(t + 1) for t in tones) + "0")
    return "".join(out)[:max_length]
