#!/usr/bin/env python3
"""Writes the hostile inputs of issue 15 into a folder, for trying zoo by hand.

    /work/.venv/bin/python tools/hardening/make_hostile.py /tmp/hostile

The tests build the same files in Swift (Tests/ZooTestSupport/HostileFiles.swift), so nothing
here is committed as a binary and `swift test` needs no Python. Each file is small on disk and
huge once believed: a Pad of 100000, a declared 1x3x100000x100000 input, a zip bomb .pth,
a 20000x1 PNG, a Dropout whose ratio is fed at run time.
"""
import struct
import sys
import zlib
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(model, path):
    onnx.save(model, str(path))


def pad_100000(folder):
    pads = numpy_helper.from_array(np.array([0, 0, 100000, 100000, 0, 0, 100000, 100000], np.int64), "pads")
    graph = helper.make_graph(
        [helper.make_node("Pad", ["x", "pads"], ["y"])], "pad",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [pads])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), folder / "pad-100000.onnx")


def huge_input(folder):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "huge",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 100000, 100000])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), folder / "huge-input.onnx")


def dropout_runtime_ratio(folder):
    graph = helper.make_graph(
        [helper.make_node("Dropout", ["x", "r"], ["y"])], "dropout",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4, 5]),
         helper.make_tensor_value_info("r", TensorProto.FLOAT, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), folder / "dropout-ratio-input.onnx")
    np.save(folder / "dropout-x.npy", np.ones((3, 4, 5), np.float32))
    np.save(folder / "dropout-r.npy", np.array(0.5, np.float32))


def state_dict_pickle(tensors):
    """The pickle torch.save writes for {name: 1-D float tensor}, honest about each storage's
    element count, made without torch (and without allocating the tensors)."""
    import io
    import pickle as pk

    class Storage:
        def __init__(self, key, count):
            self.key, self.count = key, count

    class FloatStorage:  # pickled by name only
        pass
    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"

    def rebuild():  # stands for torch._utils._rebuild_tensor_v2
        pass
    rebuild.__module__, rebuild.__qualname__ = "torch._utils", "_rebuild_tensor_v2"

    class Tensor:
        def __init__(self, storage):
            self.storage = storage

        def __reduce__(self):
            import collections
            return (rebuild, (self.storage, 0, (self.storage.count,), (1,), False, collections.OrderedDict()))

    class Pickler(pk.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                return ("storage", FloatStorage, obj.key, "cpu", obj.count)
            return None

    out = io.BytesIO()
    import collections
    state = collections.OrderedDict((name, Tensor(Storage(key, count))) for name, (key, count) in tensors.items())
    # save_global checks that each name is importable under its module: stand-ins do (torch
    # itself is not needed, and must not be imported in this process).
    import sys, types
    for module, name, obj in [("torch", "FloatStorage", FloatStorage), ("torch._utils", "_rebuild_tensor_v2", rebuild)]:
        if module not in sys.modules:
            sys.modules[module] = types.ModuleType(module)
        setattr(sys.modules[module], name, obj)
    pickler = Pickler(out, protocol=2)
    pickler.fast = True  # no memo: the reader refuses shared tuples, which torch never writes
    pickler.dump(state)
    return out.getvalue()


def pth_bomb(folder, storages=3, gib=1):
    """A torch.save layout whose storages are deflated runs of zeros: 3 MB on disk, 3 GiB inflated."""
    pickle = state_dict_pickle({f"w{k}": (str(k), (gib << 30) // 4) for k in range(storages)})
    path = folder / "bomb.pth"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle)
        for k in range(storages):
            info = zipfile.ZipInfo(f"archive/data/{k}")
            info.compress_type = zipfile.ZIP_DEFLATED
            # Stream the same compressed MiB gib*1024 times.
            with z.open(info, "w", force_zip64=True) as f:
                for _ in range(gib * 1024):
                    f.write(bytes(1 << 20))
    return path


def wide_png(folder, width=20000, height=1):
    raw = b"".join(b"\x00" + bytes(width * 3) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    (folder / "wide-20000x1.png").write_bytes(png)


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hostile")
    folder.mkdir(parents=True, exist_ok=True)
    pad_100000(folder)
    huge_input(folder)
    dropout_runtime_ratio(folder)
    wide_png(folder)
    if "--no-bomb" not in sys.argv:
        pth_bomb(folder)
    for p in sorted(folder.iterdir()):
        print(f"{p.stat().st_size:>10}  {p}")


if __name__ == "__main__":
    main()
