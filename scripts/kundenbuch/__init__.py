"""kundenbuch: customer care for a German solo business from one Excel workbook."""


# The one place of the version (pyproject.toml reads it from here): a constant,
# because looking it up with importlib.metadata costs every run 20 ms.
__version__ = "0.1.0"


def main():
    """Called by the xlwings add-in's "Run main" in kundenbuch.xlsx (see excel.py)."""
    from .excel import main as run_from_excel
    run_from_excel()
