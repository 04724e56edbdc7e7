"""The scenario stage: a day as remise receives it, made safe to plan from.

`schema.py` holds the formats (pydantic models, strict); `loading.py` reads YAML files with
`extends` chains and CSV sections (`yamltext.py` keeps scalars as written), `writing.py` writes
a scenario back, `references.py` checks
what ties entries together, `origins.py` remembers the file and line of each entry so every
problem names them; `generate.py` writes generated days, `notices.py` and `parties.py` say what
is valid but probably not meant. Nothing here imports a solver: the stages above build only on
a validated `Scenario`.
"""
