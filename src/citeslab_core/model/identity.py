"""When two texts name the same thing: person ids, neighbourhoods, programmes.

A person id typed ``P001`` in ``porteurs`` and ``p001 `` in ``suivis``, a neighbourhood
written ``Kerourien`` in ``quartiers`` and ``Kerourien`` with a zero-width space (pasted
from a web page) in ``porteurs``, a programme in composed and decomposed accents: each pair
looks the same on screen and must be one thing, else a person is counted twice or loses
their residence status. :func:`identity_key` is the form under which such names are
compared; the records keep the text as written (:meth:`citeslab_core.model.Dataset.build`
makes every reference use the declared spelling).
"""

from __future__ import annotations

import unicodedata

__all__ = ["identity_key", "is_default_ignorable"]

#: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15): code
#: points a renderer shows as nothing. Besides the format characters (Cf) it holds the
#: combining grapheme joiner (U+034F) and the variation selectors (U+FE00-FE0F,
#: U+E0100-E01EF), which are marks (Mn), and the Hangul fillers (Lo).
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` is a default-ignorable code point (invisible) or a format
    character (category Cf)."""
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(
        low <= code <= high for low, high in _DEFAULT_IGNORABLE
    )


def identity_key(text: str) -> str:
    """The form under which two names are the same name.

    - invisible characters removed: format characters (Unicode category Cf: zero-width
      spaces and joiners, the byte order mark, the soft hyphen, bidirectional marks) and
      every other default-ignorable code point (the combining grapheme joiner, variation
      selectors, Hangul fillers);
    - NFKC normalisation: composed and decomposed accents alike, and compatibility forms
      too (fullwidth ``Ｐ００１`` is ``P001``, a no-break space is a space, ``ﬁ`` is ``fi``);
    - case folded (``P001`` is ``p001``, ``Straße`` is ``strasse``);
    - runs of white space made one space, none at the ends.

    Accents stay: ``Pontanézen`` and ``Pontanezen`` are two names (unlike vocabulary
    values, which :func:`~citeslab_core.vocabularies.normalize` compares without them).
    """
    if text.isascii():
        return " ".join(text.split()).lower()
    if any(is_default_ignorable(char) for char in text):
        text = "".join(char for char in text if not is_default_ignorable(char))
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())
