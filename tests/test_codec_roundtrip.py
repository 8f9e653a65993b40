"""Every registered codec, every writer engine, every dataset: write, read back with each reader,
and check the fidelity verdict against what each format is known to be able to store."""

from __future__ import annotations

import pyarrow as pa
import pytest

import formats
from formats.base import Location, ReadRequest, WriteOptions
from storagebench.datasets import generator_names
from storagebench.fidelity import verdict
from storagebench.results import issue_loses_values

WRITE_CASES = [(codec.name, engine.name) for codec in formats.all_codecs() for engine in codec.writers()]
PAIRS = [(codec.name, w.name, r.name) for codec in formats.all_codecs() for w in codec.writers()
         for r in codec.readers()]

TYPES, VALUES = "lossy-types", "lossy-values"
FLOATS = "<every float column>"

# The verdict for EVERY (format, writer, reader) on every generated dataset, each reader seeing
# only the file (its own schema or inference) except the labelled ``pyarrow-schema`` readers.
# A dataset not listed is lossless; a lossy-values entry also names the columns whose values
# were lost.  These are the formats' and engines' real limits, asserted so a regression in
# either direction is caught.  A new reader or writer engine must add its row here.
_CSV_INFERRED = {  # int32 -> int64, float32 -> double, zone name -> UTC, categorical and
    # decimal -> double (values intact), nested written as JSON text (a recorded conversion)
    "numeric": TYPES, "mixed": TYPES, "nested": TYPES, "wide": TYPES, "police": TYPES,
}
_CSV_PANDAS_C = {**_CSV_INFERRED, "text": TYPES}  # pandas' C reader leaves timestamps as text
_CSV_SCHEMA = {"nested": TYPES}  # handed the written schema: only the recorded conversion
_JSON_INFERRED = {  # timestamps and dates as text or timestamp[s], int32 -> int64 ...: types
    "numeric": TYPES, "mixed": TYPES, "text": TYPES, "nested": TYPES, "wide": TYPES, "police": TYPES,
}
_JSON_PANDAS_READ = {  # pandas' default reader (precise_float=False) parses some floats one ulp
    # off ("19.577" -> 19.576999999999998)
    "numeric": (VALUES, {"temperature", "voltage"}), "mixed": TYPES, "text": (VALUES, {"latency_ms"}),
    "nested": (VALUES, {"items"}), "wide": (VALUES, FLOATS), "police": TYPES,
}
# pandas' JSON writer: double_precision=15 rounds 17-digit doubles (voltage) and writes -0.0 as
# 0.0 (one value in wide's f034 at this size); every reader sees what the file holds.
_JSON_PANDAS_FILE = {"numeric": (VALUES, {"voltage"}), "wide": (VALUES, {"f034"})}
_FASTPARQUET_FILE = {  # fastparquet stores dates as timestamp[ms] and nested columns as JSON text
    # (recorded conversions); decimals come back as double (values intact)
    "mixed": TYPES, "nested": TYPES,
}
_FASTPARQUET_READS_PYARROW = {  # fastparquet drops the UTC zone of files it did not write
    # (naive timestamps), computes decimals with a one-ulp error and cannot rebuild nested columns
    "numeric": (VALUES, {"ts"}), "text": (VALUES, {"ts"}), "police": (VALUES, {"UpdateTime"}),
    "mixed": (VALUES, {"ordered_at", "price"}), "nested": (VALUES, {"items", "ts", "user"}),
}
_PANDAS_READS_ARROW = {  # nullable int64 -> float64 (mixed), nested int32 -> int64: types
    "mixed": TYPES, "nested": TYPES,
}
EXPECTED: dict[tuple[str, str, str], dict[str, object]] = {
    ("csv", "pyarrow", "pyarrow"): _CSV_INFERRED,
    ("csv", "pyarrow", "pandas"): _CSV_PANDAS_C,
    ("csv", "pyarrow", "pandas-pyarrow"): _CSV_INFERRED,
    ("csv", "pyarrow", "pyarrow-schema"): _CSV_SCHEMA,
    ("csv", "pandas", "pyarrow"): _CSV_INFERRED,
    ("csv", "pandas", "pandas"): _CSV_PANDAS_C,
    ("csv", "pandas", "pandas-pyarrow"): _CSV_INFERRED,
    ("csv", "pandas", "pyarrow-schema"): _CSV_SCHEMA,
    ("json", "python", "pyarrow"): _JSON_INFERRED,
    ("json", "python", "pandas"): _JSON_PANDAS_READ,
    ("json", "python", "pandas-pyarrow"): _JSON_INFERRED,
    # pyarrow.json cannot parse dates, dictionaries or decimals even with a schema
    ("json", "python", "pyarrow-schema"): {"mixed": TYPES},
    ("json", "pandas", "pyarrow"): {**_JSON_INFERRED, **_JSON_PANDAS_FILE},
    # pandas' writer wrote temperature as 19.577000000000002, which its reader parses exactly
    ("json", "pandas", "pandas"): {**_JSON_PANDAS_READ, "numeric": (VALUES, {"voltage"})},
    ("json", "pandas", "pandas-pyarrow"): {**_JSON_INFERRED, **_JSON_PANDAS_FILE},
    ("json", "pandas", "pyarrow-schema"): {"mixed": TYPES, **_JSON_PANDAS_FILE},
    ("parquet", "pyarrow", "pyarrow"): {},
    ("parquet", "pyarrow", "fastparquet"): _FASTPARQUET_READS_PYARROW,
    ("parquet", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("parquet", "fastparquet", "pyarrow"): _FASTPARQUET_FILE,
    ("parquet", "fastparquet", "fastparquet"): _FASTPARQUET_FILE,
    ("parquet", "fastparquet", "pandas"): _FASTPARQUET_FILE,
    ("orc", "pyarrow", "pyarrow"): {"mixed": TYPES},  # categorical cast (recorded); zone name -> UTC
    ("orc", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("feather", "pyarrow", "pyarrow"): {},
    ("feather", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("avro", "fastavro", "fastavro"): {"mixed": TYPES},  # categorical as string (recorded); UTC micros
}


# polars and DuckDB (formats/engines/), writing and reading, and reading every other writer's
# file: their verdicts as measured on polars 2.1.0 / DuckDB 1.5.5 (e.g. DuckDB converts zone names
# to its session zone, reads JSON offsets as naive timestamps and reads the 201-key `wide` JSON
# as one MAP column; fastparquet drops the zone of their Parquet files).
EXPECTED.update({
    ('avro', 'fastavro', 'polars'): {'mixed': TYPES},
    ('csv', 'duckdb', 'duckdb'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'duckdb', 'pandas'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'duckdb', 'pandas-pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'duckdb', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'duckdb', 'pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'duckdb', 'pyarrow-schema'): {'nested': TYPES},
    ('csv', 'pandas', 'duckdb'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'pandas', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'duckdb'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'pandas'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'pandas-pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'polars', 'pyarrow-schema'): {'nested': TYPES},
    ('csv', 'pyarrow', 'duckdb'): {'numeric': TYPES, 'mixed': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('csv', 'pyarrow', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('feather', 'polars', 'pandas'): {'mixed': TYPES},
    ('feather', 'polars', 'polars'): {},
    ('feather', 'polars', 'pyarrow'): {},
    ('feather', 'pyarrow', 'polars'): {},
    ('json', 'duckdb', 'duckdb'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': (VALUES, {'f000', 'f001', 'f002', 'f003', 'f004', 'f005', 'f006', 'f007', 'f008', 'f009', 'f010', 'f011', 'f012', 'f013', 'f014', 'f015', 'f016', 'f017', 'f018', 'f019', 'f020', 'f021', 'f022', 'f023', 'f024', 'f025', 'f026', 'f027', 'f028', 'f029', 'f030', 'f031', 'f032', 'f033', 'f034', 'f035', 'f036', 'f037', 'f038', 'f039', 'f040', 'f041', 'f042', 'f043', 'f044', 'f045', 'f046', 'f047', 'f048', 'f049', 'f050', 'f051', 'f052', 'f053', 'f054', 'f055', 'f056', 'f057', 'f058', 'f059', 'f060', 'f061', 'f062', 'f063', 'f064', 'f065', 'f066', 'f067', 'f068', 'f069', 'f070', 'f071', 'f072', 'f073', 'f074', 'f075', 'f076', 'f077', 'f078', 'f079', 'f080', 'f081', 'f082', 'f083', 'f084', 'f085', 'f086', 'f087', 'f088', 'f089', 'f090', 'f091', 'f092', 'f093', 'f094', 'f095', 'f096', 'f097', 'f098', 'f099', 'f100', 'f101', 'f102', 'f103', 'f104', 'f105', 'f106', 'f107', 'f108', 'f109', 'f110', 'f111', 'f112', 'f113', 'f114', 'f115', 'f116', 'f117', 'f118', 'f119', 'f120', 'f121', 'f122', 'f123', 'f124', 'f125', 'f126', 'f127', 'f128', 'f129', 'f130', 'f131', 'f132', 'f133', 'f134', 'f135', 'f136', 'f137', 'f138', 'f139', 'f140', 'f141', 'f142', 'f143', 'f144', 'f145', 'f146', 'f147', 'f148', 'f149', 'f150', 'f151', 'f152', 'f153', 'f154', 'f155', 'f156', 'f157', 'f158', 'f159', 'f160', 'f161', 'f162', 'f163', 'f164', 'f165', 'f166', 'f167', 'f168', 'f169', 'f170', 'f171', 'f172', 'f173', 'f174', 'f175', 'f176', 'f177', 'f178', 'f179', 'f180', 'f181', 'f182', 'f183', 'f184', 'f185', 'f186', 'f187', 'f188', 'f189', 'f190', 'f191', 'f192', 'f193', 'f194', 'f195', 'f196', 'f197', 'f198', 'f199', 'row_id'}), 'police': TYPES},
    ('json', 'duckdb', 'pandas'): {'numeric': (VALUES, {'temperature', 'voltage'}), 'mixed': TYPES, 'text': (VALUES, {'latency_ms'}), 'nested': (VALUES, {'items'}), 'wide': (VALUES, {'f000', 'f001', 'f002', 'f004', 'f005', 'f006', 'f008', 'f009', 'f010', 'f012', 'f013', 'f014', 'f016', 'f017', 'f018', 'f020', 'f021', 'f022', 'f024', 'f025', 'f026', 'f028', 'f029', 'f030', 'f032', 'f033', 'f034', 'f036', 'f037', 'f038', 'f040', 'f041', 'f042', 'f044', 'f045', 'f046', 'f048', 'f049', 'f050', 'f052', 'f053', 'f054', 'f056', 'f057', 'f058', 'f060', 'f061', 'f062', 'f064', 'f065', 'f066', 'f068', 'f069', 'f070', 'f072', 'f073', 'f074', 'f076', 'f077', 'f078', 'f080', 'f081', 'f082', 'f084', 'f085', 'f086', 'f088', 'f089', 'f090', 'f092', 'f093', 'f094', 'f096', 'f097', 'f098', 'f100', 'f101', 'f102', 'f104', 'f105', 'f106', 'f108', 'f109', 'f110', 'f112', 'f113', 'f114', 'f116', 'f117', 'f118', 'f120', 'f121', 'f122', 'f124', 'f125', 'f126', 'f128', 'f129', 'f130', 'f132', 'f133', 'f134', 'f136', 'f137', 'f138', 'f140', 'f141', 'f142', 'f144', 'f145', 'f146', 'f148', 'f149', 'f150', 'f152', 'f153', 'f154', 'f156', 'f157', 'f158', 'f160', 'f161', 'f162', 'f164', 'f165', 'f166', 'f168', 'f169', 'f170', 'f172', 'f173', 'f174', 'f176', 'f177', 'f178', 'f180', 'f181', 'f182', 'f184', 'f185', 'f186', 'f188', 'f189', 'f190', 'f192', 'f193', 'f194', 'f196', 'f197', 'f198'}), 'police': TYPES},
    ('json', 'duckdb', 'pandas-pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'duckdb', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'duckdb', 'pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'duckdb', 'pyarrow-schema'): {'mixed': TYPES},
    ('json', 'pandas', 'duckdb'): {'numeric': (VALUES, {'ts', 'voltage'}), 'mixed': (VALUES, {'ordered_at'}), 'text': (VALUES, {'ts'}), 'nested': (VALUES, {'ts'}), 'wide': (VALUES, {'f000', 'f001', 'f002', 'f003', 'f004', 'f005', 'f006', 'f007', 'f008', 'f009', 'f010', 'f011', 'f012', 'f013', 'f014', 'f015', 'f016', 'f017', 'f018', 'f019', 'f020', 'f021', 'f022', 'f023', 'f024', 'f025', 'f026', 'f027', 'f028', 'f029', 'f030', 'f031', 'f032', 'f033', 'f034', 'f035', 'f036', 'f037', 'f038', 'f039', 'f040', 'f041', 'f042', 'f043', 'f044', 'f045', 'f046', 'f047', 'f048', 'f049', 'f050', 'f051', 'f052', 'f053', 'f054', 'f055', 'f056', 'f057', 'f058', 'f059', 'f060', 'f061', 'f062', 'f063', 'f064', 'f065', 'f066', 'f067', 'f068', 'f069', 'f070', 'f071', 'f072', 'f073', 'f074', 'f075', 'f076', 'f077', 'f078', 'f079', 'f080', 'f081', 'f082', 'f083', 'f084', 'f085', 'f086', 'f087', 'f088', 'f089', 'f090', 'f091', 'f092', 'f093', 'f094', 'f095', 'f096', 'f097', 'f098', 'f099', 'f100', 'f101', 'f102', 'f103', 'f104', 'f105', 'f106', 'f107', 'f108', 'f109', 'f110', 'f111', 'f112', 'f113', 'f114', 'f115', 'f116', 'f117', 'f118', 'f119', 'f120', 'f121', 'f122', 'f123', 'f124', 'f125', 'f126', 'f127', 'f128', 'f129', 'f130', 'f131', 'f132', 'f133', 'f134', 'f135', 'f136', 'f137', 'f138', 'f139', 'f140', 'f141', 'f142', 'f143', 'f144', 'f145', 'f146', 'f147', 'f148', 'f149', 'f150', 'f151', 'f152', 'f153', 'f154', 'f155', 'f156', 'f157', 'f158', 'f159', 'f160', 'f161', 'f162', 'f163', 'f164', 'f165', 'f166', 'f167', 'f168', 'f169', 'f170', 'f171', 'f172', 'f173', 'f174', 'f175', 'f176', 'f177', 'f178', 'f179', 'f180', 'f181', 'f182', 'f183', 'f184', 'f185', 'f186', 'f187', 'f188', 'f189', 'f190', 'f191', 'f192', 'f193', 'f194', 'f195', 'f196', 'f197', 'f198', 'f199', 'row_id'}), 'police': (VALUES, {'UpdateTime'})},
    ('json', 'pandas', 'polars'): {'numeric': (VALUES, {'voltage'}), 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': (VALUES, {'f034'}), 'police': TYPES},
    ('json', 'polars', 'duckdb'): {'numeric': (VALUES, {'ts'}), 'mixed': (VALUES, {'ordered_at'}), 'text': (VALUES, {'ts'}), 'nested': (VALUES, {'ts'}), 'wide': (VALUES, {'f000', 'f001', 'f002', 'f003', 'f004', 'f005', 'f006', 'f007', 'f008', 'f009', 'f010', 'f011', 'f012', 'f013', 'f014', 'f015', 'f016', 'f017', 'f018', 'f019', 'f020', 'f021', 'f022', 'f023', 'f024', 'f025', 'f026', 'f027', 'f028', 'f029', 'f030', 'f031', 'f032', 'f033', 'f034', 'f035', 'f036', 'f037', 'f038', 'f039', 'f040', 'f041', 'f042', 'f043', 'f044', 'f045', 'f046', 'f047', 'f048', 'f049', 'f050', 'f051', 'f052', 'f053', 'f054', 'f055', 'f056', 'f057', 'f058', 'f059', 'f060', 'f061', 'f062', 'f063', 'f064', 'f065', 'f066', 'f067', 'f068', 'f069', 'f070', 'f071', 'f072', 'f073', 'f074', 'f075', 'f076', 'f077', 'f078', 'f079', 'f080', 'f081', 'f082', 'f083', 'f084', 'f085', 'f086', 'f087', 'f088', 'f089', 'f090', 'f091', 'f092', 'f093', 'f094', 'f095', 'f096', 'f097', 'f098', 'f099', 'f100', 'f101', 'f102', 'f103', 'f104', 'f105', 'f106', 'f107', 'f108', 'f109', 'f110', 'f111', 'f112', 'f113', 'f114', 'f115', 'f116', 'f117', 'f118', 'f119', 'f120', 'f121', 'f122', 'f123', 'f124', 'f125', 'f126', 'f127', 'f128', 'f129', 'f130', 'f131', 'f132', 'f133', 'f134', 'f135', 'f136', 'f137', 'f138', 'f139', 'f140', 'f141', 'f142', 'f143', 'f144', 'f145', 'f146', 'f147', 'f148', 'f149', 'f150', 'f151', 'f152', 'f153', 'f154', 'f155', 'f156', 'f157', 'f158', 'f159', 'f160', 'f161', 'f162', 'f163', 'f164', 'f165', 'f166', 'f167', 'f168', 'f169', 'f170', 'f171', 'f172', 'f173', 'f174', 'f175', 'f176', 'f177', 'f178', 'f179', 'f180', 'f181', 'f182', 'f183', 'f184', 'f185', 'f186', 'f187', 'f188', 'f189', 'f190', 'f191', 'f192', 'f193', 'f194', 'f195', 'f196', 'f197', 'f198', 'f199', 'row_id'}), 'police': (VALUES, {'UpdateTime'})},
    ('json', 'polars', 'pandas'): {'numeric': (VALUES, {'temperature', 'voltage'}), 'mixed': TYPES, 'text': (VALUES, {'latency_ms'}), 'nested': (VALUES, {'items'}), 'wide': (VALUES, {'f000', 'f001', 'f002', 'f004', 'f005', 'f006', 'f008', 'f009', 'f010', 'f012', 'f013', 'f014', 'f016', 'f017', 'f018', 'f020', 'f021', 'f022', 'f024', 'f025', 'f026', 'f028', 'f029', 'f030', 'f032', 'f033', 'f034', 'f036', 'f037', 'f038', 'f040', 'f041', 'f042', 'f044', 'f045', 'f046', 'f048', 'f049', 'f050', 'f052', 'f053', 'f054', 'f056', 'f057', 'f058', 'f060', 'f061', 'f062', 'f064', 'f065', 'f066', 'f068', 'f069', 'f070', 'f072', 'f073', 'f074', 'f076', 'f077', 'f078', 'f080', 'f081', 'f082', 'f084', 'f085', 'f086', 'f088', 'f089', 'f090', 'f092', 'f093', 'f094', 'f096', 'f097', 'f098', 'f100', 'f101', 'f102', 'f104', 'f105', 'f106', 'f108', 'f109', 'f110', 'f112', 'f113', 'f114', 'f116', 'f117', 'f118', 'f120', 'f121', 'f122', 'f124', 'f125', 'f126', 'f128', 'f129', 'f130', 'f132', 'f133', 'f134', 'f136', 'f137', 'f138', 'f140', 'f141', 'f142', 'f144', 'f145', 'f146', 'f148', 'f149', 'f150', 'f152', 'f153', 'f154', 'f156', 'f157', 'f158', 'f160', 'f161', 'f162', 'f164', 'f165', 'f166', 'f168', 'f169', 'f170', 'f172', 'f173', 'f174', 'f176', 'f177', 'f178', 'f180', 'f181', 'f182', 'f184', 'f185', 'f186', 'f188', 'f189', 'f190', 'f192', 'f193', 'f194', 'f196', 'f197', 'f198'}), 'police': TYPES},
    ('json', 'polars', 'pandas-pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'polars', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'polars', 'pyarrow'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('json', 'polars', 'pyarrow-schema'): {'mixed': TYPES},
    ('json', 'python', 'duckdb'): {'numeric': (VALUES, {'ts'}), 'mixed': (VALUES, {'ordered_at'}), 'text': (VALUES, {'ts'}), 'nested': (VALUES, {'ts'}), 'wide': (VALUES, {'f000', 'f001', 'f002', 'f003', 'f004', 'f005', 'f006', 'f007', 'f008', 'f009', 'f010', 'f011', 'f012', 'f013', 'f014', 'f015', 'f016', 'f017', 'f018', 'f019', 'f020', 'f021', 'f022', 'f023', 'f024', 'f025', 'f026', 'f027', 'f028', 'f029', 'f030', 'f031', 'f032', 'f033', 'f034', 'f035', 'f036', 'f037', 'f038', 'f039', 'f040', 'f041', 'f042', 'f043', 'f044', 'f045', 'f046', 'f047', 'f048', 'f049', 'f050', 'f051', 'f052', 'f053', 'f054', 'f055', 'f056', 'f057', 'f058', 'f059', 'f060', 'f061', 'f062', 'f063', 'f064', 'f065', 'f066', 'f067', 'f068', 'f069', 'f070', 'f071', 'f072', 'f073', 'f074', 'f075', 'f076', 'f077', 'f078', 'f079', 'f080', 'f081', 'f082', 'f083', 'f084', 'f085', 'f086', 'f087', 'f088', 'f089', 'f090', 'f091', 'f092', 'f093', 'f094', 'f095', 'f096', 'f097', 'f098', 'f099', 'f100', 'f101', 'f102', 'f103', 'f104', 'f105', 'f106', 'f107', 'f108', 'f109', 'f110', 'f111', 'f112', 'f113', 'f114', 'f115', 'f116', 'f117', 'f118', 'f119', 'f120', 'f121', 'f122', 'f123', 'f124', 'f125', 'f126', 'f127', 'f128', 'f129', 'f130', 'f131', 'f132', 'f133', 'f134', 'f135', 'f136', 'f137', 'f138', 'f139', 'f140', 'f141', 'f142', 'f143', 'f144', 'f145', 'f146', 'f147', 'f148', 'f149', 'f150', 'f151', 'f152', 'f153', 'f154', 'f155', 'f156', 'f157', 'f158', 'f159', 'f160', 'f161', 'f162', 'f163', 'f164', 'f165', 'f166', 'f167', 'f168', 'f169', 'f170', 'f171', 'f172', 'f173', 'f174', 'f175', 'f176', 'f177', 'f178', 'f179', 'f180', 'f181', 'f182', 'f183', 'f184', 'f185', 'f186', 'f187', 'f188', 'f189', 'f190', 'f191', 'f192', 'f193', 'f194', 'f195', 'f196', 'f197', 'f198', 'f199', 'row_id'}), 'police': (VALUES, {'UpdateTime'})},
    ('json', 'python', 'polars'): {'numeric': TYPES, 'mixed': TYPES, 'text': TYPES, 'nested': TYPES, 'wide': TYPES, 'police': TYPES},
    ('parquet', 'duckdb', 'duckdb'): {'mixed': TYPES},
    ('parquet', 'duckdb', 'fastparquet'): {'numeric': (VALUES, {'ts'}), 'mixed': (VALUES, {'ordered_at', 'price'}), 'text': (VALUES, {'ts'}), 'nested': (VALUES, {'items', 'ts', 'user'}), 'police': (VALUES, {'UpdateTime'})},
    ('parquet', 'duckdb', 'pandas'): {'mixed': TYPES, 'nested': TYPES},
    ('parquet', 'duckdb', 'polars'): {'mixed': TYPES},
    ('parquet', 'duckdb', 'pyarrow'): {'mixed': TYPES},
    ('parquet', 'fastparquet', 'duckdb'): {'mixed': TYPES, 'nested': TYPES},
    ('parquet', 'fastparquet', 'polars'): {'mixed': TYPES, 'nested': (VALUES, {'items', 'user'})},
    ('parquet', 'polars', 'duckdb'): {'mixed': TYPES},
    ('parquet', 'polars', 'fastparquet'): {'numeric': (VALUES, {'ts'}), 'mixed': (VALUES, {'ordered_at', 'price'}), 'text': (VALUES, {'ts'}), 'nested': (VALUES, {'items', 'ts', 'user'}), 'police': (VALUES, {'UpdateTime'})},
    ('parquet', 'polars', 'pandas'): {'mixed': TYPES, 'nested': TYPES},
    ('parquet', 'polars', 'polars'): {},
    ('parquet', 'polars', 'pyarrow'): {},
    ('parquet', 'pyarrow', 'duckdb'): {'mixed': TYPES},
    ('parquet', 'pyarrow', 'polars'): {},
})

def test_every_writer_reader_pair_has_an_expected_verdict():
    assert sorted(set(PAIRS) - set(EXPECTED)) == [], "add the new pair's row to EXPECTED"
    assert sorted(set(EXPECTED) - set(PAIRS)) == [], "EXPECTED names a pair no codec has"


def expected_verdict(pair: tuple[str, str, str], dataset: str, table) -> tuple[str, set[str]]:
    entry = EXPECTED[pair].get(dataset, "lossless")
    status, lost = entry if isinstance(entry, tuple) else (entry, set())
    if lost == FLOATS:
        lost = {f.name for f in table.schema if pa.types.is_floating(f.type)}
    return status, set(lost)

# Reads that fail for a known reason in the libraries (asserted, so a fix upstream is noticed):
# polars writes IPC strings as string_view, and pyarrow cannot convert lists of string_view
# to pandas.
KNOWN_READ_FAILURES = {
    ("feather", "polars", "pandas", "nested"): "string_view",
}


def _write(codec, engine, table, tmp_path, compression=None):
    comp = compression or (codec.default_compression if codec.default_compression in
                           codec.engine(engine).write_compressions else codec.engine(engine).write_compressions[0])
    loc = Location(str(tmp_path / codec.file_name(f"{engine}", comp)))
    codec.write(codec.writer_input(table, engine), loc, engine, WriteOptions(comp, 100))
    return loc


def _request(reader, table, **kw) -> ReadRequest:
    """What the harness hands a reader: the written schema only to ``reads_written_schema``."""
    return ReadRequest(schema=table.schema if reader.reads_written_schema else None, **kw)


@pytest.mark.parametrize("dataset", generator_names())
@pytest.mark.parametrize("fmt,writer", WRITE_CASES, ids=[f"{f}-{w}" for f, w in WRITE_CASES])
def test_every_codec_round_trips_every_dataset(fmt, writer, dataset, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    if codec.engine(writer).missing_requirement():
        pytest.skip(codec.engine(writer).missing_requirement())
    table, conversions = codec.prepare(small_datasets[dataset].table)
    conversions = conversions + codec.writer_conversions(table, writer)
    loc = _write(codec, writer, table, tmp_path)
    assert loc.size() > 0
    for reader in codec.readers():
        known = KNOWN_READ_FAILURES.get((fmt, writer, reader.name, dataset))
        try:
            actual = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table)))
        except Exception as exc:
            if known and known in str(exc):
                continue
            pytest.fail(f"{fmt}: {reader.name} could not read the {writer}-written {dataset} file: {exc}")
        assert known is None, f"{fmt}: {reader.name} now reads the {writer}-written {dataset} file"
        assert actual.num_rows == table.num_rows, (reader.name, dataset)
        result = verdict(table, actual, conversions, schema_supplied=reader.reads_written_schema)
        status, lost = expected_verdict((fmt, writer, reader.name), dataset, table)
        values_lost = {i.column for i in result.issues if issue_loses_values(i.kind)}
        assert (result.status, values_lost) == (status, lost), (reader.name, result.as_info())


@pytest.mark.parametrize("fmt", [c.name for c in formats.all_codecs()])
def test_projection_and_predicate_give_the_expected_rows(fmt, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    ds = small_datasets["numeric"]
    writer = codec.writers()[0].name
    table, _ = codec.prepare(ds.table)
    loc = _write(codec, writer, table, tmp_path)
    for reader in codec.readers():
        projected = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table, columns=ds.projection)))
        assert projected.column_names == list(ds.projection)
        filtered = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table, predicate=ds.predicate)))
        expected_ids = list(range(ds.predicate.lo, ds.predicate.hi))
        assert filtered.column("reading_id").to_pylist() == expected_ids, reader.name


def test_parquet_row_group_size_is_applied_and_predicate_prunes(small_datasets, tmp_path):
    from formats.parquet import row_group_count

    codec = formats.get_codec("parquet")
    table = small_datasets["numeric"].table
    loc = Location(str(tmp_path / "rg.parquet"))
    codec.write(table, loc, "pyarrow", WriteOptions("snappy", 60))
    assert row_group_count(loc) == table.num_rows // 60


def test_memory_location_round_trip(small_datasets):
    codec = formats.get_codec("parquet")
    table = small_datasets["police"].table
    sink = Location.memory()
    codec.write(table, sink, "pyarrow", WriteOptions("zstd"))
    back = codec.to_arrow(codec.read(Location.memory(sink.getvalue()), "pyarrow", ReadRequest()))
    assert back.equals(table)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_gzip_text_formats_round_trip_with_every_writer_and_reader(fmt, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    table, conversions = codec.prepare(small_datasets["police"].table)
    for writer in codec.writers():
        loc = _write(codec, writer.name, table, tmp_path, compression="gzip")
        assert loc.path.endswith(".gz")
        with open(loc.path, "rb") as f:
            assert f.read(2) == b"\x1f\x8b"  # really gzip on disk
        for reader in codec.readers():
            back = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table)))
            assert back.num_rows == table.num_rows
            assert back.column("guid").to_pylist() == table.column("guid").to_pylist()
