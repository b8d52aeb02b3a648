"""Any-input-size check against Keras, run by hand (not in CI): MobileNetV2 1.0 with its
classifier (GAP -> Dense) and ResNet50 without it (pooling='avg'), from keras.applications with
weights=None and BatchNorm statistics randomised, saved the official ways (`model.save` to
`.keras`; MobileNetV2 also in the keras-applications weights-only `.h5` layout), run by Keras'
`model.predict` at 224x224, 161x199 and 96x96, then by `zoo infer` on the same tensors.

    swift build -c release --product zoo
    .venv/bin/python tools/keras/check_any_size.py .build/release/zoo /tmp/zoo-any-size

Prints relative L2 error and top-1 agreement per model, file and size; exits 1 when any is
above 1e-4 or disagrees. About 250 MB of files in the folder."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

SIZES = [(224, 224), (161, 199), (96, 96)]


def models():
    mobilenet = keras.applications.MobileNetV2(weights=None)
    resnet = keras.applications.ResNet50(weights=None, include_top=False, pooling="avg")
    return [("mobilenetv2_1.0_224", mobilenet, 1.0), ("resnet50_notop_avg", resnet, 120.0)]


def relative_l2(a, b):
    return float(np.linalg.norm((a - b).ravel()) / max(np.linalg.norm(b.ravel()), 1e-30))


def main():
    zoo, out = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/tmp/zoo-any-size"
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    worst, agree = 0.0, True
    for i, (name, model, scale) in enumerate(models()):
        common.randomize(model, seed=200 + i)
        files = [(os.path.join(out, name + ".keras"), None)]
        model.save(files[0][0])
        if name.startswith("mobilenetv2"):
            x = rng.uniform(-1, 1, (2, 224, 224, 3)).astype(np.float32)
            common.calibrate_classifier(model, x)
            model.save(files[0][0])
            weights = os.path.join(out, name + "_weights.h5")
            common.write_weights_only(model, weights)
            files.append((weights, name))
        for h, w in SIZES:
            x = (rng.uniform(-1, 1, (2, h, w, 3)) * scale).astype(np.float32)
            x_path = os.path.join(out, f"{name}_{h}x{w}.input.npy")
            np.save(x_path, x)
            expected = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
            np.save(os.path.join(out, f"{name}_{h}x{w}.keras_output.npy"), expected)
            for path, arch in files:
                y_path = os.path.join(out, "zoo_output.npy")
                command = [zoo, "infer", "--model", path, "--input", x_path, "-o", y_path, "--force"]
                if arch:
                    command += ["--arch", arch]
                run = subprocess.run(command, capture_output=True, text=True)
                if run.returncode != 0:
                    print(f"{os.path.basename(path)} {h}x{w}: zoo failed: {run.stderr.strip()}")
                    agree = False
                    continue
                got = np.load(y_path)
                error = relative_l2(got, expected)
                same = bool((got.argmax(axis=1) == expected.argmax(axis=1)).all())
                worst, agree = max(worst, error), agree and same
                print(f"{os.path.basename(path):28s} {h}x{w}: relative L2 {error:.2e}, top-1 "
                      f"{'same' if same else 'DIFFERENT'} {expected.argmax(axis=1).tolist()}", flush=True)
    print(f"worst relative L2 {worst:.2e}, top-1 {'all same' if agree else 'NOT all same'}")
    sys.exit(0 if worst <= 1e-4 and agree else 1)


if __name__ == "__main__":
    main()
