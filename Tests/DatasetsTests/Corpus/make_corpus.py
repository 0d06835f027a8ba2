#!/usr/bin/env python3
"""Writes the hand-written part of the hostile-file corpus (see README.md).

Every file is named NAME.EXPECTED.EXT, where EXPECTED is `valid` or the DatasetError rule that
`crossfold dataset inspect` must report (exit 65). An .npy file's labels, ids and groups files sit
beside it as NAME.EXPECTED.labels.txt and so on. FuzzCorpusTests loads every file and checks that
outcome. Run from this directory: python3 make_corpus.py
"""
import json
import struct

import numpy as np

CONCEPTS = ["cat", "dog"]


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(name, mode, newline="" if mode == "w" else None) as f:
        f.write(data)


def rows(n=20, width=2):
    """n rows alternating two concepts, 10 of each when n = 20: the smallest valid dataset."""
    return [([round((i * 7 + j) % 13 / 4 - 1.5, 2) for j in range(width)], CONCEPTS[i % 2]) for i in range(n)]


def csv_text(data, header="f0,f1,label"):
    lines = [header] + [",".join(str(v) for v in x) + "," + y for x, y in data]
    return "\n".join(lines) + "\n"


def with_cell(text, line, old, new):
    lines = text.split("\n")
    lines[line] = lines[line].replace(old, new, 1)
    return "\n".join(lines)


def csv_corpus():
    base = csv_text(rows())
    write("csv-minimal.valid.csv", base)
    write("csv-bom-crlf-quoted-newline.valid.csv",
          "\ufeffid,f0,f1,label\r\n" + "".join(
              f'"row\n{i}",{x[0]},{x[1]},{y}\r\n' for i, (x, y) in enumerate(rows())))
    write("csv-empty.empty-dataset.csv", "")
    write("csv-header-only.empty-dataset.csv", "f0,f1,label\n")
    write("csv-unclosed-quote.malformed.csv", with_cell(base, 3, ",", ',"', ))
    write("csv-text-after-quote.malformed.csv", with_cell(base, 1, "cat", "\"cat\"s"))
    write("csv-nul-in-number.not-a-number.csv", with_cell(base, 4, ",", ",\x00", ))
    write("csv-nan.non-finite-value.csv", with_cell(base, 5, base.split("\n")[5].split(",")[0], "nan"))
    write("csv-infinity-word.non-finite-value.csv", with_cell(base, 5, base.split("\n")[5].split(",")[0], "-Infinity"))
    write("csv-overflows-float32.non-finite-value.csv", with_cell(base, 6, base.split("\n")[6].split(",")[0], "3.5e38"))
    write("csv-400-digits.non-finite-value.csv", with_cell(base, 6, base.split("\n")[6].split(",")[0], "9" * 400))
    write("csv-huge-negative-exponent.valid.csv", with_cell(base, 6, base.split("\n")[6].split(",")[0], "1e-999999999999"))
    write("csv-hex-float.valid.csv", with_cell(base, 6, base.split("\n")[6].split(",")[0], "0x1p3"))
    write("csv-ragged-row.ragged-row.csv", with_cell(base, 7, ",", ",1,", ))
    write("csv-missing-cell.ragged-row.csv", with_cell(base, 7, ",", "", ))
    write("csv-blank-line-inside.ragged-row.csv", base.replace("\n", "\n\n", 3).replace("\n\n", "\n", 2))
    write("csv-invalid-utf8-label.malformed.csv", base.encode().replace(b",dog\n", b",d\xffg\n", 1))
    write("csv-empty-label.missing-label.csv", with_cell(base, 8, "dog", ""))
    write("csv-no-label-column.missing-field.csv", base.replace("f0,f1,label", "f0,f1,kind", 1))
    write("csv-two-label-columns.malformed.csv", csv_text([(x + [y], y) for x, y in rows()], "f0,f1,Label,label"))
    write("csv-duplicate-id.duplicate-id.csv",
          "id,f0,f1,label\n" + "".join(f"r{min(i, 18)},{x[0]},{x[1]},{y}\n" for i, (x, y) in enumerate(rows())))
    write("csv-one-concept.too-few-concepts.csv", csv_text([(x, "cat") for x, _ in rows()]))
    write("csv-nine-of-a-concept.too-few-inputs-per-concept.csv", csv_text(rows(19)))
    # An id column read as labels: 8,200 concepts of one input each, a 67 MB matrix from a 74 KB file.
    write("csv-every-label-different.too-few-inputs-per-concept.csv",
          "f0,label\n" + "".join(f"{i % 7},x{i}\n" for i in range(8200)))
    # One cell naming 20,000 concepts (quadratic before ConceptTable marked rows).
    write("csv-one-row-many-labels.too-few-inputs-per-concept.csv",
          "f0,labels\n1," + "|".join(f"c{i}" for i in range(20000)) + "\n")


