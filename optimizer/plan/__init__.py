"""The plan, knowing nothing of any solver: rows of handovers and unserved requests, the
objective levels recomputed from those rows, the resources the rows occupy (to add one more
request, as greedy and the offers do), and what changed between two plans. Solvers produce
it; the checker, the plan folder, the what-ifs and the reports read it."""
