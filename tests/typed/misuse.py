"""Deliberate misuses that ``mypy --strict`` must reject (tests/test_typing.py asserts each
error, by line and code). Not checked by the project's own mypy run (pyproject.toml
excludes this file): it is wrong on purpose."""

from __future__ import annotations

import datetime as dt

import citeslab_core
from citeslab_core import Period, Sex, compute_bilan, load_example

data = load_example()
compute_bilan(data, "2023", 2023, public="yes")  # error: call-overload
bilan = compute_bilan(data, year=2023)
bilan.table("sexx")  # error: arg-type
bilan.table("sexe").row(2)  # error: arg-type
Period.quarter(2023)  # error: call-arg
period: Period = (dt.date(2023, 1, 1), "2023-12-31")  # error: assignment
count: int = bilan.new
public = compute_bilan(data, year=2023, public=True)
masked: int = public.new  # error: assignment
summed: int = citeslab_core.read_bilan("b.json").new  # error: assignment
Sex.parse("F").label.upper(1)  # error: call-arg
citeslab_core.comput_bilan(data)  # error: attr-defined
field = data.columns("porteurs").at(0).no_such_field  # error: attr-defined
data.columns("porteur")  # error: call-overload
data.replace(person=())  # error: call-arg
