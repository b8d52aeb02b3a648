#!/usr/bin/env python3
"""Runs one image set through Apache Spark in local mode and checks it against one zoo run
(issue 21): `rdd.pipe("zoo predict --jsonl --list -")` over the partitions of an RDD of image
paths, the partitions' lines joined and sorted, must equal the sorted lines of one
`zoo predict --jsonl` over the same list, byte for byte.

Needs pyspark (pip) and a Java runtime (Debian: default-jre-headless); run by hand, never by CI
or the tests. From the repository root, in a venv with pyspark:
    swift build -c release --product zoo
    python tools/batch/spark_predict.py [--zoo .build/release/zoo] [--images 200]
        [--partitions 4] [--model efficientnet-lite0] [--batch 8] [--threads 1]

Both runs use the same --batch: the convolution algorithm is chosen per batch size, so a
different batch size may change the last bits of a score (and so the JSON text).
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from image_set import make_image_set, write_list


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", default=".build/release/zoo")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--model", default="efficientnet-lite0")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="threads per zoo process")
    args = parser.parse_args()

    zoo = str(Path(args.zoo).resolve())
    command = [zoo, "predict", "--model", args.model, "--jsonl", "--batch", str(args.batch),
               "--threads", str(args.threads), "--list", "-"]
    with tempfile.TemporaryDirectory(prefix="zoo-spark-") as scratch:
        paths = make_image_set(Path(scratch) / "images", args.images)
        started = time.perf_counter()
        with open(write_list(paths, Path(scratch) / "list.txt")) as listed:
            single = subprocess.run(command, stdin=listed, capture_output=True, check=True, text=True).stdout
        single_seconds = time.perf_counter() - started
        expected = sorted(single.splitlines())

        from pyspark import SparkConf, SparkContext
        conf = (SparkConf().setMaster(f"local[{args.partitions}]").setAppName("zoo-predict")
            .set("spark.ui.showConsoleProgress", "false"))
        sc = SparkContext(conf=conf)
        sc.setLogLevel("ERROR")
        try:
            started = time.perf_counter()
            rdd = sc.parallelize(paths, args.partitions)
            sizes = rdd.glom().map(len).collect()
            # Each partition's paths go to one zoo process's standard input, one per line; its
            # standard output lines come back as the partition's elements.
            lines = rdd.pipe(" ".join(command)).collect()
            spark_seconds = time.perf_counter() - started
        finally:
            sc.stop()

    joined = sorted(lines)
    same = joined == expected
    print(f"images: {args.images}; Spark local[{args.partitions}], partition sizes {sizes}")
    print(f"one zoo run: {len(expected)} lines in {single_seconds:.1f} s; "
          f"Spark: {len(joined)} lines in {spark_seconds:.1f} s (with Spark's own start-up)")
    if same:
        print("equal: the partitions' sorted lines are byte for byte the single run's sorted lines")
        return 0
    missing = set(expected) - set(joined)
    extra = set(joined) - set(expected)
    print(f"DIFFERENT: {len(missing)} lines of the single run missing, {len(extra)} lines not in it", file=sys.stderr)
    for line in list(missing)[:2] + list(extra)[:2]:
        print("  " + line[:300], file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
