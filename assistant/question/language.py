"""Which language a question is in: Dutch, English, or another one (then the assistant answers in Dutch and says so)."""

from __future__ import annotations

import re
from typing import Literal

from assistant.data import language_words

Language = Literal["nl", "en", "other"]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Latin Extended-A (ą ć ę ł ń ś ź ż, ğ ş ı, ő ű …): letters Dutch and English do not use.
_OTHER_LATIN = re.compile("[\u0100-\u017f]")


def detect_language(text: str) -> Language:
    """Count function words of each language; non-Latin scripts or no known words give 'other'."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() or "À" <= ch <= "ÿ" for ch in letters) / len(letters) < 0.6:
        return "other"
    words = [word.lower() for word in _WORD.findall(text)]
    known = language_words()
    nl = sum(word in known["nl"] for word in words)
    en = sum(word in known["en"] for word in words)
    if nl == en == 0:
        # A few bare Dutch domain words ("dyslexie balans?") are Dutch; a longer sentence of unknown words is not.
        return "nl" if 0 < len(words) <= 3 else "other"
    # Polish or Turkish in Latin letters shares the odd short word with English ('do', 'a'): a sentence in which
    # hardly a word is Dutch or English, or that has letters neither language writes (ł, ż, ş, ğ), is another one.
    known_share = (nl + en) / len(words)
    if (len(words) >= 5 and known_share < 0.2) or (_OTHER_LATIN.search(text) and known_share < 0.34):
        return "other"
    return "en" if en > nl else "nl"
