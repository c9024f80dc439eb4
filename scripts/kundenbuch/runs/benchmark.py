"""`kundenbuch benchmark`: how fast is a run on books of three sizes, on this machine?

Every measurement runs in a fresh Python process, so its wall time includes the
interpreter start and its peak memory (maximum resident set) is its own, together
with that of the helper processes it forks (kundenbuch.runs.parallel), counted so that
memory they share is counted once. kundenbuch is compiled to bytecode first, as pip
leaves an installed package.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..book.demo import DEMO_STICHTAG, Size

SIZES = {"klein": Size(200, 2000, 1000), "mittel": Size(5000, 50000, 20000),
         "gross": Size(20000, 200000, 100000)}
# Whole month-end run: seconds of the first and of a follow-up run, megabytes (None =
# no memory target).
TARGETS = {"klein": (1.0, 1.0, None), "mittel": (3.0, 3.0, None),
           "gross": (12.0, 10.0, 1024)}
# At least this much faster than openpyxl's round trip of the same book: the first run
# rewrites every invoice row once, a follow-up only what changed.
OPENPYXL_FACTORS = (5, 10)
READ_FACTOR = 1.5           # reading at most this much slower than the fastest reader
LETTER_MS = 50              # rendering one dunning letter
PDF_SECONDS = 0.25          # one PDF, converted in a batch
# The follow-up run on the same book after another program saved it: at most this
# much slower than on the book as kundenbuch wrote it.
SAVED_BY = ("Monatsabschluss, Folgelauf, von LibreOffice gespeichert",
            "Monatsabschluss, Folgelauf, wie von Excel gespeichert")
SAVED_BY_FACTOR = 1.3
# Each month-end run is compared with openpyxl's round trip of the very book it starts
# from: the follow-up run starts from what the first run wrote (filled out-columns,
# report sheets, charts), which openpyxl has to load and save too.
RUNS = (("Monatsabschluss, erster Lauf",
         "openpyxl laden + speichern, Mappe vor dem ersten Lauf"),
        ("Monatsabschluss, Folgelauf",
         "openpyxl laden + speichern, Mappe vor dem Folgelauf"))


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mb: float | None
    note: str = ""
    output: bytes = field(default=b"", repr=False)


@dataclass
class Report:
    size: str
    measurements: list[Measurement] = field(default_factory=list)
    verdicts: list[tuple[str, bool]] = field(default_factory=list)
    file_mb: float = 0.0
    ratios_openpyxl: dict = field(default_factory=dict)   # run -> round trip / run
    ratio_read: float = 0.0
    letters: int = 0
    letter_ms: float | None = None
    pdf_seconds: float | None = None

    def get(self, name) -> Measurement:
        return next(m for m in self.measurements if m.name == name)

    def ratios_line(self) -> str:
        runs = ", ".join(f"{run.removeprefix('Monatsabschluss, ')} {ratio:.1f}×"
                         for run, ratio in self.ratios_openpyxl.items())
        return (f"openpyxl-Rundreise derselben Mappe / Monatsabschluss: {runs}; "
                f"Lesen / reines Lesen: {self.ratio_read:.2f}×")


def _python(*code_or_args) -> list[str]:
    return [sys.executable, *code_or_args]


def measure(name: str, command: list[str], note: str = "") -> Measurement:
    """Run a command in a child process: wall seconds and its peak memory."""
    # Output goes to files: a pipe read only at the end could fill up and block the child.
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=out_file, stderr=err_file)
    helpers = _TreeMemory(process.pid)
    peak = None
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss / 1024              # kilobytes on Linux
        if sys.platform == "darwin":
            peak /= 1024                           # bytes on macOS
    else:
        process.wait()
    seconds = time.perf_counter() - started
    peak = max(filter(None, (peak, helpers.stop())), default=None)
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{name} fehlgeschlagen: {err.decode(errors='replace')[-500:]}")
    return Measurement(name, seconds, peak, note, out)


class _TreeMemory(threading.Thread):
    """While the measured process has forked helpers, the memory of all of them
    together, sampled four times a second (each sample walks the page tables; more
    often would slow the measured run). The maximum resident set the operating
    system reports counts one process only; here pages the processes share are
    counted once (proportional set size)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, None, threading.Event()
        self.start()

    def run(self):
        import psutil
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.wait(0.25):
            try:
                tree = root.children(recursive=True)
                if tree:
                    self.peak_mb = max(self.peak_mb or 0, _together(root, tree) / 2**20)
            except psutil.NoSuchProcess:          # a helper ended while it was counted
                continue
            except (psutil.Error, AttributeError):  # no access on this system
                return

    def stop(self) -> float | None:
        self.done.set()
        self.join()
        return self.peak_mb


