#!/bin/sh
# What `zoo predict --model NAME photo` prints on first use, shown without the internet: a fresh
# ZOO_HOME whose own manifest (team-mobilenet) names the Keras test fixture MobileNetV2 0.35/96
# (random weights, 16 made-up classes) under keras-applications' file name, served by Python's
# http.server on 127.0.0.1 and reached through ZOO_MIRROR. Runs predict twice (fetch, verify,
# convert, top-5; then the cached .zoo), then vgg19 offline. The README's first section shows
# its output. Usage (after `swift build`): tools/firstuse/loopback_first_use.sh [path/to/zoo]
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
zoo=${1:-$repo/.build/debug/zoo}
file=mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

mkdir -p "$work/home/manifests" "$work/mirror/tensorflow/keras-applications/mobilenet_v2"
cp "$repo/Tests/ZooKerasTests/Fixtures/mobilenetv2_035_96_weights.h5" "$work/mirror/tensorflow/keras-applications/mobilenet_v2/$file"
md5=$(md5sum "$work/mirror/tensorflow/keras-applications/mobilenet_v2/$file" | cut -d' ' -f1)
cat > "$work/home/manifests/team-mobilenet.json" <<JSON
{
  "name": "team-mobilenet", "family": "Keras applications", "architecture": "mobilenetv2_0.35_96",
  "input": { "name": "input_layer", "size": 96, "layout": "nhwc" },
  "preprocessing": { "geometry": "resize", "size": 96, "filter": "nearest", "mode": "tf" },
  "output": "probabilities", "embedding": "global_average_pooling2d", "labels": "team_classes.json",
  "weights": [ { "file": "$file", "md5": "$md5",
                 "url": "https://publisher.invalid/tensorflow/keras-applications/mobilenet_v2/$file" } ],
  "license": "test fixture (tools/keras/make_fixtures.py)"
}
JSON
python3 -c 'import json; print(json.dumps({str(i): ["team%d" % i, "team_class_%d" % i] for i in range(16)}))' \
    > "$work/home/manifests/team_classes.json"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/mirror" >/dev/null 2>&1 &
server_pid=$!
sleep 1

export ZOO_HOME="$work/home" ZOO_MIRROR="http://127.0.0.1:$port"
cd "$repo"
echo "\$ zoo predict --model team-mobilenet zoo/samples/cat.jpg      # first use"
"$zoo" predict --model team-mobilenet zoo/samples/cat.jpg 2>&1 | sed "s|$work|\$TMP|g"
echo "\$ zoo predict --model team-mobilenet zoo/samples/cat.jpg      # again: the cached .zoo"
"$zoo" predict --model team-mobilenet zoo/samples/cat.jpg 2>&1 | sed "s|$work|\$TMP|g"
echo "\$ zoo predict --model vgg19 zoo/samples/cat.jpg --offline"
env -u ZOO_MIRROR "$zoo" predict --model vgg19 zoo/samples/cat.jpg --offline 2>&1 | sed "s|$work|\$TMP|g" || true
