"""The bilan's checks (:class:`~citeslab_core.bilan.checks.Check`), built from the computed
figures, and their wording: counted messages agreeing with their count (« Des » when
masked), in one place for :func:`~citeslab_core.bilan.compute_bilan` and for masking a
computed bilan (:func:`citeslab_core.network.mask_bilan`).

:func:`sorted_checks` lists them as the bilan does: errors, then warnings, then
information, each group in the order found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from citeslab_core.bilan._activity import _table_cell
from citeslab_core.bilan._results import TABLE_TITLES, Table
from citeslab_core.bilan._scan import _Tally
from citeslab_core.bilan.checks import Check, CheckCode
from citeslab_core.bilan.disclosure import mask_value
from citeslab_core.french import format_count, is_singular
from citeslab_core.vocabularies import AgeBracket

#: The checks whose message starts with a count of persons (or exits), masked in public
#: mode: their singular and plural wording, in one place for compute_bilan and for
#: masking a computed bilan (network.mask_bilan).
COUNTED_CHECKS: dict[str, tuple[str, str]] = {
    CheckCode.UNDER_18: (
        "{n} personne accompagnée avait moins de 18 ans au premier entretien : "
        "vérifiez sa date de naissance.",
        "{n} personnes accompagnées avaient moins de 18 ans au premier entretien : "
        "vérifiez les dates de naissance.",
    ),
    CheckCode.NO_FIRST_ENTRETIEN: (
        "{n} personne accompagnée n'a aucun entretien individuel : son âge est pris "
        "à son premier suivi et son orientation au premier rendez-vous comptée en "
        "« Autres ».",
        "{n} personnes accompagnées n'ont aucun entretien individuel : leur âge est "
        "pris à leur premier suivi et leur orientation au premier rendez-vous "
        "comptée en « Autres ».",
    ),
    CheckCode.EXIT_WITHOUT_CONTACT: (
        "{n} sortie datée de la période concerne une personne sans entretien ni "
        "point d'étape dans la période : elle n'est pas dans les résultats.",
        "{n} sorties datées de la période concernent des personnes sans entretien "
        "ni point d'étape dans la période : elles ne sont pas dans les résultats.",
    ),
}


def counted_check_message(code: str, count: int | None) -> str:
    """The message of the counted check ``code`` for ``count`` (None: masked, « Des … »)."""
    singular, plural = COUNTED_CHECKS[code]
    return _agree(count, singular, plural)


def _agree(count: int | None, singular: str, plural: str) -> str:
    """A check's message agreeing with ``count`` (babel's French plural rules:
    :func:`~citeslab_core.french.is_singular`); ``{n}`` is the count, or « Des » when it
    is masked (``k`` is 0 outside public mode: nothing is)."""
    if count is None:
        return plural.replace("{n}", "Des")
    text = singular if is_singular(count) else plural
    return text.replace("{n}", format_count(count))


def sorted_checks(checks: Iterable[Check]) -> tuple[Check, ...]:
    """``checks`` by severity, most serious first, each severity in the order given."""
    return tuple(sorted(checks, key=lambda c: c.severity.rank))


def disclosure_checks(unprotected: Iterable[str]) -> list[Check]:
    """(Public mode) a ``secret_statistique_limite`` check per table, by key, that masking
    cannot protect."""
    return [
        Check.of(
            CheckCode.DISCLOSURE_LIMIT,
            f"Tableau « {TABLE_TITLES[key]} » : toutes ses cases sont masquées, mais une "
            "case masquée reste déductible du total publié (chaque ligne compte une "
            "personne, ou le tableau n'a qu'une ligne) : ne publiez pas ce tableau.",
        )
        for key in unprotected
    ]


def table_checks(tables: Mapping[str, Table[int | None]], tally: _Tally) -> list[Check]:
    """A ``table_incoherente`` check per table whose true counts do not add up to the
    accompanied (defensive: cannot happen)."""
    checks = []
    accompanied = tally.accompanied
    for key, table in tables.items():
        true_total = sum(tally.counters[key].values())
        if true_total != accompanied:  # pragma: no cover (defensive: cannot happen)
            checks.append(
                Check.of(
                    CheckCode.TABLE_MISMATCH,
                    f"Tableau « {table.title} » : {format_count(true_total)} personnes pour "
                    f"{format_count(accompanied)} accompagnées.",
                )
            )
    return checks


def animation_checks(no_participants: int) -> list[Check]:
    """The animations held with no number of participants, if any."""
    if not no_participants:
        return []
    message = _agree(
        no_participants,
        "{n} animation réalisée sans nombre de participants : comptée pour 0 participant.",
        "{n} animations réalisées sans nombre de participants : comptées pour 0 participant.",
    )
    return [Check.of(CheckCode.ANIMATION_WITHOUT_PARTICIPANTS, message)]


def person_checks(
    tally: _Tally, exits_outside: int, tables: Mapping[str, Table[int | None]], k: int
) -> list[Check]:
    """The counted checks of the persons (:data:`COUNTED_CHECKS`), masked like the tables:
    under 18 (the table's own cell), no entretien, exits with no contact in the period."""
    checks = []
    if tally.counters["tranche_age"][AgeBracket.UNDER_18.code]:
        count = _table_cell(tables, "tranche_age", AgeBracket.UNDER_18.code)
        checks.append(_counted(CheckCode.UNDER_18, count))
    if tally.no_entretien:
        checks.append(_counted(CheckCode.NO_FIRST_ENTRETIEN, mask_value(tally.no_entretien, k)))
    if exits_outside:
        checks.append(_counted(CheckCode.EXIT_WITHOUT_CONTACT, mask_value(exits_outside, k)))
    return checks


def partnership_checks(undated: int) -> list[Check]:
    """The partnerships with no date (absent from the bilan), if any."""
    if not undated:
        return []
    message = _agree(
        undated,
        "{n} partenariat sans date : absent du bilan.",
        "{n} partenariats sans date : absents du bilan.",
    )
    return [Check.of(CheckCode.UNDATED_PARTNERSHIP, message)]


def _counted(code: CheckCode, count: int | None) -> Check:
    return Check.of(code, counted_check_message(code, count))
