"""ORC needed bytes from the file's stripe and stream layout (storagebench.s3.orc_layout).

Hand-built files with known content: the layout must tile the file exactly (header, stripes,
tail), the streams must tile each stripe, a projected read must succeed from the needed ranges
alone (every other byte of the file zeroed), and stripe statistics must prune exactly the
stripes whose values cannot match.
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.orc as po
import pytest

from formats.base import RangePredicate, ReadRequest
from storagebench.s3.needed import BASIS_ORC, needed_bytes, orc_needed_bytes
from storagebench.s3.orc_layout import OrcLayoutError, read_layout

ROWS = 40_000
BLOB = 100  # bytes per value of the random binary column


def _table() -> pa.Table:
    rng = np.random.default_rng(11)
    return pa.table({
        "id": np.arange(ROWS, dtype=np.int64),  # sorted: stripes hold disjoint id ranges
        "blob": pa.array([rng.bytes(BLOB) for _ in range(ROWS)], pa.binary()),
        "x": rng.random(ROWS),
        "tag": pa.array([f"t{i % 7}" for i in range(ROWS)]),
        "nested": pa.array([{"k": int(i), "v": "w"} for i in range(ROWS)]),
    })


def _orc(table: pa.Table, compression: str) -> bytes:
    sink = io.BytesIO()
    po.write_table(table, sink, compression=compression, stripe_size=1_000_000)
    return sink.getvalue()


@pytest.fixture(scope="module")
def table():
    return _table()


@pytest.mark.parametrize("compression", ["uncompressed", "zlib", "snappy", "lz4", "zstd"])
def test_layout_tiles_the_file(table, compression):
    data = _orc(table, compression)
    layout = read_layout(io.BytesIO(data), len(data))
    f = po.ORCFile(io.BytesIO(data))
    assert len(layout.stripes) == f.nstripes > 1
    assert sum(s.rows for s in layout.stripes) == ROWS
    # "ORC" header, then the stripes back to back, then the tail: every byte accounted for.
    assert layout.stripes[0].offset == 3
    for a, b in zip(layout.stripes, layout.stripes[1:]):
        assert a.offset + a.length == b.offset
    last = layout.stripes[-1]
    assert last.offset + last.length + layout.tail_length == len(data)
    assert layout.tail_length == f.file_footer_length + f.file_postscript_length + f.stripe_statistics_length + 1
    assert layout.fields == {"id": (1,), "blob": (2,), "x": (3,), "tag": (4,), "nested": (5, 6, 7)}
    assert layout.compression == (None if compression == "uncompressed" else compression)


def test_uncompressed_blob_column_needs_its_bytes(table):
    data = _orc(table, "uncompressed")
    layout = read_layout(io.BytesIO(data), len(data))
    need_blob = orc_needed_bytes(layout, ReadRequest(columns=("blob",)))
    need_id = orc_needed_bytes(layout, ReadRequest(columns=("id",)))
    # The blob column's DATA streams hold exactly its random bytes; LENGTH streams and footers
    # add a little.  The id column is a small fraction of the file.
    assert ROWS * BLOB <= need_blob < ROWS * BLOB * 1.05
    assert need_id < len(data) * 0.05
    assert need_blob + need_id < len(data)


@pytest.mark.parametrize("compression", ["uncompressed", "zstd", "snappy"])
@pytest.mark.parametrize("columns", [["id"], ["blob", "x"], ["nested"], ["tag"]])
def test_projected_read_succeeds_from_the_needed_ranges_alone(table, compression, columns):
    data = _orc(table, compression)
    layout = read_layout(io.BytesIO(data), len(data))
    masked = bytearray(len(data))  # every byte zero except the needed ranges
    for offset, length in layout.needed_ranges(columns):
        masked[offset:offset + length] = data[offset:offset + length]
    assert sum(length for _, length in layout.needed_ranges(columns)) < len(data)
    got = po.ORCFile(io.BytesIO(bytes(masked))).read(columns=columns)
    assert got.equals(table.select(columns))


def test_stripe_statistics_prune_exactly_the_stripes_that_cannot_match(table):
    data = _orc(table, "zstd")
    layout = read_layout(io.BytesIO(data), len(data))
    f = po.ORCFile(io.BytesIO(data))
    lo, hi = ROWS // 2, ROWS // 2 + ROWS // 10
    request = ReadRequest(columns=("x",), predicate=RangePredicate("id", lo, hi))
    keep = []
    for i in range(f.nstripes):
        ids = f.read_stripe(i, columns=["id"]).column(0)
        keep.append(pc.max(ids).as_py() >= lo and pc.min(ids).as_py() < hi)
    assert 0 < sum(keep) < len(keep)
    expected = sum(length for _, length in layout.needed_ranges(["x", "id"], keep))
    assert orc_needed_bytes(layout, request) == expected
    # Fewer bytes than the same projection without the predicate (which keeps every stripe).
    assert expected < orc_needed_bytes(layout, ReadRequest(columns=("x", "id")))


def test_needed_bytes_names_the_orc_basis(tmp_path, table):
    from formats.base import Location

    path = tmp_path / "t.orc"
    path.write_bytes(_orc(table, "zstd"))
    n, basis = needed_bytes("orc", "projection", Location(str(path)), path.stat().st_size,
                            ReadRequest(columns=("id",)))
    assert basis == BASIS_ORC and 0 < n < path.stat().st_size
    assert needed_bytes("orc", "full", Location(str(path)), 123, ReadRequest())[0] == 123


@pytest.mark.parametrize("data, message", [(b"PAR1" + b"\0" * 100, "no 'ORC' magic at the start"),
                                           (b"OR", "shorter than its header")])
def test_not_an_orc_file_is_a_clear_error(data, message):
    with pytest.raises(OrcLayoutError, match=message):
        read_layout(io.BytesIO(data), len(data))


def test_unknown_column_is_a_clear_error(table):
    data = _orc(table, "zstd")
    layout = read_layout(io.BytesIO(data), len(data))
    with pytest.raises(OrcLayoutError, match="no column.*'nope'"):
        layout.needed_ranges(["nope"])
