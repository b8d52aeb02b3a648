"""Writes the Keras importer's test fixtures into Tests/ZooKerasTests/Fixtures with Keras 3
(JAX backend): model files, malformed files, and reference inputs/outputs computed by Keras.

    python tools/keras/make_fixtures.py            # Keras 3 fixtures (this venv)
    python tools/keras/make_fixtures_keras2.py     # Keras 2 (tf.keras) fixtures, other venv

Random weights are seeded, so a rerun with the same package versions rewrites the same files."""
import json
import os
import shutil
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402  (sets KERAS_BACKEND before keras loads)

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "ZooKerasTests", "Fixtures")


def all_layers_model():
    """A small Functional model using every layer type the importer supports."""
    inp = keras.Input((12, 12, 3), name="image")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(inp)
    x = layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad")(x)
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="conv_s2")(x)
    x = layers.BatchNormalization(name="bn")(x)
    a = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu6", name="dw")(x)
    a = layers.BatchNormalization(center=False, epsilon=1e-2, name="bn_nocenter")(a)
    b = layers.SeparableConv2D(16, 3, padding="same", name="sep")(x)
    b = layers.BatchNormalization(scale=False, name="bn_noscale")(b)
    x = layers.Add(name="add")([a, b])
    x = layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5, name="relu_general")(x)
    x = layers.Conv2D(16, 1, groups=2, name="grouped")(x)
    x = layers.Activation("relu", name="relu_layer")(x)
    gate = layers.Conv2D(16, 1, activation="sigmoid", name="gate")(x)
    x = layers.Multiply(name="mul")([x, gate])
    c1 = layers.MaxPooling2D(3, strides=2, padding="same", name="maxpool")(x)
    c2 = layers.AveragePooling2D(3, strides=2, padding="same", name="avgpool")(x)
    x = layers.Concatenate(axis=-1, name="concat")([c1, c2])
    x = layers.Conv2D(8, 3, dilation_rate=2, padding="same", name="dilated")(x)
    x = layers.LeakyReLU(negative_slope=0.2, name="leaky")(x)
    x = layers.Activation("hard_sigmoid", name="hsig")(x)
    x = layers.Conv2D(8, 2, padding="valid", name="valid_conv")(x)
    x = layers.AveragePooling2D(2, name="avgpool_valid")(x)
    g = layers.GlobalAveragePooling2D(keepdims=True, name="gap")(x)
    x = layers.Multiply(name="scale_by_gap")([x, g])
    m = layers.GlobalMaxPooling2D(name="gmp")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="drop")(x)
    x = layers.Dense(24, activation="relu", name="fc")(x)
    x = layers.Concatenate(name="concat_features")([x, m])
    x = layers.Reshape((4, 8), name="reshape")(x)
    x = layers.Dense(6, name="fc_seq")(x)
    x = layers.Softmax(axis=1, name="softmax_axis1")(x)
    x = layers.Reshape((-1,), name="reshape_back")(x)
    x = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inp, x, name="all_layers")


def residual_model():
    """A small ResNet-like Functional model."""
    inp = keras.Input((16, 16, 3), name="input_layer")
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(inp)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for i in range(2):
        y = layers.Conv2D(8, 3, padding="same", name=f"block{i}_conv1")(x)
        y = layers.BatchNormalization(name=f"block{i}_bn1")(y)
        y = layers.Activation("relu", name=f"block{i}_relu1")(y)
        y = layers.Conv2D(8, 3, padding="same", name=f"block{i}_conv2")(y)
        y = layers.BatchNormalization(name=f"block{i}_bn2")(y)
        x = layers.Add(name=f"block{i}_add")([x, y])
        x = layers.Activation("relu", name=f"block{i}_out")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dense(5, activation="softmax", name="predictions")(x)
    return keras.Model(inp, x, name="residual")


def sequential_model():
    return keras.Sequential([
        keras.Input((10, 10, 3)),
        layers.Conv2D(4, 3, activation="relu", name="conv"),
        layers.MaxPooling2D(name="pool"),
        layers.Flatten(name="flatten"),
        layers.Dense(3, activation="softmax", name="predictions"),
    ], name="sequential")


def rezip_deflated(source, target):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