def _together(root, helpers) -> int:
    """Bytes in use by a process and its helpers. Linux knows the proportional set
    size (shared pages split between the sharers); elsewhere (macOS) the helpers'
    own pages are added to the process's resident set."""
    infos = [process.memory_full_info() for process in [root, *helpers]]
    if all(hasattr(info, "pss") for info in infos):
        return sum(info.pss for info in infos)
    return infos[0].rss + sum(info.uss for info in infos[1:])


STAGES_CODE = """
import json, resource, sys, time
from datetime import date, datetime
t = time.perf_counter()
from kundenbuch import checks, writer
from kundenbuch.book import reader
from kundenbuch.reports.check_report import report_sheet
from kundenbuch.runs import receivables
from kundenbuch.runs.gcpause import collector_paused
paused = collector_paused()             # as the command line runs
paused.__enter__()
path, stichtag = sys.argv[1], date.fromisoformat(sys.argv[2])
times = {"Start (Import)": time.perf_counter() - t}
def mark(name, start):
    times[name] = time.perf_counter() - start
    return time.perf_counter()
t = time.perf_counter(); book = reader.read_book(path); t = mark("Lesen", t)
findings = checks.run_checks(book, stichtag); t = mark("Prüfen", t)
summary = receivables.summarize(book, stichtag); t = mark("Rechnen", t)
plan = receivables.plan(book, summary, datetime(2026, 11, 30, 12), "benchmark")
plan.sheets.insert(0, report_sheet(findings, stichtag)); t = mark("Planen", t)
writer.apply_plan(book, plan, datetime(2026, 11, 30, 12)); t = mark("Schreiben", t)
print(json.dumps(times))
"""

LETTERS_CODE = """
import json, sys, time
from datetime import date
from pathlib import Path
from kundenbuch.book import reader
from kundenbuch.documents import pdf
from kundenbuch.documents.letters import template_folder
from kundenbuch.documents.render import girocode_png, render
from kundenbuch.rules.letters import dunning_letters
from kundenbuch.runs import receivables
path, count, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
stichtag = date.fromisoformat(sys.argv[4])
book = reader.read_book(path)
summary = receivables.summarize(book, stichtag)
letter = dunning_letters(summary, book.kunden, book.settings, stichtag)[0]
template = template_folder(path) / f"{letter.template}.docx"
started = time.perf_counter()
files = []
for index in range(count):
    target = folder / f"brief_{index:04d}.docx"
    render(template, letter.context, target, girocode_png(*letter.girocode))
    files.append(target)
per_letter = (time.perf_counter() - started) / count
result = {"render": per_letter}
if pdf.soffice():
    started = time.perf_counter()
    pdf.convert(files)
    result["pdf"] = (time.perf_counter() - started) / count
print(json.dumps(result))
"""

PLAIN_READ_CODE = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""

OPENPYXL_CODE = """
import sys, openpyxl
openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])
"""


