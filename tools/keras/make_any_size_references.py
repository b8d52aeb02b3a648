"""Keras' outputs for committed fixtures that end in global pooling (MobileNetV2 alpha 0.35 at
96x96, GAP -> Dense; the small residual model at 16x16) run at other input sizes, as `model.predict` runs a network that ends in global pooling at any size (the
saved ZeroPadding2D layers keep their pads, `same` convolutions pad for the size they are fed).

The inputs are not stored: both sides compute x[i] = sin(0.37 i + 0.11) over the flat NHWC index
(float64, then float32). Writes Tests/ZooKerasTests/Fixtures/any_size/*.output.bin (raw
little-endian float32) and any_size/references.json. Run from the repository root:

    .venv/bin/python tools/keras/make_any_size_references.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

FIXTURES = "Tests/ZooKerasTests/Fixtures"
# Each model's declared size first, then others: odd ones exercise the parity of `same` pads.
MODELS = {
    "mobilenetv2_035_96.keras": [(96, 96), (97, 131), (64, 80), (33, 47)],
    "residual_k3.keras": [(16, 16), (17, 23), (9, 30)],
    "free_size_k3.keras": [(13, 17), (20, 20)],
}


def free_size_model():
    """Built without an input size, as keras.applications builds a network without input_shape:
    the saved input shape is (None, None, 3)."""
    layers = keras.layers
    inp = keras.Input((None, None, 3), name="image")
    x = layers.Conv2D(6, 3, strides=2, padding="same", use_bias=False, name="stem")(inp)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool")(x)
    x = layers.DepthwiseConv2D(3, padding="same", name="dw")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dense(4, activation="softmax", name="predictions")(x)
    model = keras.Model(inp, x, name="free_size")
    common.randomize(model, seed=31)
    return model


def formula_input(shape):
    return np.sin(0.37 * np.arange(int(np.prod(shape)), dtype=np.float64) + 0.11).astype(np.float32).reshape(shape)


def main():
    out_dir = os.path.join(FIXTURES, "any_size")
    os.makedirs(out_dir, exist_ok=True)
    references = {}
    free = free_size_model()
    free.save(os.path.join(out_dir, "free_size_k3.keras"))
    for file, sizes in MODELS.items():
        path = os.path.join(out_dir if file == "free_size_k3.keras" else FIXTURES, file)
        model = keras.saving.load_model(path)
        stem = file.removesuffix(".keras")
        for h, w in sizes:
            shape = [2, h, w, 3]
            y = np.asarray(model.predict(formula_input(shape), verbose=0), dtype=np.float32)
            name = f"{stem}_{h}x{w}.output.bin"
            y.astype("<f4").tofile(os.path.join(out_dir, name))
            references[f"{stem}_{h}x{w}"] = {"model": file, "input_shape": shape, "output": name,
                                             "output_shape": list(y.shape), "top1": [int(i) for i in y.argmax(axis=1)]}
            print(f"{file} at {h}x{w}: top-1 {references[f'{stem}_{h}x{w}']['top1']}")
    with open(os.path.join(out_dir, "references.json"), "w") as f:
        json.dump(references, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
