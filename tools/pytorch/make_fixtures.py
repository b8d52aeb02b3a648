#!/usr/bin/env python3
"""Writes the .pth fixtures of Tests/ZooPyTorchTests/Fixtures without needing torch installed.

    python3 tools/pytorch/make_fixtures.py Tests/ZooPyTorchTests/Fixtures

torch.save's two layouts are reproduced byte for byte in structure: stand-in modules named
`torch` and `torch._utils` make pickle emit the same GLOBALs (torch._utils._rebuild_tensor_v2,
torch.FloatStorage, collections.OrderedDict) and persistent ids ('storage', type, key, 'cpu',
numel) that torch writes. Real files are checked too: the EfficientNet-Lite0 weights (legacy
layout) in the tests that use the cache. Also writes hostile files for the error tests.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np

# --- stand-ins for the torch names a state dict pickles -------------------------------------
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, torch_utils
torch._utils = torch_utils


def _storage_type(name, dtype):
    cls = type(name, (), {"dtype": np.dtype(dtype)})
    cls.__module__ = "torch"
    setattr(torch, name, cls)
    return cls


FloatStorage = _storage_type("FloatStorage", "<f4")
HalfStorage = _storage_type("HalfStorage", "<f2")
LongStorage = _storage_type("LongStorage", "<i8")


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called: only pickled")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class Storage:
    def __init__(self, key, array):
        self.key, self.array = key, np.ascontiguousarray(array).reshape(-1)
        self.type = {np.dtype("<f4"): FloatStorage, np.dtype("<f2"): HalfStorage, np.dtype("<i8"): LongStorage}[self.array.dtype]


class FakeTensor:
    """A view (offset, size, stride in elements) into a Storage, pickled like torch.Tensor."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


def tensor(key, array):
    array = np.ascontiguousarray(array)
    strides = tuple(s // array.itemsize for s in array.strides)
    return FakeTensor(Storage(key, array), 0, array.shape, strides)


def transposed_view(key, array):
    """A non-contiguous tensor: the transpose of a contiguous storage, as x.t() saves it."""
    array = np.ascontiguousarray(array)
    rows, cols = array.shape
    return FakeTensor(Storage(key, array), 0, (cols, rows), (1, cols))


class StatePickler(pickle.Pickler):
    def __init__(self, f, legacy):
        super().__init__(f, protocol=2)
        self.legacy, self.storages = legacy, collections.OrderedDict()

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            self.storages[obj.key] = obj
            pid = ("storage", obj.type, obj.key, "cpu", obj.array.size)
            return pid + (None,) if self.legacy else pid
        return None


def save_zip(obj, path, folder="archive"):
    buf = io.BytesIO()
    p = StatePickler(buf, legacy=False)
    p.dump(obj)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{folder}/data.pkl", buf.getvalue())
        z.writestr(f"{folder}/byteorder", "little")
        for key, s in p.storages.items():
            z.writestr(f"{folder}/data/{key}", s.array.tobytes())
        z.writestr(f"{folder}/version", "3\n")


def save_legacy(obj, path):
    with open(path, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
        p = StatePickler(f, legacy=True)
        p.dump(obj)
        pickle.dump(list(p.storages.keys()), f, protocol=2)
        for s in p.storages.values():
            f.write(struct.pack("<q", s.array.size))
            f.write(s.array.tobytes())


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    conv = rng.standard_normal((4, 3, 3, 3)).astype("<f4")
    gamma = rng.uniform(0.5, 1.5, 4).astype("<f4")
    fc = rng.standard_normal((3, 5)).astype("<f4")
    half = rng.standard_normal((2, 3)).astype("<f2")
    state = collections.OrderedDict()
    state["features.0.weight"] = tensor("0", conv)
    state["features.1.weight"] = tensor("1", gamma)
    state["features.1.num_batches_tracked"] = tensor("2", np.array(7, dtype="<i8"))
    state["classifier.weight"] = transposed_view("3", fc)  # stored [3,5], viewed [5,3]
    state["half.weight"] = tensor("4", half)
    expected = {
        "features.0.weight": {"shape": list(conv.shape), "values": conv.ravel().tolist(), "dtype": "float32"},
        "features.1.weight": {"shape": [4], "values": gamma.tolist(), "dtype": "float32"},
        "classifier.weight": {"shape": [5, 3], "values": fc.T.ravel().tolist(), "dtype": "float32"},
        "half.weight": {"shape": [2, 3], "values": half.astype("<f4").ravel().tolist(), "dtype": "float16"},
    }
    save_zip(state, f"{out}/tiny_zip.pth")
    save_legacy(state, f"{out}/tiny_legacy.pth")
    # A training checkpoint: wrapped in {"state_dict": ..., "epoch": 3}, saved from DataParallel.
    wrapped = {"epoch": 3, "state_dict": collections.OrderedDict(("module." + k, v) for k, v in state.items())}
    save_zip(wrapped, f"{out}/wrapped_dataparallel.pth", folder="checkpoint")
    with open(f"{out}/expected.json", "w") as f:
        json.dump(expected, f, indent=0)

    # --- hostile files ---
    # Pickles that would run a command or evaluate code if a full unpickler read them.
    evil = b"\x80\x02cposix\nsystem\nq\x00X\x0b\x00\x00\x00echo pwned!q\x01\x85q\x02Rq\x03."
    with zipfile.ZipFile(f"{out}/evil_system.pth", "w") as z:
        z.writestr("archive/data.pkl", evil)
    evil_eval = b"\x80\x02cbuiltins\neval\nX\x0c\x00\x00\x00__import__()\x85R."
    with open(f"{out}/evil_eval.pth", "wb") as f:
        for v in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(v, f, protocol=2)
        f.write(evil_eval)
    # A tensor that claims more elements than its storage holds.
    short = collections.OrderedDict(w=FakeTensor(Storage("0", np.zeros(4, "<f4")), 2, (2, 3), (3, 1)))
    save_zip(short, f"{out}/short_storage.pth")
    # A zip entry whose name climbs out of the folder it would be extracted to.
    with zipfile.ZipFile(f"{out}/traversal.pth", "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}.")
        z.writestr("../x", b"escaped")
    with open(f"{out}/tiny_zip.pth", "rb") as f:
        whole = f.read()
    with open(f"{out}/truncated_zip.pth", "wb") as f:
        f.write(whole[: len(whole) // 2])
    with open(f"{out}/tiny_legacy.pth", "rb") as f:
        whole = f.read()
    with open(f"{out}/truncated_legacy.pth", "wb") as f:
        f.write(whole[: len(whole) - 40])
    with open(f"{out}/not_a_checkpoint.pth", "wb") as f:
        f.write(b"version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/ZooPyTorchTests/Fixtures")