def malformed(out):
    """Files that must fail cleanly, each with a message naming the problem."""
    with open(os.path.join(out, "not_hdf5.h5"), "wb") as f:
        f.write(b"this is a text file, not HDF5\n" * 4)
    with open(os.path.join(out, "residual_k3.h5"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(data[: len(data) // 2])
    with zipfile.ZipFile(os.path.join(out, "residual_k3.keras")) as src:
        entries = {i.filename: src.read(i.filename) for i in src.infolist()}
    with zipfile.ZipFile(os.path.join(out, "escaping_entry.keras"), "w") as z:
        for name, blob in entries.items():
            z.writestr(name, blob)
        z.writestr("../outside.txt", b"escapes the archive")
    with zipfile.ZipFile(os.path.join(out, "no_weights.keras"), "w") as z:
        z.writestr("config.json", entries["config.json"])
        z.writestr("metadata.json", entries["metadata.json"])
    # A full model whose weights lack one layer, carry an extra one and mis-shape a third.
    import h5py
    shutil.copyfile(os.path.join(out, "residual_k3.h5"), os.path.join(out, "residual_bad_weights.h5"))
    with h5py.File(os.path.join(out, "residual_bad_weights.h5"), "r+") as f:
        g = f["model_weights"]
        del g["block1_conv2"]
        names = [n for n in g.attrs["layer_names"] if n != "block1_conv2"]
        extra = g.create_group("surplus_dense")
        extra.attrs["weight_names"] = [b"surplus_dense/kernel"]
        extra.create_dataset("surplus_dense/kernel", data=np.zeros((3, 3), np.float32))
        g.attrs["layer_names"] = names + ["surplus_dense"]
        kernel = g["block0_conv1/block0_conv1/kernel"]
        del g["block0_conv1/block0_conv1/kernel"]
        g.create_dataset("block0_conv1/block0_conv1/kernel", data=np.zeros((3, 3, 8, 4), np.float32))
        del kernel
    with zipfile.ZipFile(os.path.join(out, "unsupported_layer.keras"), "w") as z:
        config = json.loads(entries["config.json"])
        for layer in config["config"]["layers"]:
            if layer["config"]["name"] == "stem_relu":
                layer["class_name"] = "GaussianNoise"
        for name, blob in entries.items():
            z.writestr(name, json.dumps(config) if name == "config.json" else blob)


def main():
    out = os.path.abspath(OUT)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    entries = {}

    # MobileNetV2 alpha 0.35 at 96x96 in every file form (16 classes keep the files small).
    mobilenet = keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=16)
    common.randomize(mobilenet, seed=1)
    x = common.quantize(rng.uniform(-1, 1, (2, 96, 96, 3)))
    reference = common.save_reference(out, "mobilenetv2_035_96", mobilenet, x)
    common.write_weights_only(mobilenet, os.path.join(out, "mobilenetv2_035_96_weights.h5"), layer_name_chunks=3)
    common.write_weights_only(mobilenet, os.path.join(out, "mobilenetv2_035_96_weights_keras1.h5"), style="keras1",
                              dtype=np.float16)
    mobilenet.save(os.path.join(out, "mobilenetv2_035_96_full.h5"))
    mobilenet.save(os.path.join(out, "mobilenetv2_035_96.keras"))
    # A weights-only file does not say its input size, so the tests name the variant (--arch).
    for name, arch in [("mobilenetv2_035_96_weights.h5", "mobilenetv2_0.35_96"),
                       ("mobilenetv2_035_96_weights_keras1.h5", "mobilenetv2_0.35_96"),
                       ("mobilenetv2_035_96_full.h5", None), ("mobilenetv2_035_96.keras", None)]:
        entries[name] = dict(reference, architecture=arch)

    for name, build, shape in [("all_layers", all_layers_model, (12, 12, 3)), ("residual", residual_model, (16, 16, 3)),
                               ("sequential", sequential_model, (10, 10, 3))]:
        model = build()
        common.randomize(model, seed=len(name))
        x = rng.uniform(-1, 1, (2,) + shape).astype(np.float32)
        if name == "all_layers":
            x = rng.uniform(0, 255, (2,) + shape).astype(np.float32)
        reference = common.save_reference(out, name + "_k3", model, x)
        model.save(os.path.join(out, name + "_k3.h5"))
        model.save(os.path.join(out, name + "_k3.keras"))
        entries[name + "_k3.h5"] = dict(reference, architecture=None)
        entries[name + "_k3.keras"] = dict(reference, architecture=None)
    rezip_deflated(os.path.join(out, "all_layers_k3.keras"), os.path.join(out, "all_layers_k3_deflated.keras"))
    entries["all_layers_k3_deflated.keras"] = dict(entries["all_layers_k3.keras"])

    malformed(out)
    index_path = os.path.join(out, "references.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            previous = json.load(f)
        entries = {**{k: v for k, v in previous.items() if "_k2" in k}, **entries}
    common.write_index(out, entries)
    print("wrote", len(entries), "references to", out)


if __name__ == "__main__":
    main()
