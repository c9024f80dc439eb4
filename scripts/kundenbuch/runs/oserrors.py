"""What the operating system refused, in German words (its own text, strerror, is
English under the C locale a program usually runs in)."""
from __future__ import annotations

import errno

UNDONE = "Was kundenbuch nicht fertig schreiben konnte, wurde verworfen."
REASONS = {
    errno.ENOSPC: "auf dem Datenträger ist kein Platz mehr",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft (kein Platz mehr)",
    errno.EROFS: "der Datenträger ist schreibgeschützt",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.ENOENT: "die Datei oder der Ordner fehlt",
    errno.ENOTDIR: "ein Teil des Pfads ist eine Datei, kein Ordner",
    errno.EISDIR: "das ist ein Ordner, keine Datei",
    errno.EEXIST: "die Datei gibt es schon",
    errno.EIO: "der Datenträger meldet einen Lesefehler",
}
WHAT_TO_DO = {
    errno.ENOSPC: "Bitte Platz schaffen (etwa alte Sicherungen im Ordner sicherung/ "
                  "löschen) und noch einmal starten.",
    errno.EROFS: "Bitte die Mappe auf einen beschreibbaren Datenträger kopieren.",
    errno.EACCES: "Bitte die Rechte der Datei und des Ordners prüfen und ob ein anderes "
                  "Programm sie sperrt.",
}
WHAT_TO_DO[errno.EDQUOT] = WHAT_TO_DO[errno.ENOSPC]
WHAT_TO_DO[errno.EPERM] = WHAT_TO_DO[errno.EACCES]


def reason(exc: OSError) -> str:
    return REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def explain(exc: OSError) -> str:
    """A whole message: what was refused, where, and what to do."""
    where = f" ({exc.filename})" if exc.filename else ""
    text = reason(exc)
    return (f"{text[0].upper()}{text[1:]}{where}. {UNDONE} "
            + WHAT_TO_DO.get(exc.errno, "Bitte prüfen und noch einmal starten."))
