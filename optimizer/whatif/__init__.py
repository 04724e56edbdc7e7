"""What-ifs around a plan: what blocks one more request (`insertion.py`), why a request
was not served (`explain.py`), which slots a new request could take (`offer.py`), and how
many officers per station reach a target (`sweep.py`). A re-plan is a solve with the
published plan as `previous` (`solvers/cpsat.py`) and its moves (`plan/changes.py`)."""
