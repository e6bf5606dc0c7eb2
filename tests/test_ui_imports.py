"""The Streamlit layer's modules import one way: no circle, no import hidden in a function to dodge one.

`analysis/` never imports Streamlit or `ui`; inside `ui/` each module's imports of other `ui` modules are
at its top, and following them never leads back to where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ui_imports(path: Path) -> tuple[set[str], set[str]]:
    """The `ui` modules a file imports at its top level, and those it imports inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top, nested = set(), set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ui":
                names = [f"ui.{alias.name}" for alias in node.names]
            elif node.module.startswith("ui."):
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("ui.")]
        if names:
            (top if node in tree.body else nested).update(names)
    return top, nested


def test_ui_modules_import_each_other_one_way() -> None:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "ui").glob("*.py")):
        name = f"ui.{path.stem}"
        top, nested = ui_imports(path)
        assert not nested, f"{name} imports {sorted(nested)} inside a function"
        graph[name] = top - {name}

    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, "import circle: " + " -> ".join((*trail, module))
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*trail, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_analysis_never_imports_streamlit_or_ui() -> None:
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for module in modules:
                assert module.split(".")[0] not in {"streamlit", "ui"}, f"{path} imports {module}"
