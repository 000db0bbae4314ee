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

__all__ = ["identity_key"]


def identity_key(text: str) -> str:
    """The form under which two names are the same name.

    - format characters removed (Unicode category Cf: zero-width spaces and joiners, the
      byte order mark, the soft hyphen, bidirectional marks), invisible on screen;
    - NFKC normalisation: composed and decomposed accents alike, and compatibility forms
      too (fullwidth ``Ｐ００１`` is ``P001``, a no-break space is a space, ``ﬁ`` is ``fi``);
    - case folded (``P001`` is ``p001``, ``Straße`` is ``strasse``);
    - runs of white space made one space, none at the ends.

    Accents stay: ``Pontanézen`` and ``Pontanezen`` are two names (unlike vocabulary
    values, which :func:`~citeslab_core.vocabularies.normalize` compares without them).
    """
    if text.isascii():
        return " ".join(text.split()).lower()
    if any(unicodedata.category(char) == "Cf" for char in text):
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())
