#!/usr/bin/env python3
"""Writes zoo/imagenet_classes.json: the 1000 ImageNet-1k classes as index -> [WordNet id, name].

Source: the `timm` wheel from PyPI (PyTorch Image Models, Apache-2.0), which ships the class
list as data files: timm/data/_info/imagenet_synsets.txt (the 1000 WordNet ids in class-index
order, which is the sorted order of the ids) and timm/data/_info/imagenet_synset_to_lemma.txt
(WordNet's lemmas for each id). Only the wheel is downloaded (pip download --no-deps), read as
a zip; timm itself and torch are not installed. Class ids and names are facts of WordNet and
ILSVRC 2012.

The name is the first lemma with spaces as underscores, which is what Keras'
imagenet_class_index.json (used by decode_predictions) holds: "tench", "great_white_shark",
"Egyptian_cat", and two "crane" (the bird, 134, and the machine, 517). The output has Keras'
layout, so it is a drop-in for that file.

    python3 tools/vision/extract_imagenet_labels.py [--wheel timm-1.0.31-py3-none-any.whl]
"""
import argparse
import glob
import json
import os
import subprocess
import tempfile
import zipfile

TIMM_VERSION = "1.0.31"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "zoo", "imagenet_classes.json")


def fetch_wheel(folder):
    subprocess.run(["python3", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "-d", folder, f"timm=={TIMM_VERSION}"], check=True)
    return glob.glob(os.path.join(folder, "timm-*.whl"))[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="a timm wheel already downloaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        wheel = args.wheel or fetch_wheel(folder)
        with zipfile.ZipFile(wheel) as z:
            synsets = z.read("timm/data/_info/imagenet_synsets.txt").decode().split()
            lemmas = dict(line.split("\t", 1) for line in
                          z.read("timm/data/_info/imagenet_synset_to_lemma.txt").decode().splitlines() if line)
    assert len(synsets) == 1000 and len(set(synsets)) == 1000, "expected 1000 distinct WordNet ids"
    assert synsets == sorted(synsets), "ILSVRC class indices follow the sorted WordNet ids"
    classes = {str(i): [wnid, lemmas[wnid].split(",")[0].strip().replace(" ", "_")] for i, wnid in enumerate(synsets)}
    # Spot checks against Keras' imagenet_class_index.json.
    assert classes["0"] == ["n01440764", "tench"]
    assert classes["2"] == ["n01484850", "great_white_shark"]
    assert classes["285"] == ["n02124075", "Egyptian_cat"]
    assert classes["134"][1] == classes["517"][1] == "crane"
    assert classes["999"] == ["n15075141", "toilet_tissue"]
    with open(OUT, "w") as f:
        # One class per line, Keras' key order, so diffs stay readable.
        f.write("{\n" + ",\n".join(f' "{i}": {json.dumps(v)}' for i, v in classes.items()) + "\n}\n")
    print(f"wrote {len(classes)} classes to {os.path.relpath(OUT, ROOT)} from timm {TIMM_VERSION}")


if __name__ == "__main__":
    main()
