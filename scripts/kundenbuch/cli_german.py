"""click's own messages in German: usage errors, option help and the like.

click words its messages through gettext (`_` and `ngettext`, bound in each of its
modules when imported) and ships no German catalogue. Rather than a compiled .mo file
for a few dozen strings, the catalogue is this dictionary, and `install()` points
click's module-level `_` and `ngettext` at it; a message not listed stays as click
wrote it. Placeholders keep click's names, so click's `.format(...)` fills them.
"""
from __future__ import annotations

import importlib

MESSAGES = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Positional arguments": "Argumente",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe: {command} {option}",
    "No such command {name!r}.": "Den Befehl „{name}“ gibt es nicht.",
    "No such option {name!r}.": "Die Option „{name}“ gibt es nicht.",
    "Missing command.": "Es fehlt ein Befehl.",
    "Missing argument": "Argument fehlt",
    "Missing option": "Option fehlt",
    "Missing parameter": "Angabe fehlt",
    "Missing {param_type}": "{param_type} fehlt",
    "Missing parameter: {param_name}": "Angabe fehlt: {param_name}",
    "argument": "Argument",
    "option": "Option",
    "parameter": "Angabe",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Option {name!r} does not take a value.": "Die Option {name} nimmt keinen Wert.",
    "{value!r} is not a valid integer.": "„{value}“ ist keine ganze Zahl.",
    "{value!r} is not a valid float.": "„{value}“ ist keine Zahl.",
    "{value!r} is not a valid {number_type}.": "„{value}“ ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "{name} {filename!r} does not exist.": "{name} „{filename}“ gibt es nicht.",
    "{name} {filename!r} is a file.": "{name} „{filename}“ ist eine Datei.",
    "{name} {filename!r} is a directory.": "{name} „{filename}“ ist ein Ordner.",
    "{name} {filename!r} is not readable.": "{name} „{filename}“ ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} „{filename}“ ist nicht beschreibbar.",
    "Could not open file {filename!r}: {message}":
        "Die Datei „{filename}“ lässt sich nicht öffnen: {message}",
    "Choose from:\n\t{choices}": "Zur Auswahl:\n\t{choices}",
    "default: {default}": "Standard: {default}",
    "required": "erforderlich",
    "Show this message and exit.": "Diese Hilfe zeigen und beenden.",
    "Show the version and exit.": "Version zeigen und beenden.",
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "Aborted!": "Abgebrochen.",
    "Do you want to continue?": "Fortfahren?",
    "Error: invalid input": "Fehler: ungültige Eingabe",
}

PLURAL_MESSAGES = {
    "Got unexpected extra argument ({args})": (
        "Unerwartetes zusätzliches Argument ({args})",
        "Unerwartete zusätzliche Argumente ({args})"),
    "Did you mean {possibility}?": ("Meinten Sie {possibility}?",
                                    "(Meinten Sie eines von: {possibilities}?)"),
    "Option {name!r} requires an argument.": ("Die Option {name} braucht einen Wert.",
                                              "Die Option {name} braucht {nargs} Werte."),
    "{value!r} is not {choice}.": ("„{value}“ geht nicht; möglich ist {choice}.",
                                   "„{value}“ geht nicht; möglich sind {choices}."),
    # The only dates the command line takes are Stichtag and Briefdatum.
    "{value!r} does not match the format {format}.": (
        "„{value}“ ist kein Datum; bitte JJJJ-MM-TT oder TT.MM.JJJJ eingeben, z. B. "
        "2026-10-31.",
        "„{value}“ ist kein Datum; bitte JJJJ-MM-TT oder TT.MM.JJJJ eingeben, z. B. "
        "2026-10-31."),
    "Takes {nargs} values but 1 was given.": ("Braucht {nargs} Werte, angegeben ist 1.",
                                              "Braucht {nargs} Werte, angegeben sind {len}."),
}

CLICK_MODULES = ("core", "exceptions", "parser", "types", "decorators", "formatting",
                 "termui", "utils", "_termui_impl")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    if singular in PLURAL_MESSAGES:
        one, many = PLURAL_MESSAGES[singular]
        return one if count == 1 else many
    return singular if count == 1 else plural


def install() -> None:
    """Point click's translation functions at the German catalogue."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
