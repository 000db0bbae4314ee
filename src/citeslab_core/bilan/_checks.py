"""The wording of the bilan's checks: counted messages agreeing with their count (« Des »
when masked), in one place for :func:`~citeslab_core.bilan.compute_bilan` and for
masking a computed bilan (:func:`citeslab_core.network.mask_bilan`).
"""

from __future__ import annotations

from citeslab_core.french import format_count, is_singular

#: The checks whose message starts with a count of persons (or exits), masked in public
#: mode: their singular and plural wording, in one place for compute_bilan and for
#: masking a computed bilan (network.mask_bilan).
COUNTED_CHECKS: dict[str, tuple[str, str]] = {
    "age_moins_18": (
        "{n} personne accompagnée avait moins de 18 ans au premier entretien : "
        "vérifiez sa date de naissance.",
        "{n} personnes accompagnées avaient moins de 18 ans au premier entretien : "
        "vérifiez les dates de naissance.",
    ),
    "sans_premier_entretien": (
        "{n} personne accompagnée n'a aucun entretien individuel : son âge est pris "
        "à son premier suivi et son orientation au premier rendez-vous comptée en "
        "« Autres ».",
        "{n} personnes accompagnées n'ont aucun entretien individuel : leur âge est "
        "pris à leur premier suivi et leur orientation au premier rendez-vous "
        "comptée en « Autres ».",
    ),
    "sortie_sans_contact": (
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
