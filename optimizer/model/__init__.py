"""The CP-SAT model of a day, built only from validated, screened data: a served flag, a
station, an officer and a grid start per request (`variables.py`), one function per rule
family (`rules.py`), redundant cuts and symmetry breaking (`tightening.py`), and the
objective levels (`objective.py`); `build.build_model` puts them together in a fixed order."""
