"""Checks `zoo serve` with Triton's own HTTP client (tritonclient[http]), by hand.

    python3 -m venv /tmp/venv-triton && /tmp/venv-triton/bin/pip install 'tritonclient[http]' numpy pillow
    zoo serve --model efficientnet-lite0 --port 8080 &
    /tmp/venv-triton/bin/python tools/serve/triton_client_check.py [--url 127.0.0.1:8080] [--model efficientnet-lite0]

It reads the model's metadata, sends `zoo preprocess`'s tensor for cat.jpg with binary and with
JSON inputs, asks for binary outputs and the classification extension, and prints the top 5;
the scores must equal `zoo predict --json` on the same photo.
"""
import argparse
import json
import subprocess
import tempfile

import numpy as np
import tritonclient.http as httpclient


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="127.0.0.1:8080")
    parser.add_argument("--model", default="efficientnet-lite0")
    parser.add_argument("--zoo", default=".build/debug/zoo")
    parser.add_argument("--image", default="zoo/samples/cat.jpg")
    args = parser.parse_args()

    client = httpclient.InferenceServerClient(url=args.url)
    assert client.is_server_live() and client.is_server_ready() and client.is_model_ready(args.model)
    metadata = client.get_model_metadata(args.model)
    print("metadata:", json.dumps(metadata))
    name = metadata["inputs"][0]["name"]
    output = metadata["outputs"][0]["name"]

    with tempfile.NamedTemporaryFile(suffix=".npy") as npy:
        subprocess.run([args.zoo, "preprocess", "--model", args.model, args.image, "-o", npy.name, "--force"], check=True)
        x = np.load(npy.name).astype(np.float32)
    predicted = json.loads(subprocess.run([args.zoo, "predict", "--model", args.model, "--json", args.image],
                                          check=True, capture_output=True).stdout)["images"][0]["predictions"]

    for binary in (True, False):
        tensor = httpclient.InferInput(name, list(x.shape), "FP32")
        tensor.set_data_from_numpy(x, binary_data=binary)
        raw = client.infer(args.model, [tensor], outputs=[httpclient.InferRequestedOutput(output, binary_data=binary)])
        print(f"binary={binary}: output {output} shape {raw.as_numpy(output).shape}")
        outputs = [httpclient.InferRequestedOutput(output, binary_data=binary, class_count=5)]
        result = client.infer(args.model, [tensor], outputs=outputs)
        classes = [c.decode() if isinstance(c, bytes) else c for c in result.as_numpy(output).reshape(-1)]
        print(f"binary={binary}:", classes)
        for entry, p in zip(classes, predicted):
            score, index, label = entry.split(":", 2)
            assert int(index) == p["index"] and label == p["label"] and float(score) == p["score"], (entry, p)
    print("triton_client_check: tritonclient.http works unchanged; classes equal zoo predict --json")


if __name__ == "__main__":
    main()
