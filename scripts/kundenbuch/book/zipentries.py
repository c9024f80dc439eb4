"""Zip entries read and written without the standard library's detours.

read_entry decompresses an entry in one step (see there). The standard library can
only copy an entry by decompressing and compressing it again, which costs seconds on
large workbooks and may change the compressed bytes; and it compresses a new entry
only at the moment it writes it. Here an entry's compressed bytes are copied
unchanged (copy_entry, once its CRC and, for small XML, its syntax are checked), and a new part can be compressed beforehand, in another
thread while the next part is being built (deflated), and written later
(write_deflated). This does what ZipFile.writestr does internally, minus the
compression. If the zipfile internals it relies on are ever missing, it falls back to
the plain way.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from xml.parsers import expat
from dataclasses import dataclass

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")      # zipfile.structFileHeader
_DATA_DESCRIPTOR_FLAG = 0x08


def copy_entry(source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The entry copied unchanged, once its content is proven whole: a damaged part
    (its CRC-32 does not fit) raises zipfile.BadZipFile instead of being passed on."""
    try:
        raw = raw_bytes(source, info)
    except (AttributeError, struct.error, ValueError):
        target.writestr(info, source.read(info))     # ZipFile.read checks the CRC
        return
    _check_crc(info, raw)
    try:
        _write_raw(target, info, raw)
    except (AttributeError, struct.error, ValueError):
        target.writestr(info, source.read(info))


def _check_crc(info: zipfile.ZipInfo, raw: bytes) -> None:
    if info.compress_type == zipfile.ZIP_STORED:
        content = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x01:
        try:
            content = zlib.decompress(raw, -15, max(info.file_size, 1))
        except zlib.error as exc:
            raise zipfile.BadZipFile(f"{info.filename} lässt sich nicht entpacken") from exc
    else:
        return                  # other methods: zipfile refuses them when reading
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Prüfsumme von {info.filename} stimmt nicht")
    if info.filename.endswith((".xml", ".rels")) and len(content) <= WELL_FORMED_UP_TO:
        try:
            expat.ParserCreate().Parse(content, True)
        except expat.ExpatError as exc:
            raise zipfile.BadZipFile(f"{info.filename} ist kein gültiges XML "
                                     f"(Zeile {exc.lineno}, Spalte {exc.offset})") from exc


# XML parts up to this size are parsed once when copied (milliseconds each). A larger
# one is a sheet of many rows, and parsing it would cost a tenth of a second per 10 MB
# on every run (measured on mittel): there the checksum must do, and calamine has
# parsed the sheets kundenbuch reads.
WELL_FORMED_UP_TO = 1 << 20


@dataclass
class Deflated:
    raw: bytes
    crc: int
    size: int


# One below zlib's default: on sheet XML it takes 60 % of the time for a part about
# 2 % larger (and the other core is what the checks and the verifier run on).
LEVEL = 5


def deflated(data: bytes) -> Deflated:
    """data compressed as ZipFile.writestr would, at LEVEL; zlib releases the GIL
    meanwhile."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(data) + compressor.flush(), zlib.crc32(data),
                    len(data))


def write_deflated(target: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes,
                   packed: Deflated) -> None:
    """The entry ``info`` (name, date, attributes) with content ``data``, compressed
    beforehand as ``packed``."""
    try:
        _write_raw(target, info, packed.raw, compress_type=zipfile.ZIP_DEFLATED,
                   CRC=packed.crc, compress_size=len(packed.raw), file_size=packed.size,
                   flag_bits=0)             # as ZipFile.writestr sets them
    except (AttributeError, struct.error, ValueError):
        target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def read_entry(source: zipfile.ZipFile, name: str) -> bytes:
    """An entry's content, decompressed in one step into a buffer of its stored size
    (ZipFile.read grows its result chunk by chunk: for a sheet of 120 MB that held
    twice the memory, and took longer); checked against the stored CRC-32."""
    info = source.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x01:
        return source.read(name)              # stored, other methods, encrypted
    try:
        with source._lock:
            raw = raw_bytes(source, info)
        data = zlib.decompress(raw, -15, max(info.file_size, 1))
    except (AttributeError, struct.error, ValueError, zlib.error):
        return source.read(name)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Prüfsumme von {name} stimmt nicht")
    return data


def raw_bytes(source, info) -> bytes:
    """An entry's compressed bytes as they stand in the file."""
    source.fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(source.fp.read(_LOCAL_HEADER.size))
    if header[0] != zipfile.stringFileHeader:
        raise ValueError("kein lokaler Eintragskopf")
    name_length, extra_length = header[10], header[11]
    source.fp.seek(name_length + extra_length, 1)
    return source.fp.read(info.compress_size)


_COPIED = ("compress_type", "comment", "extra", "create_system", "create_version",
           "extract_version", "volume", "internal_attr", "external_attr", "CRC",
           "compress_size", "file_size")


def _write_raw(target, info, raw: bytes, **changed) -> None:
    """The entry ``info`` with the compressed bytes ``raw``; ``changed``: attributes
    that differ from info's (those of newly compressed content)."""
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    # changed is asked first: a new part's ZipInfo has no CRC yet.
    values = {name: getattr(info, name) for name in _COPIED if name not in changed}
    # Sizes and CRC go into the local header, so no data descriptor follows the data.
    values["flag_bits"] = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG
    values.update(changed)
    for name, value in values.items():
        setattr(entry, name, value)
    with target._lock:
        target.fp.seek(target.start_dir)
        entry.header_offset = target.fp.tell()
        target.fp.write(entry.FileHeader())
        target.fp.write(raw)
        target.start_dir = target.fp.tell()
        target.filelist.append(entry)
        target.NameToInfo[entry.filename] = entry
        target._didModify = True
