"""The byte layout of an ORC file: stripes and their streams, read from the file's own tail.

Why: the bytes a projected or filtered ORC read *needs* (the denominator of read amplification,
:mod:`storagebench.s3.needed`) are the file tail plus, in every stripe a reader must keep, the
stripe footer and the data streams of the columns read.  ``pyarrow.orc`` exposes the stripe
count but neither stripe offsets nor streams, and no maintained Python package exposes stream
offsets, so this module reads them from the ORC metadata as the ORC specification lays it out
(https://orc.apache.org/specification/ORCv1/):

* the last byte of the file is the PostScript's length; the PostScript (never compressed) gives
  the footer's and the metadata section's lengths and the compression kind and block size;
* the Footer lists the stripes (offset, index/data/footer lengths, rows) and the type tree
  (column ids: 0 is the root struct, its fields and their children follow in pre-order);
* each stripe's StripeFooter lists its streams (kind, column id, length) in file order: the
  index streams first, then the data streams, starting at the stripe's offset;
* the Metadata section holds per-stripe column statistics (min/max), what a reader prunes with.

Compressed sections are sequences of chunks, each with a 3-byte little-endian header
(``length << 1 | is_original``), decompressed with pyarrow's codecs (zlib: raw deflate).
Protocol-buffer messages are decoded by a small wire-format reader: only varint, 64-bit,
length-delimited and 32-bit fields exist in ORC's messages, and unknown fields are skipped, so
newer writers' additions do not break it.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator

import pyarrow as pa

# Stream kinds (orc_proto.proto, Stream.Kind) that belong to the index area of a stripe: a
# reader of whole stripes does not need them (they serve row-group skipping and bloom filters).
INDEX_STREAM_KINDS = {6: "ROW_INDEX", 7: "BLOOM_FILTER", 8: "BLOOM_FILTER_UTF8"}
_COMPRESSION = {0: None, 1: "zlib", 2: "snappy", 3: "lzo", 4: "lz4", 5: "zstd", 6: "brotli"}


class OrcLayoutError(ValueError):
    """The bytes are not an ORC file this reader understands (named in the message)."""


# -- protocol-buffer wire format --------------------------------------------------------------
def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise OrcLayoutError("truncated varint in ORC metadata")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value): int for varints, bytes for the others."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise OrcLayoutError(f"unsupported protobuf wire type {wire} in ORC metadata")
        yield number, wire, value


def _message(buf: bytes) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for number, _, value in _fields(buf):
        out.setdefault(number, []).append(value)
    return out


def _one(msg: dict[int, list[Any]], number: int, default: Any = None) -> Any:
    values = msg.get(number)
    return values[-1] if values else default


def _packed_varints(values: list[Any]) -> list[int]:
    """A repeated varint field, packed (one bytes value) or not (ints)."""
    out: list[int] = []
    for v in values:
        if isinstance(v, int):
            out.append(v)
            continue
        pos = 0
        while pos < len(v):
            n, pos = _varint(v, pos)
            out.append(n)
    return out


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


# -- compression ------------------------------------------------------------------------------
def decompress(data: bytes, kind: str | None, block_size: int) -> bytes:
    """An ORC compressed section: chunks with 3-byte headers, each original or compressed."""
    if kind is None:
        return data
    out, pos = bytearray(), 0
    while pos < len(data):
        if pos + 3 > len(data):
            raise OrcLayoutError("truncated compression chunk header in ORC metadata")
        header = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
        length, original = header >> 1, header & 1
        chunk = data[pos + 3:pos + 3 + length]
        pos += 3 + length
        out += chunk if original else _decompress_chunk(chunk, kind, block_size)
    return bytes(out)


def _decompress_chunk(chunk: bytes, kind: str, block_size: int) -> bytes:
    if kind == "zlib":
        return zlib.decompress(chunk, -15)  # raw deflate, no zlib header
    if kind == "snappy":
        size, _ = _varint(chunk, 0)  # raw snappy starts with the uncompressed length
        return pa.decompress(chunk, size, codec="snappy").to_pybytes()
    if kind == "zstd":
        return _zstd(chunk, block_size)
    if kind == "lz4":
        # ORC's LZ4 is the raw block format; a chunk never exceeds the compression block size.
        return _raw_with_bound(chunk, "lz4_raw", block_size)
    raise OrcLayoutError(f"ORC compression {kind!r} is not supported for reading the file layout")


def _zstd(chunk: bytes, block_size: int) -> bytes:
    # A zstd frame usually states its content size (header byte 4 on); else bound by block size.
    import io

    reader = pa.CompressedInputStream(pa.BufferReader(chunk), "zstd")
    with io.BytesIO() as sink:
        while True:
            part = reader.read(block_size)
            if not part:
                return sink.getvalue()
            sink.write(part)


def _raw_with_bound(chunk: bytes, codec: str, bound: int) -> bytes:
    return pa.Codec(codec).decompress(chunk, decompressed_size=bound).to_pybytes()


# -- the layout ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stream:
    kind: int  # orc_proto Stream.Kind
    column: int
    offset: int  # absolute offset in the file
    length: int

    @property
    def is_index(self) -> bool:
        return self.kind in INDEX_STREAM_KINDS


@dataclass(frozen=True)
class Stripe:
    offset: int
    index_length: int
    data_length: int
    footer_length: int
    rows: int
    streams: tuple[Stream, ...]

    @property
    def footer_offset(self) -> int:
        return self.offset + self.index_length + self.data_length

    @property
    def length(self) -> int:
        return self.index_length + self.data_length + self.footer_length


@dataclass(frozen=True)
class ColumnStats:
    minimum: Any
    maximum: Any


@dataclass(frozen=True)
class OrcLayout:
    file_length: int
    tail_length: int  # metadata + footer + PostScript + its length byte
    compression: str | None
    fields: dict[str, tuple[int, ...]]  # top-level field name -> its column ids (with children)
    stripes: tuple[Stripe, ...]
    stripe_stats: tuple[dict[int, ColumnStats], ...]  # per stripe: column id -> min/max

    def columns_of(self, names: list[str] | None) -> set[int]:
        """Column ids a read of these top-level fields decodes (all columns for None)."""
        if names is None:
            return {c for ids in self.fields.values() for c in ids} | {0}
        missing = [n for n in names if n not in self.fields]
        if missing:
            raise OrcLayoutError(f"ORC file has no column(s) {missing}; it has {sorted(self.fields)}")
        return {0} | {c for n in names for c in self.fields[n]}

    def needed_ranges(self, columns: list[str] | None, keep_stripe: list[bool] | None = None
                      ) -> list[tuple[int, int]]:
        """(offset, length) byte ranges a reader of ``columns`` needs: the tail, then per kept
        stripe its footer and the data (non-index) streams of those columns."""
        wanted = self.columns_of(columns)
        ranges = [(self.file_length - self.tail_length, self.tail_length)]
        for i, stripe in enumerate(self.stripes):
            if keep_stripe is not None and not keep_stripe[i]:
                continue
            ranges += [(s.offset, s.length) for s in stripe.streams
                       if s.column in wanted and not s.is_index and s.length]
            ranges.append((stripe.footer_offset, stripe.footer_length))
        return sorted(ranges)


def _read_at(f: BinaryIO, offset: int, length: int) -> bytes:
    f.seek(offset)
    data = f.read(length)
    if len(data) != length:
        raise OrcLayoutError(f"ORC file is truncated (wanted {length} bytes at {offset}, got {len(data)})")
    return data


def read_layout(f: BinaryIO, file_length: int) -> OrcLayout:
    """The layout of the ORC file open as ``f`` (seekable, ``file_length`` bytes)."""
    if file_length < 4:
        raise OrcLayoutError("not an ORC file (shorter than its header)")
    if _read_at(f, 0, 3) != b"ORC":
        raise OrcLayoutError("not an ORC file (no 'ORC' magic at the start)")
    ps_length = _read_at(f, file_length - 1, 1)[0]
    ps = _message(_read_at(f, file_length - 1 - ps_length, ps_length))
    if _one(ps, 8000) != b"ORC":
        raise OrcLayoutError("not an ORC file (PostScript has no 'ORC' magic)")
    footer_length, metadata_length = _one(ps, 1, 0), _one(ps, 5, 0)
    kind_id = _one(ps, 2, 0)
    if kind_id not in _COMPRESSION:
        raise OrcLayoutError(f"unknown ORC compression kind {kind_id}")
    kind, block = _COMPRESSION[kind_id], _one(ps, 3, 256 * 1024)
    footer_at = file_length - 1 - ps_length - footer_length
    footer = _message(decompress(_read_at(f, footer_at, footer_length), kind, block))
    metadata = _message(decompress(_read_at(f, footer_at - metadata_length, metadata_length), kind, block)) \
        if metadata_length else {}

    types = [_message(t) for t in footer.get(4, [])]
    fields = _top_level_fields(types)
    stripes = []
    for raw in footer.get(3, []):
        info = _message(raw)
        offset, index_len, data_len, sf_len, rows = (_one(info, n, 0) for n in (1, 2, 3, 4, 5))
        stripe_footer = _message(decompress(_read_at(f, offset + index_len + data_len, sf_len), kind, block))
        streams, at = [], offset
        for s in stripe_footer.get(1, []):
            sm = _message(s)
            length = _one(sm, 3, 0)
            streams.append(Stream(_one(sm, 1, 0), _one(sm, 2, 0), at, length))
            at += length
        if at != offset + index_len + data_len:
            raise OrcLayoutError(f"ORC stripe at {offset}: streams add up to {at - offset} bytes, "
                                 f"the stripe says {index_len + data_len}")
        stripes.append(Stripe(offset, index_len, data_len, sf_len, rows, tuple(streams)))
    stats = tuple({col: st for col, raw in enumerate(_message(ss).get(1, []))
                   if (st := _column_stats(_message(raw))) is not None}
                  for ss in metadata.get(1, []))
    return OrcLayout(file_length, metadata_length + footer_length + ps_length + 1, kind, fields,
                     tuple(stripes), stats)


def _top_level_fields(types: list[dict[int, list[Any]]]) -> dict[str, tuple[int, ...]]:
    """Field name -> column ids of the field and its descendants (ids are pre-order)."""
    if not types:
        return {}

    def subtree(col: int) -> list[int]:
        out = [col]
        for child in _packed_varints(types[col].get(2, [])):
            out += subtree(child)
        return out

    root = types[0]
    names = [n.decode() for n in root.get(3, [])]
    children = _packed_varints(root.get(2, []))
    return {name: tuple(subtree(child)) for name, child in zip(names, children)}


def _column_stats(msg: dict[int, list[Any]]) -> ColumnStats | None:
    """min/max from ColumnStatistics: integer, double, string, date and timestamp (UTC ms)."""
    if 2 in msg:  # IntegerStatistics: sint64
        s = _message(msg[2][-1])
        if 1 in s and 2 in s:
            return ColumnStats(_zigzag(_one(s, 1)), _zigzag(_one(s, 2)))
    if 3 in msg:  # DoubleStatistics: double
        s = _message(msg[3][-1])
        if 1 in s and 2 in s:
            return ColumnStats(struct.unpack("<d", _one(s, 1))[0], struct.unpack("<d", _one(s, 2))[0])
    if 4 in msg:  # StringStatistics
        s = _message(msg[4][-1])
        if 1 in s and 2 in s:
            return ColumnStats(_one(s, 1).decode(errors="replace"), _one(s, 2).decode(errors="replace"))
    if 7 in msg:  # DateStatistics: sint32 days since the epoch
        s = _message(msg[7][-1])
        if 1 in s and 2 in s:
            import datetime as dt

            epoch = dt.date(1970, 1, 1)
            return ColumnStats(epoch + dt.timedelta(days=_zigzag(_one(s, 1))),
                               epoch + dt.timedelta(days=_zigzag(_one(s, 2))))
    if 9 in msg:  # TimestampStatistics: minimumUtc / maximumUtc in ms
        s = _message(msg[9][-1])
        if 3 in s and 4 in s:
            import datetime as dt

            epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
            # Stored in whole ms: widen to the ms boundaries so no matching row is pruned.
            return ColumnStats(epoch + dt.timedelta(milliseconds=_zigzag(_one(s, 3))),
                               epoch + dt.timedelta(milliseconds=_zigzag(_one(s, 4)) + 1))
    return None
