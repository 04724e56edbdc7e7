"""remise: plans in-person handovers of goods sold online inside police stations.

The stages, each a folder or module, data flowing one way: `core` (facts every stage
shares) -> `scenario` (validated input) -> `screening` -> `plan` (solver-independent rows)
-> `check` (the independent checker) -> `model` (CP-SAT) -> `solvers` -> `planfolder`
(files written and read) -> `whatif` (explanations, offers, re-plans, sweeps) -> `report`
(pages for people) -> `runs` (each job end to end) -> `service` (the booking platform) ->
`cli` (the `remise` command). See the README's Architecture section.
"""

import time

# When this process began remise's work: `--time-limit` bounds the whole command from here.
STARTED = time.monotonic()
