"""The report stage: pages and charts for people, from plan folders alone.

`workload.py` renders a folder's `report.html`, `comparison.py` puts several folders side by
side, `sweep.py` draws a staffing sweep; `charts.py` draws inline SVG with matplotlib and
`pages.py` fills the Jinja templates in `templates/` with the gettext catalogue. Rendering a
report reads the folder's files and never imports the solver.
"""