def jsonl_line(i, vector, concepts=None, extra=None):
    obj = {"id": f"in-{i}", "data": {
        "concepts": concepts if concepts is not None else [{"id": CONCEPTS[i % 2], "value": 1}],
        "embeddings": [{"vector": vector}]}}
    if extra:
        obj.update(extra)
    return json.dumps(obj)


def jsonl_corpus():
    good = [jsonl_line(i, x) for i, (x, _) in enumerate(rows())]

    def variant(name, line, text):
        lines = list(good)
        lines[line] = text
        write(name, "\n".join(lines) + "\n")

    write("jsonl-minimal.valid.jsonl", "\n".join(good) + "\n")
    deep_ok = "[" * 60 + "]" * 60
    deep = "[" * 5000 + "]" * 5000
    variant("jsonl-nested-60-deep.valid.jsonl", 0, good[0][:-1] + f', "x": {deep_ok}}}')
    variant("jsonl-nested-5000-deep.malformed.jsonl", 0, good[0][:-1] + f', "x": {deep}}}')
    variant("jsonl-nan-word.non-finite-value.jsonl", 1, jsonl_line(1, [0.5]).replace("[0.5]", "[NaN, 0.5]"))
    variant("jsonl-1e400.non-finite-value.jsonl", 2, jsonl_line(2, [0.5]).replace("[0.5]", "[1e400, 0.5]"))
    variant("jsonl-unpaired-surrogate.malformed.jsonl", 3, good[3].replace('"in-3"', '"in-\\ud800x"'))
    variant("jsonl-control-character.malformed.jsonl", 3, good[3].replace('"in-3"', '"in\x01-3"'))
    variant("jsonl-nul-byte.malformed.jsonl", 3, good[3].replace('"in-3"', 'in\x00'))
    variant("jsonl-trailing-text.malformed.jsonl", 4, good[4] + " {}")
    variant("jsonl-string-broken-across-lines.malformed.jsonl", 4, good[4].replace('"in-4"', '"in\n-4"'))
    variant("jsonl-two-embeddings.malformed.jsonl", 5, good[5].replace('"embeddings": [', '"embeddings": [{"vector": [1, 2]}, '))
    variant("jsonl-empty-vector.missing-field.jsonl", 0, jsonl_line(0, []))
    variant("jsonl-ragged-vector.ragged-row.jsonl", 6, jsonl_line(6, [1.0, 2.0, 3.0]))
    variant("jsonl-concept-value-2.malformed.jsonl", 7, jsonl_line(7, [1.0, 2.0], [{"id": "dog", "value": 2}]))
    variant("jsonl-positive-and-negative.malformed.jsonl", 7,
            jsonl_line(7, [1.0, 2.0], [{"id": "dog"}, {"id": "dog", "value": 0}]))
    variant("jsonl-group-on-one-input.missing-field.jsonl", 8, jsonl_line(8, [1.0, 2.0], extra={"group": "g"}))
    variant("jsonl-duplicate-id.duplicate-id.jsonl", 9, good[9].replace('"in-9"', '"in-8"'))
    write("jsonl-only-blank-lines.empty-dataset.jsonl", "\n  \n\t\n")
    write("jsonl-not-an-object.malformed.jsonl", "[1, 2, 3]\n")
    # 5,000 explicit negatives then 5,000 positives in one input (quadratic before the fix).
    concepts = [{"id": f"n{i}", "value": 0} for i in range(5000)] + [{"id": f"p{i}"} for i in range(5000)]
    write("jsonl-many-negatives-then-positives.too-few-inputs-per-concept.jsonl",
          "\n".join([jsonl_line(0, [1.0, 2.0], concepts)] + good[1:]) + "\n")


def npy_header(descr, fortran, shape, version=1):
    header = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    prefix = 10 if version == 1 else 12
    total = (prefix + len(header) + 1 + 63) // 64 * 64
    header = header + " " * (total - prefix - len(header) - 1) + "\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode("latin-1")


