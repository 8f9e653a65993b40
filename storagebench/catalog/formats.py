"""The catalog description of a format, looked up from its codec.

Each codec declares how the Glue Data Catalog describes its files (``Codec.catalog``, a
:class:`formats.catalog_facts.CatalogFormat`, in the codec's own module: SerDe, input/output
format, declared column types, column matching, widenings), so adding a format stays a one-module
change.  This module is the catalog layer's lookup: by codec name, with a one-line error for a
name that is not a format or a format without a catalog description.
"""

from __future__ import annotations

import formats
from formats.base import UnsupportedCaseError
from formats.catalog_facts import CatalogFormat

__all__ = ["CatalogFormat", "catalog_format", "catalog_format_names"]


def catalog_format(name: str) -> CatalogFormat:
    facts = formats.get_codec(name).catalog  # an unknown name is an UnknownNameError listing the formats
    if facts is None:
        raise UnsupportedCaseError(f"format {name!r} has no Glue Data Catalog description "
                                   f"(its codec sets no `catalog`)")
    return facts


def catalog_format_names() -> list[str]:
    return [c.name for c in formats.all_codecs() if c.catalog is not None]
