#!/usr/bin/env python3
"""Writes the seed corpora of tools/fuzz/corpus/<harness>/ from the test fixtures.

    python3 -m venv .venv-fuzz && .venv-fuzz/bin/pip install -r tools/fuzz/requirements.txt
    swift build && .venv-fuzz/bin/python tools/fuzz/make_corpus.py --zoo .build/debug/zoo

Run from the repository root. Seeds are the small fixtures copied as they are (the malformed
ones too: they start the fuzzer inside the error paths), plus what no fixture covers: Keras
weights-only .h5 files (fixed- and variable-length name strings), .npy files of every dtype and
header version, and .zoo files made by `zoo convert` from small ONNX fixtures. Large fixtures
are left out: slow inputs make slow fuzzing. The whole corpus stays a few hundred KB.
"""
import argparse
import os
import shutil
import subprocess

import h5py
import numpy as np

FIXTURES = "Tests"
OUT = "tools/fuzz/corpus"

# Fixtures copied unchanged, per harness.
COPIED = {
    "onnx": [
        "ZooONNXTests/Fixtures/softmax_nchw_op11.onnx",
        "ZooONNXTests/Fixtures/softmax_nchw_op13.onnx",
        "ZooONNXTests/Fixtures/layout_mix_op10.onnx",
        "ZooONNXTests/Fixtures/layout_mix_op13.onnx",
        "ZooONNXTests/Fixtures/initializer_forms_ir3.onnx",
        "ZooONNXTests/Fixtures/unsupported_lrn.onnx",
        "ZooONNXTests/Fixtures/unsupported_pad_reflect.onnx",
        "ZooONNXTests/Fixtures/hostile_short_raw.onnx",
        "ZooONNXTests/Fixtures/hostile_huge_dims.onnx",
        "ZooONNXTests/Fixtures/external/model.onnx",
        "ZooONNXTests/Fixtures/external/escape.onnx",
        "ZooONNXTests/Fixtures/external/past_end.onnx",
        "ZooONNXTests/Fixtures/tv_vgg16_op13.onnx",
        "ZooONNXTests/Fixtures/tv_resnet18_op17.onnx",
    ],
    "keras-h5": [
        "ZooKerasTests/Fixtures/sequential_k2.h5",
        "ZooKerasTests/Fixtures/sequential_k3.h5",
        "ZooKerasTests/Fixtures/not_hdf5.h5",
    ],
    "keras-archive": [
        "ZooKerasTests/Fixtures/all_layers_k3_deflated.keras",
        "ZooKerasTests/Fixtures/sequential_k3.keras",
        "ZooKerasTests/Fixtures/no_weights.keras",
    ],
    "pth": [
        "ZooPyTorchTests/Fixtures/tiny_zip.pth",
        "ZooPyTorchTests/Fixtures/tiny_legacy.pth",
        "ZooPyTorchTests/Fixtures/wrapped_dataparallel.pth",
        "ZooPyTorchTests/Fixtures/short_storage.pth",
        "ZooPyTorchTests/Fixtures/truncated_legacy.pth",
        "ZooPyTorchTests/Fixtures/traversal.pth",
        "ZooPyTorchTests/Fixtures/evil_system.pth",
        "ZooPyTorchTests/Fixtures/torchvision/tv-vgg16_legacy.pth",
        "ZooPyTorchTests/Fixtures/torchvision/tv-vgg16_zip.pth",
    ],
    "npy": [
        "ZooVisionTests/Fixtures/levels.caffe.nhwc.npy",
    ],
    "jpeg": [
        "ZooVisionTests/Fixtures/orientation1.jpg",
        "ZooVisionTests/Fixtures/orientation6_bigendian.jpg",
        "ZooVisionTests/Fixtures/gray.jpg",
        "ZooVisionTests/Fixtures/ycck.jpg",
        "ZooVisionTests/Fixtures/huge.jpg",
        "ZooVisionTests/Fixtures/header_only.jpg",
    ],
    "png": [
        "ZooVisionTests/Fixtures/levels.png",
        "ZooVisionTests/Fixtures/gray1.png",
        "ZooVisionTests/Fixtures/gray2.png",
        "ZooVisionTests/Fixtures/gray4.png",
        "ZooVisionTests/Fixtures/gray8_trns.png",
        "ZooVisionTests/Fixtures/gray16_interlaced.png",
        "ZooVisionTests/Fixtures/palette4_trns.png",
        "ZooVisionTests/Fixtures/orientation8.png",
        "ZooVisionTests/Fixtures/huge.png",
        "ZooVisionTests/Fixtures/truncated.png",
    ],
    "webp": [
        "ZooVisionTests/Fixtures/formats/lossy.webp",
        "ZooVisionTests/Fixtures/formats/alpha_lossy.webp",
        "ZooVisionTests/Fixtures/formats/animated.webp",
        "ZooVisionTests/Fixtures/formats/exif.webp",
        "ZooVisionTests/Fixtures/formats/huge.webp",
    ],
    "tiff": [
        "ZooVisionTests/Fixtures/formats/rgb_lzw.tif",
        "ZooVisionTests/Fixtures/formats/rgb_jpeg.tif",
        "ZooVisionTests/Fixtures/formats/bilevel.tif",
        "ZooVisionTests/Fixtures/formats/palette.tif",
        "ZooVisionTests/Fixtures/formats/gray16.tif",
        "ZooVisionTests/Fixtures/formats/rgb16_be.tif",
        "ZooVisionTests/Fixtures/formats/rgba_premultiplied.tif",
        "ZooVisionTests/Fixtures/formats/gray2_miniswhite.tif",
        "ZooVisionTests/Fixtures/formats/rgb_tiled.tif",
        "ZooVisionTests/Fixtures/formats/orientation.tif",
        "ZooVisionTests/Fixtures/formats/huge.tif",
    ],
    "gif": [
        "ZooVisionTests/Fixtures/formats/plain.gif",
        "ZooVisionTests/Fixtures/formats/transparent.gif",
        "ZooVisionTests/Fixtures/formats/animated.gif",
        "ZooVisionTests/Fixtures/formats/offset_frame.gif",
        "ZooVisionTests/Fixtures/formats/huge.gif",
    ],
    "bmp": [
        "ZooVisionTests/Fixtures/formats/palette4.bmp",
        "ZooVisionTests/Fixtures/formats/palette8_core.bmp",
        "ZooVisionTests/Fixtures/formats/bitfields32_rgba.bmp",
        "ZooVisionTests/Fixtures/formats/bitfields16_565.bmp",
        "ZooVisionTests/Fixtures/formats/rgb16_555.bmp",
        "ZooVisionTests/Fixtures/formats/rgb24_topdown.bmp",
        "ZooVisionTests/Fixtures/formats/rle8.bmp",
        "ZooVisionTests/Fixtures/formats/rle4.bmp",
        "ZooVisionTests/Fixtures/formats/huge.bmp",
    ],
}

