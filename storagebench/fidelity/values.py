"""Values compared as values: floats by value and sign with NaN equal to NaN, a null never
equal to NaN, and the first differing row as an example."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def value_differences(exp: pa.Array, got: pa.Array | list, raw: pa.Array) -> tuple[int, str] | None:
    """None when every value (and null) matches, else (count, one example from the raw read)."""
    if isinstance(got, list) or pa.types.is_nested(exp.type):
        ev = exp.to_pylist()
        gv = got if isinstance(got, list) else got.to_pylist()
        bad = [i for i, (a, b) in enumerate(zip(ev, gv)) if not _same(a, b)]
        if not bad:
            return None
        return len(bad), _example(ev[bad[0]], raw[bad[0]].as_py(), bad[0])
    if pa.types.is_floating(exp.type):
        differ = _float_differences(exp, got.cast(exp.type))
    else:
        got = got.cast(exp.type) if got.type != exp.type else got
        equal = pc.equal(exp, got)
        nulls_differ = pc.xor(pc.is_null(exp), pc.is_null(got))
        differ = pc.or_(pc.fill_null(pc.invert(equal), False), nulls_differ)
    count = pc.sum(differ).as_py() or 0
    if count == 0:
        return None
    idx = pc.index(differ, True).as_py()
    return count, _example(exp[idx].as_py(), raw[idx].as_py(), idx)


def _float_differences(exp: pa.Array, got: pa.Array) -> pa.Array:
    """Per row: differs by value, by sign (-0.0 vs 0.0), by NaN-ness or by null-ness."""
    e_null = np.asarray(exp.is_null())
    g_null = np.asarray(got.is_null())
    e = np.asarray(pc.fill_null(exp, 0.0).to_numpy(zero_copy_only=False))
    g = np.asarray(pc.fill_null(got, 0.0).to_numpy(zero_copy_only=False))
    with np.errstate(invalid="ignore"):
        same = ((e == g) & (np.signbit(e) == np.signbit(g))) | (np.isnan(e) & np.isnan(g))
    return pa.array(~same & ~(e_null & g_null) | (e_null != g_null))


def _same(a: Any, b: Any) -> bool:
    """Python-value equality with floats by value and sign, NaN == NaN, and nesting."""
    if isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(b, bool):
        b = float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _example(written: Any, read: Any, row: int) -> str:
    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    if written is None and isinstance(read, float) and read != read:
        return f"row {row}: null became NaN"
    return f"row {row}: wrote {short(written)}, read {short(read)}"


def dictionary_values(arr: pa.DictionaryArray) -> pa.Array:
    """A dictionary column's values.  Not ``cast``/``dictionary_decode``: Arrow has no kernels for
    dictionaries of string_view, which polars writes for Categorical columns."""
    values = arr.dictionary
    if pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    elif pa.types.is_binary_view(values.type):
        values = values.cast(pa.binary())
    return pa.DictionaryArray.from_arrays(arr.indices, values).dictionary_decode()
