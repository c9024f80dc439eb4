"""kundenbuch: customer care for a German solo business from one Excel workbook."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kundenbuch")
except PackageNotFoundError:          # running from a source tree without install
    __version__ = "0.0.0"
