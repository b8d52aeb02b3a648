#!/usr/bin/env python3
"""`zoo finetune` (its defaults) against scikit-learn's LogisticRegression on the same embeddings,
by hand (not in CI). Needs numpy, Pillow, scikit-learn and scikit-image (whose wheel ships the
images used here: nothing is downloaded at run time), and a built `zoo`.

Tasks, each written as an ImageFolder train/ and test/ (a stratified 25% held out, seed 0):
  digits  scikit-learn's bundled handwritten digits (1797 8x8 scans, 10 classes), drawn as
          64x64 grey photos (nearest-neighbour upscaling, ink dark on white)
  faces   scikit-image's lfw_subset: 100 Labeled Faces in the Wild crops and 100 non-face
          patches of real photos (25x25, upscaled bicubically to 100x100), 2 classes

For each task: `zoo finetune --model M --data train --val-split 0` with no other option, its
top-1 on test/ through `zoo predict`; then `zoo embed` of train/ and test/ and scikit-learn's
StandardScaler + LogisticRegression(C=1) (the problem zoo's default solves) and a plain
LogisticRegression(C=1) on the raw embeddings, both to convergence.

  ZOO=.build/release/zoo /work/.venv-keras/bin/python tools/finetune/compare_sklearn.py [--model efficientnet-lite0]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from PIL import Image
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def digits():
    from sklearn.datasets import load_digits
    d = load_digits()
    images = [Image.fromarray((255 - img * (255 / 16)).astype(np.uint8)).resize((64, 64), Image.NEAREST) for img in d.images]
    return images, [str(t) for t in d.target]


def faces():
    import skimage.data
    arrays = skimage.data.lfw_subset()
    images = [Image.fromarray((a * 255).round().astype(np.uint8)).resize((100, 100), Image.BICUBIC) for a in arrays]
    return images, ["face"] * 100 + ["nonface"] * 100


TASKS = {"digits": digits, "faces": faces}


def write_split(images, labels, folder):
    """ImageFolder train/ and test/; returns the (path, label) lists."""
    index = np.arange(len(labels))
    train, test = train_test_split(index, test_size=0.25, stratify=labels, random_state=0)
    split = {}
    for name, rows in (("train", train), ("test", test)):
        entries = []
        for i in sorted(rows):
            path = os.path.join(folder, name, labels[i], "%04d.png" % i)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            images[i].convert("RGB").save(path)
            entries.append((path, labels[i]))
        split[name] = entries
    return split


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="efficientnet-lite0")
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--zoo", default=os.environ.get("ZOO", ".build/release/zoo"))
    opts = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for task in opts.tasks.split(","):
            images, labels = TASKS[task]()
            folder = os.path.join(work, task)
            split = write_split(images, labels, folder)
            tuned = os.path.join(work, task + ".zoo")
            log = run([opts.zoo, "finetune", "--model", opts.model, "--data", os.path.join(folder, "train"), "--val-split", "0", "-o", tuned])
            solver = [line for line in log.splitlines() if line.startswith("L-BFGS")]
            predicted = json.loads(run([opts.zoo, "predict", "--model", tuned, "--json", "--top", "1"] + [p for p, _ in split["test"]]))
            by_file = {os.path.realpath(i["file"]): i["predictions"][0]["label"] for i in predicted["images"]}
            zoo_accuracy = np.mean([by_file[os.path.realpath(p)] == l for p, l in split["test"]])

            features = {}
            for name in ("train", "test"):
                out = os.path.join(work, "%s_%s.npy" % (task, name))
                run([opts.zoo, "embed", "--model", opts.model, "-o", out] + [p for p, _ in split[name]])
                features[name] = np.load(out).astype(np.float64)
            y_train = [l for _, l in split["train"]]
            y_test = [l for _, l in split["test"]]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scaled = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=20000)).fit(features["train"], y_train)
                plain = LogisticRegression(C=1.0, max_iter=20000).fit(features["train"], y_train)
            rows.append((task, len(y_train), len(y_test), zoo_accuracy, scaled.score(features["test"], y_test),
                         plain.score(features["test"], y_test), solver[0] if solver else ""))
            print(task, "done", flush=True)
    print("| task | train / test | zoo finetune (defaults) | sklearn StandardScaler + LogisticRegression(C=1) | sklearn LogisticRegression(C=1), raw |")
    print("| --- | --- | --- | --- | --- |")
    for task, n_train, n_test, z, s, p, _ in rows:
        print("| %s | %d / %d | %.4f | %.4f | %.4f |" % (task, n_train, n_test, z, s, p))
    for row in rows:
        print(row[0], row[-1])
    worst = max(abs(z - s) for _, _, _, z, s, _, _ in rows)
    print("largest |zoo - sklearn (scaled)|: %.4f" % worst)
    sys.exit(0 if worst <= 0.01 else 1)


if __name__ == "__main__":
    main()
