"""One cell as SpreadsheetML text: <c r="M5" s="6"><v>261.80</v></c>.

Cells the writer produces (out-cells, report sheets) are serialised here as text, not
built as lxml elements: for 300,000 cells that is the difference between a few tenths
of a second and several seconds. The output is only ever serialised here, never
parsed with patterns; every written part is proven well-formed by expat before the
file is replaced (writer/verify.py). Text goes in as inline strings, so
sharedStrings.xml never has to change and text that starts with = + - @ stays text.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime, time
from decimal import Decimal

EPOCH = datetime(1899, 12, 30)
EPOCH_DAY = EPOCH.date()


def excel_number(value) -> str | None:
    """The <v> text for numbers, dates and times; None for text and booleans."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        delta = value - EPOCH
        return repr(delta.days + delta.seconds / 86400)
    if isinstance(value, date):
        return str((value - EPOCH_DAY).days)
    if isinstance(value, time):
        return repr((value.hour * 3600 + value.minute * 60 + value.second) / 86400)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


@functools.cache
def _not_xml():
    # Compiled when first needed: 4 ms, and most runs write printable text only.
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Control characters cannot stand in XML; Excel itself writes them as _xHHHH_.
    (A pattern over plain text, not over XML.)"""
    if _not_xml().search(text) is None:
        return text
    return _not_xml().sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def style_kind(value) -> str | None:
    """Which cell format a value needs when its cell has none yet."""
    if isinstance(value, (datetime, date)):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, Decimal):
        return "money"
    return None


# Written out rather than xml.sax.saxutils.escape: that module pulls in urllib, http
# and email on import, 8 ms of every run's start.
_CONTENT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def escaped(text: str) -> str:
    """Text for element content: XML-safe, markup characters escaped."""
    # Most text is printable (no control characters, which XML may not hold, and no
    # CR): then only markup characters need work. str methods are much faster here
    # than a pattern over the whole text.
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
        return text
    # A parser turns a raw CR into LF; as a reference it survives.
    return xml_safe(text).translate(_CONTENT)


def attribute_escaped(text: str) -> str:
    """Text for a double-quoted attribute value; line breaks and tabs as references,
    which a parser would otherwise turn into blanks."""
    if (text.isprintable() and "&" not in text and "<" not in text and ">" not in text
            and '"' not in text):
        return text
    return xml_safe(text).translate(_ATTRIBUTE)


def style_attribute(style: str | None) -> str:
    return f' s="{style}"' if style and style != "0" else ""


def cell_xml(prefix: str, ref: str, style: str | None, value) -> str:
    """The whole <c> element; prefix is "" or e.g. "x:" for the sheet's namespace."""
    return cell_from_head(prefix, f'<{prefix}c r="{ref}"{style_attribute(style)}', value)


def cell_from_head(prefix: str, head: str, value) -> str:
    """The <c> element whose start tag (without its end) is ``head``. The common types
    are tested first: this runs for every cell written."""
    kind = type(value)
    if kind is str:
        number = None
    elif kind is Decimal:
        number = format(value, "f")
    elif kind is int:
        number = str(value)
    elif value is None:
        return head + "/>"
    elif value is True or value is False:
        return f'{head} t="b"><{prefix}v>{int(value)}</{prefix}v></{prefix}c>'
    else:
        number = excel_number(value)
    if number is not None:
        return f"{head}><{prefix}v>{number}</{prefix}v></{prefix}c>"
    text = escaped(str(value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return (f'{head} t="inlineStr"><{prefix}is><{prefix}t{space}>{text}'
            f"</{prefix}t></{prefix}is></{prefix}c>")
