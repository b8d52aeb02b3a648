/* Placeholder until onnx.pb-c.c is generated (see tools/onnx/regenerate-proto). */
