"""The package's shape: the import rule between its folders and the module names.

(The comparison of a month-end with the output before the restructuring of #16 was
retired with #19, whose legal rules change the output on purpose.)

The import rule (README, "Für Entwickler"): the pure folders rules/ and checks/ never
reach a file format or an adapter, and reports/ builds sheets as data, not XML. A rule
that needs a file format is telling you it belongs in an adapter.
"""
from __future__ import annotations

import ast
import re
import shutil
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "scripts" / "kundenbuch"

FORMAT_LIBRARIES = {"openpyxl", "lxml", "python_calamine", "docxtpl", "docx", "xlwings"}
ADAPTERS = {"kundenbuch.writer", "kundenbuch.documents", "kundenbuch.excel",
            "kundenbuch.bank", "kundenbuch.einvoice"}
PURE_FOLDERS = ("rules", "checks", "reports")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: dict) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file, lazy ones included."""
    package = _module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from . import schema" imports the module kundenbuch.x.schema
            found += [(node.lineno, f"{base}.{alias.name}"
                       if f"{base}.{alias.name}" in modules else base)
                      for alias in node.names]
    return found


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _forbidden(name: str) -> bool:
    return (name.split(".")[0] in FORMAT_LIBRARIES
            or any(name == a or name.startswith(a + ".") for a in ADAPTERS))


def import_rule_violations() -> list[str]:
    """Every chain of imports by which a module of a pure folder reaches a file-format
    library or an adapter, named from the module down to the offending import."""
    modules = _modules()
    # The root package holds the version and, in a function, the Excel door: importing
    # it loads no adapter, so it is not followed.
    edges = {name: _imports(path, modules) for name, path in modules.items() if name != "kundenbuch"}
    problems = []
    for name in sorted(modules):
        folder = name.split(".")[1] if name.count(".") else ""
        if folder not in PURE_FOLDERS:
            continue
        seen, stack = {name}, [(name, [])]
        while stack:
            current, chain = stack.pop()
            for line, target in edges.get(current, []):
                step = chain + [f"{modules[current].relative_to(PACKAGE)}:{line} {target}"]
                if _forbidden(target):
                    problems.append(f"{name}: " + " → ".join(step))
                elif target in modules and target not in seen:
                    seen.add(target)
                    stack.append((target, step))
    return problems


def test_pure_folders_reach_no_file_format_and_no_adapter():
    assert import_rule_violations() == []


def test_the_import_rule_names_the_offending_import(tmp_path, monkeypatch):
    """The rule would catch a rule module that reads a file with openpyxl, directly or
    through a module it imports, and names the line."""
    global PACKAGE
    copy = tmp_path / "kundenbuch"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "rules" / "sneaky.py").write_text("import os\nfrom openpyxl import load_workbook\n")
    (copy / "checks" / "indirect.py").write_text("from ..rules import sneaky\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", copy)
    problems = import_rule_violations()
    assert "kundenbuch.rules.sneaky: rules/sneaky.py:2 openpyxl" in problems
    assert any(p.startswith("kundenbuch.checks.indirect: checks/indirect.py:1 ")
               and p.endswith("rules/sneaky.py:2 openpyxl") for p in problems)


def test_every_folder_says_what_lives_there_and_what_it_may_import():
    """A folder without __init__.py would also be left out of an installed package."""
    folders = sorted({p.parent for p in PACKAGE.rglob("*.py")} - {PACKAGE})
    assert [f.name for f in folders] == sorted(
        ["bank", "book", "checks", "documents", "einvoice", "reports", "rules", "runs",
         "writer"])
    for folder in folders:
        init = folder / "__init__.py"
        assert init.exists(), f"{folder.name}/ hat keine __init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{folder.name}/__init__.py sagt nicht, was es importiert"


def test_module_names_are_english():
    """German stays where the user sees it; a German command maps to an English module
    in one table (api.COMMANDS)."""
    german = re.compile(r"(ae|oe|ue)|briefe|forderung|kalender|stufen|termin|vorlage|"
                        r"pruef|festschreib|lauf$|posten|kunden|rechnung|einstellung|felder")
    allowed = {"queue", "value", "values", "true"}       # English words with "ue"
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if german.search(p.stem) and p.stem not in allowed]
    assert offenders == []
