"""Read crossfold's canonical dataset form (.cfds, docs/CANONICAL-FORMAT.md) into numpy arrays."""
import struct

import numpy as np


def load(path):
    """Returns (X float32 N x D, Y uint8 N x C, concepts, ids)."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:8] == b"\x89CFD\r\n\x1a\n", "not a .cfds file"
    version, flags, n, d, c, s = struct.unpack_from("<IIQQQQ", blob, 8)
    assert version == 1
    x = np.frombuffer(blob, dtype="<f4", count=n * d, offset=64).reshape(n, d)
    y_offset = 64 + 4 * n * d
    y = np.frombuffer(blob, dtype=np.uint8, count=n * c, offset=y_offset).reshape(n, c)
    position = (y_offset + n * c + 7) // 8 * 8
    strings = []
    for _ in range(c + n):
        (length,) = struct.unpack_from("<I", blob, position)
        strings.append(blob[position + 4 : position + 4 + length].decode())
        position += 4 + length
    return x, y, strings[:c], strings[c:]
