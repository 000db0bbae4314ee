"""The ``parcours`` frame of :meth:`Dataset.to_frames`, built column-wise with NumPy.

Private to :mod:`citeslab_core.render.frames`. The pathways are those of the one pass of
:mod:`citeslab_core.derive.pathways` (:func:`~citeslab_core.derive.pathways.walk`, which
stays the reference: ``tests/test_frames.py`` holds the frame equal to it on generated
datasets), found here without a Python step per event:

- the events sorted by person, date and row (one stable ``argsort`` of integer keys);
- an event *opens* when it is an ``entretien``, or any event but a ``sortie`` followed on
  its day by an ``entretien`` before any ``sortie`` (the next ``entretien`` or ``sortie``
  of the person, found by one reversed running minimum); it *closes* when it is a
  ``sortie``. The other events change nothing about whether a pathway is open, so a
  pathway opens at an opening event whose previous opening-or-closing event (of the same
  person) is a closing one or none, and closes at the next closing event;
- the stage at a date: the last ``changement_stade`` on or before it (one
  ``searchsorted``), else the stage at entry;
- the référent: the few ``passage_relais`` events are read one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citeslab_core.model import Dataset
from citeslab_core.vocabularies import EventType, ExitResult, Stage, normalize

__all__ = ["pathways_frame"]

_CITESLAB_KEY = normalize("CitésLab")
#: Day numbers fit in 32 bits; a key packs (person, day + _SHIFT).
_SHIFT = 1 << 31
_NO_DAY = (1 << 32) - 1  # above every day: "no date" reads every change


def _openings(np: Any, types: Any, days: Any, person: Any) -> tuple[Any, Any]:
    """The sorted positions where a pathway opens, and for each the position of the
    ``sortie`` that closes it (-1: still open)."""
    count = len(types)
    if not count:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    entretien = types == list(EventType).index(EventType.ENTRETIEN)
    sortie = types == list(EventType).index(EventType.SORTIE)
    # next[i]: the first position after i holding an entretien or a sortie (count: none)
    marked = np.where(entretien | sortie, np.arange(count), count)
    following = np.minimum.accumulate(marked[::-1])[::-1]
    after = np.append(following[1:], count)
    valid = after < count
    target = np.where(valid, after, 0)
    later = valid & entretien[target] & (person[target] == person) & (days[target] == days)
    opening = entretien | (~sortie & later)
    steps = np.flatnonzero(opening | sortie)
    opens = opening[steps]
    same = np.zeros(len(steps), dtype=bool)
    same[1:] = person[steps[1:]] == person[steps[:-1]]
    previous_open = np.zeros(len(steps), dtype=bool)
    previous_open[1:] = opens[:-1]
    previous_open &= same
    starts = steps[opens & ~previous_open]
    closes = steps[~opens & previous_open]
    # closings alternate with openings, person by person: an opening's closing is the
    # next closing if it is the same person's
    at = np.searchsorted(closes, starts)
    found = at < len(closes)
    candidate = closes[np.where(found, at, 0)] if len(closes) else np.zeros_like(starts)
    closed = found & (person[candidate] == person[starts])
    return starts, np.where(closed, candidate, -1)


def _stages_at(np: Any, keys: Any, change_keys: Any, change_codes: Any, entry: Any) -> Any:
    """The stage (its code) at each ``keys`` (person, day): the last change on or before
    it, else the stage at entry."""
    at = np.searchsorted(change_keys, keys, side="right") - 1
    found = at >= 0
    at = np.where(found, at, 0)
    if len(change_keys):
        found &= (change_keys[at] >> 32) == (keys >> 32)
        return np.where(found, change_codes[at], entry)
    return entry


def _referents(
    np: Any, relays: Any, starts: Any, stops: Any, partners: Sequence[str | None]
) -> list[str]:
    """Each pathway's last référent (« CitésLab » or the partner's name): the
    ``passage_relais`` of each pathway read in order, as the pass reads them."""
    labels = ["CitésLab"] * len(starts)
    span = np.searchsorted(starts, relays, side="right") - 1
    keys = [_CITESLAB_KEY] * len(starts)
    for position, index in zip(relays.tolist(), span.tolist(), strict=True):
        if index < 0 or position >= stops[index]:
            continue  # a relay outside a pathway (an oddity) changes nothing
        name = partners[position] or ""
        key = normalize(name)
        if key != keys[index]:
            keys[index] = key
            labels[index] = "CitésLab" if key == _CITESLAB_KEY else name
    return labels


def pathways_frame(pd: Any, data: Dataset, labels: bool, spread: Any, from_days: Any) -> Any:
    """The ``parcours`` frame: one row per pathway, persons in the order of
    ``porteurs``, each person's pathways in order. ``spread`` gives the dataset's columns
    as arrays (:class:`citeslab_core.render._dataset_frame._Spread`: the sheets' frames made
    them already)."""
    import numpy as np

    persons, events = data.columns("porteurs"), data.columns("suivis")
    who = spread.positions(events["person"], persons["id"])
    days = spread.days(events["date"])
    order = np.argsort((who << 32) | (days + _SHIFT), kind="stable")
    who, days = who[order], days[order]
    types = spread.codes(events["type"], EventType)[order]
    starts, closes = _openings(np, types, days, who)
    ends = np.searchsorted(who, np.arange(len(persons) + 1))  # each person's first position
    stops = np.where(closes >= 0, closes + 1, ends[who[starts] + 1])
    owner = who[starts]
    first = np.searchsorted(owner, owner)  # each person's first pathway
    opened = days[starts]
    closed = np.where(closes >= 0, days[np.where(closes >= 0, closes, 0)], -(2**63))
    results = np.full(len(starts), -1, dtype="int64")
    results[closes >= 0] = spread.codes(events["result"], ExitResult)[order[closes[closes >= 0]]]
    changes = np.flatnonzero(types == list(EventType).index(EventType.CHANGEMENT_STADE))
    change_codes = spread.codes(events["stage"], Stage)[order[changes]]
    kept = change_codes >= 0
    changes, change_codes = changes[kept], change_codes[kept]
    change_keys = (who[changes] << 32) | (days[changes] + _SHIFT)
    entry = spread.codes(persons["stage_at_entry"], Stage)[owner]
    base = owner << 32
    at_end = np.where(closes >= 0, closed + _SHIFT, _NO_DAY)
    relays = np.flatnonzero(types == list(EventType).index(EventType.PASSAGE_RELAIS))
    partners = events["partner"]
    sorted_partners = [None] * len(types)
    for position, row in zip(relays.tolist(), order[relays].tolist(), strict=True):
        sorted_partners[position] = partners[row]
    ids = spread.texts(persons["id"])
    ids = np.asarray(persons["id"], dtype=object) if ids is None else ids

    def categorical(codes: Any, members: Sequence[Any]) -> Any:
        names = [m.label if labels else m.value for m in members]
        return pd.Categorical.from_codes(codes, categories=names, ordered=True)

    return pd.DataFrame(
        {
            "porteur": pd.array(ids.take(owner), dtype="string"),
            "numero": pd.array(np.arange(len(starts)) - first + 1, dtype="int64"),
            "ouverture": from_days(pd, opened),
            "cloture": from_days(pd, closed),
            "resultat": categorical(results, list(ExitResult)),
            "referent": pd.array(
                _referents(np, relays, starts, stops, sorted_partners), dtype="string"
            ),
            "stade_entree": categorical(
                _stages_at(np, base | (opened + _SHIFT), change_keys, change_codes, entry),
                list(Stage),
            ),
            "stade_fin": categorical(
                _stages_at(np, base | at_end, change_keys, change_codes, entry), list(Stage)
            ),
        }
    )