def npy_corpus():
    data = rows()
    matrix = np.array([x for x, _ in data], dtype=np.float32)
    labels = "\n".join(y for _, y in data) + "\n"

    def npy(name, content, labels_text=labels, ids=None, groups=None):
        write(name + ".npy", content)
        if labels_text is not None:
            write(name + ".labels.txt", labels_text)
        if ids is not None:
            write(name + ".ids.txt", ids)
        if groups is not None:
            write(name + ".groups.txt", groups)

    def saved(array):
        import io
        buffer = io.BytesIO()
        np.save(buffer, array)
        return buffer.getvalue()

    body = matrix.tobytes()
    npy("npy-minimal.valid", saved(matrix),
        ids="\n".join(f"id-{i}" for i in range(20)) + "\n", groups="\n".join(f"g{i % 4}" for i in range(20)))
    npy("npy-float64.valid", saved(matrix.astype(np.float64)))
    npy("npy-version-2-header.valid", npy_header("'<f4'", "False", "(20, 2)", version=2) + body)
    npy("npy-fortran-order.malformed", npy_header("'<f4'", "True", "(20, 2)") + body)
    npy("npy-shape-overflows.malformed", npy_header("'<f4'", "False", "(4611686018427387904, 4)") + body)
    npy("npy-shape-int64-max.malformed",
        npy_header("'<f4'", "False", "(9223372036854775807, 9223372036854775807)") + body)
    npy("npy-shape-beyond-int64.malformed", npy_header("'<f4'", "False", "(99999999999999999999999, 2)") + body)
    npy("npy-zero-rows-huge-columns.empty-dataset", npy_header("'<f4'", "False", "(0, 9223372036854775807)"),
        labels_text="")
    npy("npy-negative-shape.malformed", npy_header("'<f4'", "False", "(-1, 2)") + body)
    npy("npy-zero-columns.missing-field", npy_header("'<f4'", "False", "(20, 0)"))
    npy("npy-one-dimension.malformed", npy_header("'<f4'", "False", "(40,)") + body)
    npy("npy-three-dimensions.malformed", npy_header("'<f4'", "False", "(20, 1, 2)") + body)
    npy("npy-int32.malformed", saved(matrix.astype(np.int32)))
    npy("npy-big-endian.malformed", saved(matrix.astype(">f4")))
    npy("npy-structured-dtype.malformed", npy_header("[('a', '<f4'), ('b', '<f4')]", "False", "(20,)") + body)
    npy("npy-object-dtype.malformed", npy_header("'|O'", "False", "(20, 2)") + body)
    # Header lengths: 4 GiB - 1 (version 2), and 65,535 in a file far shorter (version 1).
    npy("npy-header-length-4gib.malformed", b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + b"{}" + body)
    npy("npy-header-length-past-end.malformed", b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f4'}")
    npy("npy-version-9.unknown-format", b"\x93NUMPY\x09\x00" + saved(matrix)[8:])
    npy("npy-not-numpy.unknown-format", csv_text(rows()).encode())
    npy("npy-header-not-a-dict.malformed", npy_header("'<f4'", "False", "(20, 2)").replace(b"{'descr'", b"['descr'") + body)
    npy("npy-truncated-data.malformed", saved(matrix)[:-5])
    npy("npy-trailing-bytes.malformed", saved(matrix) + b"\x00" * 8)
    nan = matrix.copy()
    nan[3, 1] = np.nan
    npy("npy-nan.non-finite-value", saved(nan))
    big = matrix.astype(np.float64)
    big[4, 0] = 1e300
    npy("npy-float64-beyond-float32.non-finite-value", saved(big))
    npy("npy-labels-one-line-short.malformed", saved(matrix), labels_text="\n".join(y for _, y in data[:-1]) + "\n")
    npy("npy-no-labels-file.unreadable-file", saved(matrix), labels_text=None)
    npy("npy-labels-invalid-utf8.malformed", saved(matrix), labels_text=None)
    write("npy-labels-invalid-utf8.malformed.labels.txt", labels.encode().replace(b"dog", b"d\xc3g", 1))
    npy("npy-duplicate-ids.duplicate-id", saved(matrix), ids="\n".join(f"id-{min(i, 5)}" for i in range(20)) + "\n")
    npy("npy-empty-group.missing-field", saved(matrix), groups="\n".join("" if i == 7 else "g" for i in range(20)) + "\n")


def cfds(features, labels, concepts, ids, groups=None, multi_label=False, fix=None):
    """Canonical bytes as docs/CANONICAL-FORMAT.md lays them out; `fix(header, body)` may damage them."""
    rows, width = len(ids), len(features) // max(len(ids), 1)
    strings = b"".join(struct.pack("<I", len(t.encode())) + t.encode() for t in concepts + ids + (groups or []))
    flags = (1 if multi_label else 0) | (2 if groups is not None else 0)
    header = bytearray(b"\x89CFD\r\n\x1a\n" + struct.pack("<IIQQQQ", 1, flags, rows, width, len(concepts), len(strings))
                       + bytes(16))
    body = bytearray(struct.pack("<%df" % len(features), *features) + bytes(labels))
    body += bytes((8 - (64 + len(body)) % 8) % 8)
    body += strings
    if fix:
        fix(header, body)
    return bytes(header + body)


def cfds_corpus():
    data = rows()
    features = [v for x, _ in data for v in x]
    labels = [b for _, y in data for b in ((1, 0) if y == "cat" else (0, 1))]
    ids = [f"r{i}" for i in range(20)]

    def case(name, fix=None, **changes):
        arguments = dict(features=features, labels=labels, concepts=list(CONCEPTS), ids=ids)
        arguments.update(changes)
        write(name + ".cfds", cfds(fix=fix, **arguments))

    def put(offset, fmt, value):
        return lambda header, body: struct.pack_into(fmt, header, offset, value)

    case("cfds-minimal.valid")
    # 30 rows x 2 features x 3 concepts: 240 feature bytes, 90 label bytes, then 6 bytes of padding.
    multi = [(i % 2, 1 if i % 3 == 0 else 0, 1 if i % 5 else 0) for i in range(30)]
    multi_arguments = dict(features=[float(i) / 4 for i in range(60)], labels=[b for row in multi for b in row],
                           concepts=["a", "b", "\u00fc"], ids=[f"m{i}" for i in range(30)],
                           groups=[f"g{i % 3}" for i in range(30)], multi_label=True)
    write("cfds-multilabel-groups-padding.valid.cfds", cfds(**multi_arguments))
    write("cfds-padding-not-zero.malformed.cfds", cfds(**multi_arguments, fix=lambda h, b: b.__setitem__(240 + 90 + 2, 7)))
    write("cfds-truncated.malformed.cfds", cfds(features, labels, list(CONCEPTS), ids)[:-1])
    write("cfds-trailing-byte.malformed.cfds", cfds(features, labels, list(CONCEPTS), ids) + b"\x00")
    write("cfds-shorter-than-header.malformed.cfds", b"\x89CFD\r\n\x1a\n\x01\x00")
    case("cfds-bad-magic.unknown-format", fix=lambda h, b: h.__setitem__(1, ord("X")))
    case("cfds-version-2.unknown-format", fix=put(8, "<I", 2))
    case("cfds-unknown-flag.malformed", fix=put(12, "<I", 4))
    case("cfds-reserved-not-zero.malformed", fix=put(56, "<Q", 1))
    case("cfds-rows-2-to-the-62.malformed", fix=put(16, "<Q", 1 << 62))
    case("cfds-rows-beyond-int64.malformed", fix=put(16, "<Q", (1 << 64) - 1))
    case("cfds-features-times-rows-overflow.malformed", fix=put(24, "<Q", 1 << 61))
    case("cfds-concepts-2-to-the-40.malformed", fix=put(32, "<Q", 1 << 40))
    case("cfds-string-section-too-short-for-counts.malformed", fix=put(40, "<Q", 8))
    case("cfds-label-byte-2.malformed", fix=lambda h, b: b.__setitem__(160 + 3, 2))
    case("cfds-concepts-unsorted.malformed", concepts=["dog", "cat"])
    case("cfds-concept-repeated.malformed", concepts=["cat", "cat"])
    case("cfds-empty-concept.malformed", concepts=["", "cat"])
    case("cfds-string-length-lies.malformed", fix=lambda h, b: struct.pack_into("<I", b, 200, 0xFFFFFFFF))
    bad_utf8 = cfds(features, labels, list(CONCEPTS), ids).replace(b"r4", b"r\xff")
    write("cfds-invalid-utf8-id.malformed.cfds", bad_utf8)
    nan = list(features)
    nan[7] = float("nan")
    case("cfds-nan-feature.non-finite-value", features=nan)
    case("cfds-duplicate-ids.duplicate-id", ids=ids[:-1] + ["r0"])
    case("cfds-zero-rows.empty-dataset", features=[], labels=[], ids=[])


if __name__ == "__main__":
    csv_corpus()
    jsonl_corpus()
    npy_corpus()
    cfds_corpus()
