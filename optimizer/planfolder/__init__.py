"""The plan folder: what a run publishes and every later command reads. `folder.py` is
the one module that writes and reads its files, `metrics.py` the workload tables
(`officers.csv`, `stations.csv`) computed from a plan, `publish.py` the all-or-nothing
replacement of a folder."""
