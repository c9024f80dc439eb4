"""kundenbuch: customer care for a German solo business from one Excel workbook."""


def __getattr__(name):
    # The version is looked up only when asked for: importlib.metadata is slow to load.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("kundenbuch")
        except PackageNotFoundError:      # running from a source tree without install
            return "0.0.0"
    raise AttributeError(name)


def main():
    """Called by the xlwings add-in's "Run main" in kundenbuch.xlsx (see excel.py)."""
    from .excel import main as run_from_excel
    run_from_excel()
