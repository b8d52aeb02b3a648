"""Full-size check, run by hand (not in CI): VGG16, VGG19, ResNet50 and MobileNetV2 1.0/224
built by keras.applications with weights=None, BatchNorm randomised, saved in the official
weights-only layout, with Keras' outputs for a random batch.

    python tools/keras/make_full_size.py /tmp/zoo-keras-full
    ZOO_KERAS_FULLSIZE_DIR=/tmp/zoo-keras-full swift test --filter KerasFullSizeTests

The Swift test loads each file without --arch (the architecture is recognised from the
weights), runs the batch and prints relative L2 error and top-1 agreement against Keras.
About 1.2 GB of files; a few minutes on two cores."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

MODELS = {
    "vgg16": lambda: keras.applications.VGG16(weights=None),
    "vgg19": lambda: keras.applications.VGG19(weights=None),
    "resnet50": lambda: keras.applications.ResNet50(weights=None),
    "mobilenetv2_1.0_224": lambda: keras.applications.MobileNetV2(weights=None),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/zoo-keras-full"
    only = sys.argv[2:] or list(MODELS)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    entries = {}
    for i, name in enumerate(only):
        model = MODELS[name]()
        common.randomize(model, seed=100 + i)
        # Images in Keras' caffe/tf preprocessed ranges, two per batch.
        x = rng.uniform(-1, 1, (2, 224, 224, 3)).astype(np.float32)
        if not name.startswith("mobilenet"):
            x *= 120
        common.calibrate_classifier(model, x)
        reference = common.save_reference(out, name, model, x)
        common.write_weights_only(model, os.path.join(out, name + ".h5"), layer_name_chunks=2 if "resnet" in name else 1)
        entries[name + ".h5"] = dict(reference, architecture=None, parameters=int(model.count_params()))
        print(name, "written", flush=True)
    common.write_index(out, entries)


if __name__ == "__main__":
    main()
