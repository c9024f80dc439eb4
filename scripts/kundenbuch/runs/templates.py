"""The template runs (`kundenbuch vorlagen neu`, `vorlagen pruefen`): the standard Word
templates, and each template's placeholders checked."""
from __future__ import annotations

from pathlib import Path


def write_standard(folder: Path, overwrite: bool = False) -> list:
    """The standard templates into folder; returns the files written."""
    from ..documents.templates import write_templates
    return write_templates(folder, overwrite=overwrite)


def check(folder: Path) -> dict:
    """Template name -> problems (empty list: fine)."""
    from ..documents.render import check_template
    from ..documents.templates import allowed_names, retired_names
    return {path.stem: check_template(path, allowed_names(path.stem),
                                      retired_names(path.stem))
            for path in sorted(Path(folder).glob("*.docx")) if not path.name.startswith("~$")}
