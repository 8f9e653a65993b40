"""Reading one S3 object as a user would: the codec its extension names, clear errors when the
endpoint, bucket or key is wrong, access is denied, or the bytes are not that format."""

from __future__ import annotations

import pyarrow as pa

import formats
from formats.base import Codec, ReadRequest, UnsupportedCaseError
from storagebench.s3.clients import SETUP_CLIENT, get_client
from storagebench.s3.endpoint import S3Target
from storagebench.s3.errors import S3Error, S3ObjectFormatError, translate


def codec_for_key(key: str) -> Codec:
    """The codec whose extension the key ends with (``.csv.gz`` counts as CSV)."""
    name = key.rsplit("/", 1)[-1].lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    for codec in formats.all_codecs():
        if codec.extension == ext:
            return codec
    raise UnsupportedCaseError(
        f"cannot tell the format of S3 key {key!r} from its extension; known: "
        + ", ".join(sorted(c.extension for c in formats.all_codecs())))


def read_object(target: S3Target, key: str, client: str = SETUP_CLIENT, engine: str | None = None,
                request: ReadRequest | None = None) -> pa.Table:
    """Read ``s3://<bucket>/<key>`` with the codec its extension names; clear errors when the
    endpoint, bucket or key is wrong, access is denied, or the bytes are not that format."""
    codec = codec_for_key(key)
    reader = engine or codec.readers()[0].name
    location = get_client(client).location(target, key)
    try:
        return codec.to_arrow(codec.read(location, reader, request or ReadRequest()))
    except S3Error:
        raise
    except Exception as exc:
        err = translate(exc, target.endpoint_label, target.bucket, key)
        if err is not None:
            raise err from None
        raise S3ObjectFormatError(
            f"s3://{target.bucket}/{key} is not a readable {codec.name} file (its extension says "
            f"{codec.name}; {reader} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})"
        ) from None
