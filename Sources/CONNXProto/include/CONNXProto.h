/* Placeholder until onnx.pb-c.h is generated (see tools/onnx/regenerate-proto). */
