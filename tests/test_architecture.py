"""The package's stages, checked: data flows one way, and the report needs no solver.

A module may import from its own stage or from a stage below it, never above; no
module of the package is imported inside a function except to keep a heavy optional
dependency off a path (none is needed today; the CLI loads
each command's module by name when the command runs, see `cli.COMMANDS`).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "optimizer"
# Bottom to top: each stage may use the ones before it.
STAGES = ["core", "scenario", "screening", "plan", "check", "model", "solvers", "planfolder", "whatif",
          "report", "runs", "service", "cli", "entry"]


def stage_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module of the package imported, whether inside a function) for one file."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = {id(node) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             for node in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            found.append((target.removesuffix(".__init__"), id(node) in inner))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(name, id(node) in inner) for name in names if name.startswith("optimizer")]
    return found


def test_every_stage_is_known():
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if p.name != "__pycache__" and (p.suffix == ".py" or p.is_dir())} - {"__init__"}
    assert tops == set(STAGES), "a new top-level module needs its place in STAGES"


def test_modules_import_only_their_stage_or_those_below():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = stage_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for target, in_function in imports(path):
            if target == "optimizer":
                continue
            there = stage_of(target)
            if STAGES.index(there) > STAGES.index(here) if here in STAGES else False:
                wrong.append(f"{path.relative_to(ROOT)} imports {target} (stage '{there}' is above '{here}')")
            if in_function:
                wrong.append(f"{path.relative_to(ROOT)} imports {target} inside a function")
    assert not wrong, "\n".join(wrong)


def test_rendering_a_report_does_not_load_the_solver(tmp_path):
    """`remise report` re-renders a plan folder on a machine without OR-Tools warm."""
    folder = tmp_path / "plan"
    run = subprocess.run([sys.executable, "cli.py", "plan", "tests/data/tiny.yaml", "--out", str(folder),
                          "--time-limit", "5", "--workers", "1", "--no-explain"], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    probe = ("import sys\nfrom optimizer.report.workload import write_report\n"
             f"write_report({str(folder)!r}, 'en')\n"
             "print(sorted(m for m in sys.modules if m.startswith('ortools')))")
    rendered = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.strip() == "[]"
    assert "Workload report" in (folder / "report.html").read_text(encoding="utf-8")