# ONNX fixtures turned into .zoo seeds by `zoo convert`.
ZOO_SOURCES = ["softmax_nchw_op13.onnx", "layout_mix_op13.onnx"]


def copy_fixtures():
    for harness, paths in COPIED.items():
        for path in paths:
            source = os.path.join(FIXTURES, path)
            name = path.replace("/Fixtures/", "_").replace("/", "_")
            shutil.copyfile(source, os.path.join(OUT, harness, name))


def keras_weights_only(path, variable_length):
    """A weights-only .h5 in the keras-applications layout: two layers with weights and one
    without, names as fixed-length (Keras 2 applications) or variable-length strings."""
    layers = {"conv1": [("conv1/kernel:0", (3, 3, 3, 4)), ("conv1/bias:0", (4,))],
              "relu1": [],
              "predictions": [("predictions/kernel:0", (4, 2)), ("predictions/bias:0", (2,))]}
    def names(values):
        if variable_length:
            return np.array(values, dtype=h5py.string_dtype())
        return np.array([v.encode() for v in values], dtype="S")
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = names(list(layers))
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.2.4"
        for layer, weights in layers.items():
            group = f.create_group(layer)
            group.attrs["weight_names"] = names([w for w, _ in weights]) if weights else np.array([], dtype="S1")
            for name, shape in weights:
                group.create_dataset(name, data=rng.standard_normal(shape).astype(np.float32))


def npy_seeds(folder):
    """One array per supported dtype, the three header versions, an empty and a 0-d array."""
    arrays = {
        "f4_2x3.npy": np.arange(6, dtype="<f4").reshape(2, 3),
        "f8_3.npy": np.array([0.5, -1.0, 2.0], dtype="<f8"),
        "i8_2x2.npy": np.array([[1, -2], [3, 4]], dtype="<i8"),
        "i4_4.npy": np.array([7, 8, 9, 10], dtype="<i4"),
        "u1_1x2x2x3.npy": np.arange(12, dtype="u1").reshape(1, 2, 2, 3),
        "f4_empty.npy": np.zeros((0, 3), dtype="<f4"),
        "f4_scalar.npy": np.array(1.5, dtype="<f4"),
    }
    for name, array in arrays.items():
        np.save(os.path.join(folder, name), array)
    for major in (2, 3):
        write_npy_version(os.path.join(folder, f"f4_v{major}.npy"), np.ones((2, 2), dtype="<f4"), major)


def write_npy_version(path, array, major):
    """numpy picks versions 2.0 and 3.0 only for huge or non-Latin-1 headers: write them by hand."""
    header = repr({"descr": array.dtype.str, "fortran_order": False, "shape": array.shape}).encode("utf8")
    padding = -(12 + len(header) + 1) % 64
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY" + bytes([major, 0]) + (len(header) + padding + 1).to_bytes(4, "little"))
        f.write(header + b" " * padding + b"\n" + array.tobytes())


def zoo_seeds(zoo, folder):
    for source in ZOO_SOURCES:
        out = os.path.join(folder, source.replace(".onnx", ".zoo"))
        subprocess.run([zoo, "convert", os.path.join(FIXTURES, "ZooONNXTests/Fixtures", source), "-o", out],
                       check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", required=True, help="the built zoo executable (for the .zoo seeds)")
    args = parser.parse_args()
    for harness in list(COPIED) + ["zoo"]:
        shutil.rmtree(os.path.join(OUT, harness), ignore_errors=True)
        os.makedirs(os.path.join(OUT, harness))
    copy_fixtures()
    keras_weights_only(os.path.join(OUT, "keras-h5", "weights_only_fixed.h5"), variable_length=False)
    keras_weights_only(os.path.join(OUT, "keras-h5", "weights_only_vlen.h5"), variable_length=True)
    npy_seeds(os.path.join(OUT, "npy"))
    zoo_seeds(args.zoo, os.path.join(OUT, "zoo"))


if __name__ == "__main__":
    main()
