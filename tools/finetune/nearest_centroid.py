#!/usr/bin/env python3
"""Nearest-centroid accuracy of one embedding index against another (both written by
`zoo embed --index`): each test entry gets the class whose centroid (the mean of the training
entries' unit vectors, as EmbeddingIndex.classify computes it) is most cosine-similar.

  zoo embed --model M --index train.json DIR/train/*/
  zoo embed --model M --index test.json DIR/test/*/
  python3 tools/finetune/nearest_centroid.py train.json test.json
"""
import base64
import json
import sys

import numpy as np


def load(path):
    with open(path) as f:
        index = json.load(f)
    labels = [e["label"] for e in index["entries"]]
    vectors = np.stack([np.frombuffer(base64.b64decode(e["vector"]), dtype="<f4") for e in index["entries"]])
    return labels, vectors.astype(np.float64)


def main():
    train_labels, train = load(sys.argv[1])
    test_labels, test = load(sys.argv[2])
    classes = sorted(set(train_labels))
    unit = train / np.linalg.norm(train, axis=1, keepdims=True)
    centroids = np.stack([unit[[l == c for l in train_labels]].mean(axis=0) for c in classes])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    predicted = [classes[i] for i in np.argmax(test @ centroids.T, axis=1)]
    correct = sum(p == t for p, t in zip(predicted, test_labels))
    print(f"nearest centroid: {correct}/{len(test_labels)} = {correct / len(test_labels):.4f}")
    for c in classes:
        rows = [i for i, t in enumerate(test_labels) if t == c]
        print(f"  {c}: {sum(predicted[i] == c for i in rows)}/{len(rows)}")


if __name__ == "__main__":
    main()
