#!/usr/bin/env python3
"""Checks that the `safetensors` package opens a .zoo file and reads back every tensor unchanged.

Run by hand in a venv:  python3 -m venv .venv-format && .venv-format/bin/pip install -r tools/format/requirements.txt
                        swift run -c release zoo convert tiny-cnn -o /tmp/tiny.zoo
                        .venv-format/bin/python tools/format/check_safetensors.py /tmp/tiny.zoo

"Unchanged" is checked against an independent reading of the same file: the header is parsed here
with json/struct and each tensor's bytes are sliced straight from the file, then compared with what
safetensors returns (dtype, shape and every byte). It also checks zoo's own promises: 64-byte
alignment of every real tensor and the graph JSON in __metadata__.
"""
import json
import struct
import sys

import numpy as np
from safetensors import safe_open

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def main(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    data = raw[8 + n:]
    assert meta["format"] == "zoo", meta.get("format")
    graph = json.loads(meta["graph"])
    print(f"{path}: format {meta['format_version']}, graph '{graph['name']}' with {len(graph['nodes'])} nodes")

    checked = bf16 = 0
    with safe_open(path, framework="numpy") as f:
        keys = set(f.keys())
        assert keys == set(header), "safetensors sees other tensors than the header lists"
        for name, entry in header.items():
            begin, end = entry["data_offsets"]
            if entry["dtype"] == "BF16":
                # zoo convert --bf16's panels: numpy has no bfloat16, so safetensors' numpy reader
                # cannot hand the values over; its view of the tensor (type, shape) is checked.
                view = f.get_slice(name)
                assert view.get_dtype() == "BF16" and list(view.get_shape()) == entry["shape"], name
                assert end - begin == 2 * entry["shape"][0] and (8 + n + begin) % 64 == 0, name
                bf16 += 1
                continue
            expected = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
            got = f.get_tensor(name)
            assert got.dtype == expected.dtype and got.shape == expected.shape, name
            assert got.tobytes() == expected.tobytes(), f"{name}: bytes differ"
            if not name.startswith("__zoo_pad_"):
                assert (8 + n + begin) % 64 == 0, f"{name} is not 64-byte aligned"
                checked += 1
    constants = [v["name"] for v in graph["values"] if v["kind"] == "constant"]
    assert sorted(constants) == sorted(k for k in header if not k.startswith("__zoo_pad_")), "graph constants != tensors"
    print(f"OK: safetensors read all {checked} weight tensors unchanged, each 64-byte aligned"
          + (f"; {bf16} BF16 tensors seen with their type and shape (numpy cannot hold their values)" if bf16 else ""))


if __name__ == "__main__":
    main(sys.argv[1])
