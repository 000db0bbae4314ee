"""The bilan's checks: one definition of each.

- :class:`Severity` (defined in :mod:`citeslab_core.vocabularies`, below the rules and the
  bilan, re-exported here): the one scale of the follow-up's findings
  (:class:`citeslab_core.derive.rules.Finding`) and of the bilan's checks (:class:`Check`), most
  serious first; its value is the code JSON carries (``gravite``), its label the French
  word a person reads.
- :class:`CheckCode`: every code a :class:`Check` may carry, with its severity. The codes
  are a contract of the bilan's JSON (``controles[].code``): docs/bilan.md,
  docs/compte-rendu-financier.md and docs/network.md list them, and a test holds the
  three pages and this enum together.
- :class:`Check`: a consistency finding of the bilan (code, severity, French message).

A leaf module (it imports only the vocabularies), so that the funding, the compte
rendu financier, the bilan and the network build their checks from one class.
"""

from __future__ import annotations

import enum

import attrs

from citeslab_core.errors import unknown_member
from citeslab_core.vocabularies import Severity

__all__ = ["Check", "CheckCode", "Severity"]


class CheckCode(enum.StrEnum):
    """The code of a check of the bilan (the JSON's ``controles[].code``), and its severity.

    A member is a ``str`` equal to its code: ``check.code == CheckCode.UNDER_18`` and
    ``check.code == "age_moins_18"`` say the same.
    """

    @classmethod
    def _missing_(cls, value: object) -> CheckCode:
        raise unknown_member(cls, value)

    #: a portrait table does not add up to the accompanied (must never happen)
    TABLE_MISMATCH = "table_incoherente"
    #: accompanied persons under 18 at their first entretien
    UNDER_18 = "age_moins_18"
    #: accompanied persons with no entretien
    NO_FIRST_ENTRETIEN = "sans_premier_entretien"
    #: a declared total cost differs from the sum of the funding
    TOTAL_COST_MISMATCH = "cout_total_incoherent"
    #: several different total costs declared for one year and nature
    CONFLICTING_TOTAL_COSTS = "cout_total_contradictoire"
    #: a declared share more than half a point away from the computed one
    DECLARED_SHARE_MISMATCH = "part_declaree_incoherente"
    #: a funder's share above its cap
    CAP_EXCEEDED = "plafond_depasse"
    #: planned and actual funding further apart than the site's threshold
    FUNDING_GAP = "ecart_financement"
    #: no actual funding for the year
    NO_FUNDING = "financement_absent"
    #: animations held with no number of participants
    ANIMATION_WITHOUT_PARTICIPANTS = "animation_sans_participants"
    #: exits of the period of persons with no contact in the period
    EXIT_WITHOUT_CONTACT = "sortie_sans_contact"
    #: partnerships with no date
    UNDATED_PARTNERSHIP = "partenariat_sans_date"
    #: (public mode) a table that masking cannot protect
    DISCLOSURE_LIMIT = "secret_statistique_limite"
    #: the compte rendu financier's charges and products are not balanced
    BUDGET_UNBALANCED = "crf_desequilibre"
    #: a funder's lines 74 do not make its amount in the funding sheet
    SUBSIDY_MISMATCH = "crf_subvention_incoherente"
    #: a budget gap above the threshold with no explanation
    UNEXPLAINED_GAP = "crf_ecart_non_explique"
    #: (network) sites declaring different populations for one neighbourhood
    POPULATION_MISMATCH = "population_incoherente"

    @property
    def severity(self) -> Severity:
        """The severity every check of this code has."""
        return _CODE_SEVERITIES[self]


_CODE_SEVERITIES = {
    CheckCode.TABLE_MISMATCH: Severity.ERROR,
    CheckCode.UNDER_18: Severity.WARNING,
    CheckCode.NO_FIRST_ENTRETIEN: Severity.WARNING,
    CheckCode.TOTAL_COST_MISMATCH: Severity.WARNING,
    CheckCode.CONFLICTING_TOTAL_COSTS: Severity.WARNING,
    CheckCode.DECLARED_SHARE_MISMATCH: Severity.WARNING,
    CheckCode.CAP_EXCEEDED: Severity.WARNING,
    CheckCode.FUNDING_GAP: Severity.WARNING,
    CheckCode.NO_FUNDING: Severity.INFO,
    CheckCode.ANIMATION_WITHOUT_PARTICIPANTS: Severity.INFO,
    CheckCode.EXIT_WITHOUT_CONTACT: Severity.INFO,
    CheckCode.UNDATED_PARTNERSHIP: Severity.INFO,
    CheckCode.DISCLOSURE_LIMIT: Severity.INFO,
    CheckCode.BUDGET_UNBALANCED: Severity.ERROR,
    CheckCode.SUBSIDY_MISMATCH: Severity.ERROR,
    CheckCode.UNEXPLAINED_GAP: Severity.WARNING,
    CheckCode.POPULATION_MISMATCH: Severity.WARNING,
}


@attrs.frozen
class Check:
    """A consistency finding of the bilan: code (a :class:`CheckCode` value), severity
    (``erreur``, ``avertissement`` or ``info``, a :class:`Severity`: a code given as text
    is turned into its member) and a French message.

    ``code`` is a plain ``str`` (a :class:`CheckCode` given is stored as its value): a bilan
    file written by another version may carry a code this one does not know.
    :meth:`of` builds a check with its code's severity.
    """

    code: str = attrs.field(converter=str)
    severity: Severity = attrs.field(converter=Severity)
    message: str

    @classmethod
    def of(cls, code: CheckCode, message: str) -> Check:
        """The check ``code`` with its own severity (:attr:`CheckCode.severity`)."""
        return cls(code, code.severity, message)
