"""The calendar page's Jinja2 template (private to :mod:`citeslab_exporters.calendrier`):
a month grid per month, the month's permanences week by week, A4 when printed; no
script, no external file. Kept apart so that the exporter's module stays readable."""

from __future__ import annotations

from typing import Final

TEMPLATE: Final = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — {{ site }}</title>
<style>
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1f2937;
  margin: 0 auto; padding: 1rem; max-width: 72rem; line-height: 1.35; font-size: 0.95rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p { margin: .3rem 0; }
.intro { color: #374151; }
.legend { display: flex; flex-wrap: wrap; gap: .35rem .6rem; padding: 0; list-style: none;
  margin: .6rem 0; }
.legend li { display: flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; width: 1rem; height: 1rem; border-radius: 3px;
  border: 2px solid; flex: none; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; }
.grid th { font-size: .8rem; font-weight: 600; padding: .2rem; border: 1px solid #9ca3af;
  background: #f3f4f6; }
.grid td { vertical-align: top; border: 1px solid #9ca3af; height: 5.2rem; padding: .15rem;
  overflow-wrap: normal; hyphens: manual; }
.grid td.out { background: #f9fafb; }
.num { display: block; font-weight: 700; font-size: .8rem; }
.ev { display: block; margin: .1rem 0; padding: .05rem .2rem; border-left: 4px solid;
  border-radius: 2px; font-size: .72rem; line-height: 1.2; }
.ev .t { font-weight: 600; } .h { white-space: nowrap; }
.whole { margin: .4rem 0; padding: 0; list-style: none; } .whole li { margin: .2rem 0; }
.weeks { margin: 0; padding: 0; list-style: none; } .weeks > li { margin: .3rem 0; }
.weeks ul { margin: .1rem 0 .1rem 1.2rem; padding: 0; }
.day-name { display: none; }
.undated li { margin: .2rem 0; }
footer { margin-top: 2rem; font-size: .8rem; color: #4b5563; }
{% for kind in kinds -%}
.k-{{ kind.code }} { background: {{ kind.back }}; border-color: {{ kind.border }}; }
{% endfor -%}
@media screen and (max-width: 56rem) {
  body { padding: .6rem; }
  table.grid, .grid thead, .grid tbody, .grid tr, .grid td { display: block; width: 100%; }
  .grid thead { display: none; }
  .grid td { height: auto; border: 0; border-top: 1px solid #d1d5db; padding: .3rem 0; }
  .grid td.empty { display: none; }
  .grid .num { display: none; }
  .grid .day-name { font-weight: 700; font-size: .85rem; display: block; }
  .ev { font-size: .85rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  section.month { break-before: page; }
  section.month:first-of-type { break-before: auto; }
  .grid td { height: 20mm; }
  .ev { font-size: 6.5pt; }
  .permanences { break-inside: avoid-page; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p class="intro"><strong>{{ site }}</strong> — {{ period }}.
{{ counts }}</p>
<h2 id="legende">Légende</h2>
<ul class="legend" aria-labelledby="legende">
{%- for kind in kinds %}
<li><span class="swatch k-{{ kind.code }}" aria-hidden="true"></span>{{ kind.label }}</li>
{%- endfor %}
</ul>
<p>Les permanences figurent dans la grille et, sous chaque mois, semaine par semaine&#8239;; les
jours fériés n'en ont pas. Un événement dont le jour n'est pas encore fixé est indiqué en
tête du mois.</p>
{%- if undated %}
<h2>À dater</h2>
<ul class="undated">
{%- for item in undated %}
<li><span class="ev k-{{ item.kind }}"><span class="t">{{ item.text }}</span>
{%- if item.place %} — {{ item.place }}{% endif %}</span></li>
{%- endfor %}
</ul>
{%- endif %}
</header>
<main>
{%- for month in months %}
<section class="month" aria-labelledby="{{ month.id }}">
<h2 id="{{ month.id }}">{{ month.title }}</h2>
{%- if month.whole %}
<ul class="whole">
{%- for item in month.whole %}
<li><span class="ev k-{{ item.kind }}"><span class="t">{{ item.text }}</span>
{{- " — dans le mois, jour à préciser" }}
{%- if item.place %} — {{ item.place }}{% endif %}</span></li>
{%- endfor %}
</ul>
{%- endif %}
<table class="grid" aria-labelledby="{{ month.id }}">
<thead><tr>{% for name in weekdays %}<th scope="col">{{ name }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for week in month.weeks %}
<tr>
{%- for cell in week %}
<td class="{{ cell.css }}{% if not cell.items %} empty{% endif %}">
{%- if cell.day is not none %}<span class="num">{{ cell.day }}</span>
{%- if cell.items %}<span class="day-name">{{ cell.label }}</span>{% endif %}{% endif %}
{%- for item in cell.items %}
<span class="ev k-{{ item.kind }}">
{%- if item.time %}<span class="h">{{ item.time }}</span> <span class="t">{{ item.text }}</span>
{%- else %}{{ item.text }}{% endif %}
{%- if item.place %}<br>{{ item.place }}{% endif %}</span>
{%- endfor -%}
</td>
{%- endfor %}
</tr>
{%- endfor %}
</tbody>
</table>
{%- if month.permanences %}
<div class="permanences">
<h3>Permanences de {{ month.title | lower }}, semaine par semaine</h3>
<ul class="weeks">
{%- for week in month.permanences %}
<li><strong>{{ week.label }}</strong>
<ul>
{%- for day, items in week.items %}
{%- for item in items %}
<li>{{ day }}, <span class="h">{{ item.time }}</span>&nbsp;: {{ item.place }}</li>
{%- endfor %}
{%- endfor %}
</ul></li>
{%- endfor %}
</ul>
</div>
{%- endif %}
</section>
{%- endfor %}
</main>
<footer><p>{{ footer }}</p></footer>
</body>
</html>
"""
