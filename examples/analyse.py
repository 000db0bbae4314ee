# %% [markdown]
# # Analyser un CitésLab dans un notebook
#
# Ce carnet charge l'exemple fourni avec citeslab (un CitésLab de Brest fictif dont les
# chiffres 2023 sont ceux du bilan publié), le met en DataFrames pandas, compare 2022 et
# 2023, montre chaque tableau du portrait avec son graphique et suit l'activité trimestre
# par trimestre. Remplacez `load_example()` par `read_input(Path("mon-classeur.xlsx"))`
# pour travailler sur vos propres données.
#
# Il faut `pip install 'citeslab[pandas]'` (et Jupyter pour l'ouvrir comme carnet :
# `examples/analyse.ipynb` est ce même fichier au format notebook).

# %%
from __future__ import annotations

import pandas as pd

from citeslab_core import Period, Sex, compare, compute_bilan, load_example

try:  # in Jupyter, tables and bilans show as HTML with their charts
    from IPython.display import display
except ImportError:  # run as a plain script: their short text form
    display = print

data = load_example()
display(data)

# %% [markdown]
# ## Les données en DataFrames
#
# Une table par feuille (`porteurs`, `suivis`, …) plus `parcours`. Les vocabulaires sont
# des catégories ordonnées (les codes, ou les libellés avec `labels=True`) ; aucune
# colonne d'identité ni de texte libre sans `private=True`.

# %%
frames = data.to_frames()
porteurs = frames["porteurs"]
suivis = frames["suivis"]
print({name: len(frame) for name, frame in frames.items()})
display(porteurs.head())

# %%
# Répartition des porteurs par sexe et par stade à l'entrée, dans l'ordre des vocabulaires
display(pd.crosstab(porteurs["stade_entree"], porteurs["sexe"], dropna=False))

# %%
# Suivis par mois et par type
par_mois = suivis.groupby([suivis["date"].dt.to_period("M"), "type"], observed=True).size()
display(par_mois.unstack(fill_value=0).tail())

# %%
# Financements réalisés par année (la nature par défaut est « realise », jamais vide)
financements = frames["financements"]
display(
    financements[financements["nature"] == "realise"].pivot_table(
        index="annee", columns="financeur", values="montant", aggfunc="sum", observed=True
    )
)

# %% [markdown]
# ## Le bilan 2023 et la comparaison avec 2022

# %%
bilan_2022 = compute_bilan(data, year=2022)
bilan_2023 = compute_bilan(data, year=2023)
display(bilan_2023)
femmes = bilan_2023.table("sexe").row(Sex.F)
print("Femmes accompagnées en 2023 :", femmes.count if femmes else None)

# %%
evolution = compare(bilan_2022, bilan_2023).to_frame()
display(evolution[evolution["tableau"] == "indicateurs"])

# %%
# Les lignes qui ont le plus changé, en points de pourcentage
changes = evolution.dropna(subset=["evolution_points"])
display(changes.sort_values("evolution_points", key=abs, ascending=False).head(10))

# %% [markdown]
# ## Un graphique par tableau
#
# Dans Jupyter, chaque tableau s'affiche avec son graphique (SVG, sans script).

# %%
for table in bilan_2023.tables.values():
    display(table)

# %%
# Tous les tableaux en une seule DataFrame « tidy »
tableaux = bilan_2023.to_frame()
display(tableaux.pivot_table(index="tableau", values="effectif", aggfunc="sum", observed=True))

# %% [markdown]
# ## Une série trimestrielle

# %%
trimestres = []
for year in (2022, 2023, 2024):
    for quarter in (1, 2, 3, 4):
        bilan = compute_bilan(data, period=Period.quarter(year, quarter))
        trimestres.append(
            {
                "trimestre": f"{year}-T{quarter}",
                "accompagnes": bilan.accompanied,
                "nouveaux": bilan.new,
                "femmes": bilan.indicators.women,
                "animations": bilan.indicators.animations_held,
            }
        )
serie = pd.DataFrame(trimestres).set_index("trimestre")
display(serie)

# %% [markdown]
# ## Un bilan par quartier
#
# `subset` garde les personnes choisies et leurs suivis ; les animations et les
# financements restent ceux de tout le site, et le bilan le dit.

# %%
quartiers = {}
for quartier in sorted(porteurs["quartier"].dropna().unique()):
    partie = data.subset(lambda person, q=quartier: person.neighbourhood == q)
    quartiers[quartier] = compute_bilan(partie, year=2023).accompanied
display(pd.Series(quartiers, name="accompagnes_2023").sort_values(ascending=False).head())
