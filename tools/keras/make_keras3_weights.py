"""Writes the fixtures for Keras 3 weights-only files (`model.save_weights("m.weights.h5")`)
into Tests/ZooKerasTests/Fixtures, with Keras 3 (JAX backend). Run after make_fixtures.py:
it reuses that script's MobileNetV2 and merges into references.json.

    KERAS_BACKEND=jax python tools/keras/make_keras3_weights.py

- mobilenetv2_035_96.weights.h5: the MobileNetV2 (alpha 0.35, 96x96, 16 classes, random
  weights, BatchNorm statistics randomised) of mobilenetv2_035_96.keras, saved by Keras'
  own save_weights; it shares that fixture's reference input and outputs.
- keras3_layout/<arch>.weights.h5 for every Keras architecture in the zoo at full size:
  the groups, attributes, dataset names, shapes and dtypes Keras' save_weights writes for
  keras.applications with weights=None, but with no data stored (HDF5 reads unwritten
  datasets as their fill value), so the files are a few KB. `<arch>.nameless.weights.h5` drops
  the `name` attribute from every `vars` group, as Keras before 3.6 wrote them: those files
  can only be paired with a model by Keras' layer order. The tests check recognition and
  pairing on them, not values.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402  (sets KERAS_BACKEND before keras loads)

import h5py  # noqa: E402
import json  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "ZooKerasTests", "Fixtures")

ARCHITECTURES = {
    "vgg16": lambda: keras.applications.VGG16(weights=None),
    "vgg19": lambda: keras.applications.VGG19(weights=None),
    "resnet50": lambda: keras.applications.ResNet50(weights=None),
    "resnet101": lambda: keras.applications.ResNet101(weights=None),
    "resnet152": lambda: keras.applications.ResNet152(weights=None),
    "mobilenetv2_1.0_224": lambda: keras.applications.MobileNetV2(weights=None),
    "mobilenetv2_0.35_96_notop": lambda: keras.applications.MobileNetV2(
        alpha=0.35, input_shape=(96, 96, 3), include_top=False, weights=None),
}


def skeleton(source, target, keep_names):
    """Copies `source`'s layout into `target` without any data."""
    with h5py.File(source, "r") as src, h5py.File(target, "w", libver="latest") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value

        def copy(name, obj):
            if isinstance(obj, h5py.Group):
                group = dst.require_group(name)
                for key, value in obj.attrs.items():
                    if keep_names or key != "name":
                        group.attrs[key] = value
            else:
                dst.create_dataset(name, shape=obj.shape, dtype=obj.dtype)
        src.visititems(copy)


def main():
    out = os.path.abspath(OUT)
    mobilenet = keras.saving.load_model(os.path.join(out, "mobilenetv2_035_96.keras"))
    mobilenet.save_weights(os.path.join(out, "mobilenetv2_035_96.weights.h5"))
    index_path = os.path.join(out, "references.json")
    with open(index_path) as f:
        entries = json.load(f)
    entries["mobilenetv2_035_96.weights.h5"] = dict(entries["mobilenetv2_035_96.keras"], architecture="mobilenetv2_0.35_96")
    common.write_index(out, entries)

    layouts = os.path.join(out, "keras3_layout")
    os.makedirs(layouts, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name, build in ARCHITECTURES.items():
            path = os.path.join(work, name + ".weights.h5")
            build().save_weights(path)
            skeleton(path, os.path.join(layouts, name + ".weights.h5"), keep_names=True)
            skeleton(path, os.path.join(layouts, name + ".nameless.weights.h5"), keep_names=False)
            os.remove(path)
            print(name, "written", flush=True)


if __name__ == "__main__":
    main()
