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

import keras
import numpy as np

FIXTURES = "Tests/ZooKerasTests/Fixtures"
# Each model's declared size first, then others: odd ones exercise the parity of `same` pads.
MODELS = {
    "mobilenetv2_035_96.keras": [(96, 96), (97, 131), (64, 80), (33, 47)],
    "residual_k3.keras": [(16, 16), (17, 23), (9, 30)],
}


def formula_input(shape):
    return np.sin(0.37 * np.arange(int(np.prod(shape)), dtype=np.float64) + 0.11).astype(np.float32).reshape(shape)


def main():
    out_dir = os.path.join(FIXTURES, "any_size")
    os.makedirs(out_dir, exist_ok=True)
    references = {}
    for file, sizes in MODELS.items():
        model = keras.saving.load_model(os.path.join(FIXTURES, file))
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
