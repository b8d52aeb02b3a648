#!/usr/bin/env bash
# Fine-tuning against nearest-centroid on the same embeddings, on a train/test ImageFolder pair
# such as tools/finetune/skimage_patches.py makes. By hand, not in CI; needs a release build.
#   tools/finetune/compare.sh SET_DIR [MODEL] [extra zoo finetune options...]
# SET_DIR holds train/CLASS/*.png and test/CLASS/*.png. Prints both test accuracies.
set -euo pipefail
set_dir=$1; model=${2:-efficientnet-lite0}; shift $(( $# >= 2 ? 2 : 1 ))
zoo=${ZOO:-.build/release/zoo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$zoo" finetune --model "$model" --data "$set_dir/train" -o "$work/tuned.zoo" "$@"
"$zoo" predict --model "$work/tuned.zoo" --json --top 1 "$set_dir"/test/*/ > "$work/predictions.json"
python3 - "$work/predictions.json" <<'PY'
import json, os, sys
images = json.load(open(sys.argv[1]))["images"]
right = sum(os.path.basename(os.path.dirname(i["file"])) == i["predictions"][0]["label"] for i in images)
print(f"fine-tuned head: {right}/{len(images)} = {right / len(images):.4f}")
PY
"$zoo" embed --model "$model" --index "$work/train.json" "$set_dir"/train/*/
"$zoo" embed --model "$model" --index "$work/test.json" "$set_dir"/test/*/
python3 "$(dirname "$0")/nearest_centroid.py" "$work/train.json" "$work/test.json"