def compiled() -> None:
    """kundenbuch and the packages it uses as bytecode, as pip leaves installed
    packages. Where Python writes no bytecode caches itself (PYTHONDONTWRITEBYTECODE,
    set on some CI machines), pip leaves none either, and every measured run would
    compile kundenbuch (about 0.1 s, installed editable) and its libraries (another
    0.1 s) anew, which no user's run does."""
    import compileall
    import sysconfig
    folders = {str(Path(__file__).parents[1])}
    folders |= {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    for folder in sorted(folders):              # read-only folders stay as they are
        compileall.compile_dir(folder, quiet=2, workers=0)


class Steps:
    """progress(text, done, total) for each step of the measurement, counted."""

    def __init__(self, total: int, progress):
        self.total, self.done, self.progress = total, 0, progress

    def __call__(self, text: str) -> None:
        self.progress(text, self.done, self.total)
        self.done += 1


def run(size: str, progress=lambda text, done, total: None, letters: int = 200) -> Report:
    from ..documents.pdf import soffice
    compiled()
    report = Report(size)
    stichtag = DEMO_STICHTAG.isoformat()
    other_saves = 2 if soffice() else 1          # LibreOffice's save, Excel's layout
    progress = Steps(7 + 2 * other_saves + (1 if letters else 0), progress)
    with tempfile.TemporaryDirectory(prefix="kundenbuch-benchmark-") as folder:
        book = Path(folder) / "kundenbuch.xlsx"
        progress(f"Erzeuge eine Mappe der Größe {size} …")
        from ..book import demo, new_workbook
        new_workbook.create_workbook(book, demo.generate(SIZES[size]))
        size_mb = book.stat().st_size / 1e6

        def fresh(name, source=book):
            copy = Path(folder) / name / "kundenbuch.xlsx"
            copy.parent.mkdir()
            shutil.copy(source, copy)
            return str(copy)

        progress("Einzelne Schritte …")
        stages = measure("Schritte", _python("-c", STAGES_CODE, fresh("stufen"), stichtag))
        for name, seconds in json.loads(stages.output).items():
            report.measurements.append(Measurement(name, seconds, None))
        progress("Monatsabschluss (ohne Briefe), erster Lauf …")
        first = fresh("lauf")
        month_end = _python("-m", "kundenbuch", "monatsabschluss", first, "--stichtag",
                            stichtag, "--ohne-briefe")      # letters are measured below
        report.measurements.append(measure(RUNS[0][0], month_end,
                                           "füllt alle Ausgabespalten"))
        before_again = fresh("vor-folgelauf", first)
        saved_by = _saved_by_other_programs(before_again, Path(folder), fresh, progress)
        progress("Monatsabschluss, Folgelauf …")
        report.measurements.append(measure(RUNS[1][0], month_end, "nur Geändertes"))
        for name, copy in saved_by.items():
            progress(f"{name} …")
            report.measurements.append(measure(name, _python(
                "-m", "kundenbuch", "monatsabschluss", copy, "--stichtag", stichtag,
                "--ohne-briefe"), "dieselbe Mappe, anders gespeichert"))
        progress("Schnellstes reines Lesen (python-calamine) …")
        report.measurements.append(measure("Reines Lesen (calamine)",
                                           _python("-c", PLAIN_READ_CODE, str(book))))
        for (_, name), source in zip(RUNS, (str(book), before_again)):
            progress(f"{name} (zum Vergleich, dauert) …")
            report.measurements.append(measure(name, _python(
                "-c", OPENPYXL_CODE, source, str(Path(folder) / "openpyxl.xlsx"))))
        if letters:
            progress(f"{letters} Mahnbriefe rendern (und als PDF) …")
            out = Path(folder) / "briefausgabe"
            out.mkdir()
            measured = measure("Briefe", _python("-c", LETTERS_CODE, fresh("briefe"),
                                                 str(letters), str(out), stichtag))
            timings = json.loads(measured.output)
            report.letter_ms = timings["render"] * 1000
            report.pdf_seconds = timings.get("pdf")
            report.letters = letters
    report.file_mb = size_mb
    progress("fertig")
    _judge(report)
    return report


def _saved_by_other_programs(book: str, folder: Path, fresh, progress) -> dict:
    """Row name -> a copy of the book as the first run left it, saved by LibreOffice
    (where it is installed) and laid out as Excel saves it (runs/excel_layout.py)."""
    from ..documents.pdf import soffice
    copies = {}
    program = soffice()
    if program:
        progress("Mappe in LibreOffice speichern …")
        out = folder / "libreoffice"
        subprocess.run([program, f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                        "--headless", "--convert-to", "xlsx", "--outdir", str(out), book],
                       capture_output=True, timeout=900)
        saved = out / Path(book).name
        if saved.exists():
            copies[SAVED_BY[0]] = fresh("von-libreoffice", saved)
    progress("Mappe so anordnen, wie Excel speichert …")
    excel = fresh("wie-excel", Path(book))
    # In a child process: lxml's copy of a large book would stay in this one's memory,
    # and every later measured child starts as a copy of this process (fork).
    subprocess.run(_python("-c", "import sys; from kundenbuch.runs.excel_layout import "
                           "save_like_excel; save_like_excel(sys.argv[1])", excel),
                   check=True, capture_output=True, timeout=900)
    copies[SAVED_BY[1]] = excel
    return copies


def _judge(report: Report) -> None:
    *run_seconds, megabytes = TARGETS[report.size]
    # Each run judged on its own: the first fills every out-column once, later ones
    # write only what changed.
    for (label, round_trip_name), seconds, factor in zip(RUNS, run_seconds,
                                                          OPENPYXL_FACTORS):
        measured = report.get(label)
        report.verdicts.append((f"{label} ≤ {seconds:g} s ({measured.seconds:.2f} s)",
                                measured.seconds <= seconds))
        if megabytes:
            report.verdicts.append((f"{label}: Speicher ≤ {megabytes} MB "
                                    f"({measured.peak_mb or 0:.0f} MB)",
                                    (measured.peak_mb or 0) <= megabytes))
        ratio = report.ratios_openpyxl[label] = (report.get(round_trip_name).seconds
                                                 / measured.seconds)
        if report.size != "klein":
            report.verdicts.append((f"{label} ≥ {factor}× schneller als openpyxl "
                                    f"mit derselben Mappe ({ratio:.1f}×)", ratio >= factor))
    if report.letter_ms is not None:
        report.verdicts.append((f"Mahnbrief rendern ≤ {LETTER_MS} ms ({report.letter_ms:.0f} ms)",
                                report.letter_ms <= LETTER_MS))
    if report.pdf_seconds is not None:
        report.verdicts.append((f"PDF ≤ {PDF_SECONDS} s je Brief im Stapel "
                                f"({report.pdf_seconds:.2f} s)",
                                report.pdf_seconds <= PDF_SECONDS))
    follow_up = report.get(RUNS[1][0]).seconds
    for name in SAVED_BY:
        measured = next((m for m in report.measurements if m.name == name), None)
        if measured is not None and report.size != "klein":
            report.verdicts.append((f"{name} ≤ {SAVED_BY_FACTOR:g}× Folgelauf "
                                    f"({measured.seconds / follow_up:.2f}×)",
                                    measured.seconds <= SAVED_BY_FACTOR * follow_up))
    plain = report.get("Reines Lesen (calamine)")
    report.ratio_read = report.get("Lesen").seconds / plain.seconds
    report.verdicts.append((f"Lesen ≤ {READ_FACTOR}× reines Lesen",
                            report.ratio_read <= READ_FACTOR))


def markdown(report: Report, machine: str, day: str) -> str:
    counts = " / ".join(f"{n:,}".replace(",", ".") for n in vars(SIZES[report.size]).values())
    lines = [f"Größe **{report.size}** ({counts} Kunden/Rechnungen/Termine, "
             f"{report.file_mb:.1f} MB), {machine}, {day}:", "",
             "| Schritt | Sekunden | Speicher (MB) | Hinweis |", "|---|---:|---:|---|"]
    for m in report.measurements:
        peak = f"{m.peak_mb:.0f}" if m.peak_mb else ""
        lines.append(f"| {m.name} | {m.seconds:.2f} | {peak} | {m.note} |")
    lines += ["", report.ratios_line(), ""]
    lines += [f"- {'✓' if ok else '✗'} {text}" for text, ok in report.verdicts]
    if report.letter_ms is None:
        lines.append("- Briefe: nicht gemessen")
    return "\n".join(lines) + "\n"
