"""The words people type instead of the codes, per column and code (``generate.py --messy``).

The labels of docs/workbook.md and a few of the usual variants; ``generate.py`` types them
with varied case, accents and spaces. ``pandas_baseline.py --messy`` maps them back to
codes through a normalised dictionary, the way an analyst would.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, list[str]]] = {
    "statut_residence": {
        "qpv": ["Quartier prioritaire", "QPV"],
        "qpv_limite": ["Quartier en limite", "QPV en limite"],
        "hors_qpv": ["Hors quartier", "hors QPV"],
    },
    "sexe": {
        "F": ["Femme", "femmes", "féminin"],
        "H": ["Homme", "hommes", "masculin"],
    },
    "niveau_formation": {
        "infra_3": ["Fin de scolarité obligatoire (niveaux 1-2)", "sans diplôme", "niveau 1-2"],
        "3": ["CAP, BEP", "CAP", "niveau 3"],
        "4": ["Bac", "niveau 4", "Bac, brevet de technicien, brevet professionnel"],
        "5": ["Bac+2 (DUT, BTS…)", "Bac + 2", "BTS", "niveau 5"],
        "6": ["Bac+3 et 4 (licence, BUT, maîtrise)", "licence", "Bac+3"],
        "7": ["Bac+5 (master, ingénieur)", "master", "niveau 7"],
        "8": ["Doctorat", "niveau 8"],
    },
    "situation_entree": {
        "de_non_indemnise": [
            "Demandeur d'emploi non indemnisé",
            "demandeuse d'emploi non indemnisée",
        ],
        "de_indemnise": ["Demandeur d'emploi indemnisé", "demandeuse d'emploi indemnisée"],
        "salarie": ["Salarié(e)", "salarié", "salariée"],
        "independant": ["Indépendant(e)", "indépendante"],
        "etudiant": ["Étudiant(e) ou en formation", "étudiante", "en formation"],
        "inactif": ["Sans activité", "inactive"],
        "autre": ["Autre"],
    },
    "minima_sociaux": {
        "rsa": ["RSA"],
        "ass": ["ASS"],
        "aah": ["AAH"],
        "aucun": ["Aucun", "non", "sans"],
    },
    "canal": {
        "action_citeslab": ["Action CitésLab", "internet", "réseaux sociaux"],
        "bouche_a_oreille": ["Bouche à oreille", "bouche-à-oreille"],
        "partenaire": ["Partenaires", "prescripteur"],
    },
    "secteur": {
        "restauration": ["Restauration"],
        "services_personne": ["Services à la personne"],
        "artistique": ["Artistique"],
        "association": ["Association"],
        "commerce": ["Commerce"],
        "batiment": ["Bâtiment"],
        "numerique": ["Numérique"],
        "divers": ["Divers"],
    },
    "stade_entree": {
        "intentionniste": ["Intentionniste"],
        "en_devenir": ["En devenir", "porteur de projet"],
        "en_activite": ["En activité", "créateur", "créatrice"],
    },
    "type": {
        "entretien": ["Entretien individuel", "Entretien"],
        "point_etape": ["Point d'étape", "point d etape"],
        "orientation": ["Orientation"],
        "candidature_programme": ["Candidature à un programme", "candidature"],
        "decision_programme": ["Décision d'un programme", "décision"],
        "sortie": ["Sortie"],
    },
    "categorie": {
        "creation": ["Acteurs de la création", "création"],
        "emploi": ["Acteurs de l'emploi"],
        "formation_insertion": ["Acteurs de la formation et de l'insertion", "formation"],
        "autre": ["Autres"],
    },
    "decision": {
        "retenu": ["Retenu(e)", "retenue", "accepté"],
        "non_retenu": ["Non retenu(e)", "non retenue", "refusé"],
    },
    "resultat": {
        "creation": ["Création"],
        "poursuite": ["Poursuite du processus entrepreneurial"],
        "emploi_formation": ["Amorçage emploi / formation"],
        "sans_nouvelles": ["Sans nouvelles"],
        "abandon": ["Abandon"],
    },
}
