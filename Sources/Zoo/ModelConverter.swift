import Foundation
import ZooFetch
import ZooFormat
import ZooGraph
import ZooKernels
import ZooTensor

/// Converts any model zoo reads into a `.zoo` file, then checks its own work: the written
/// file is loaded back and run beside the source graph on a probe input.
public enum ModelConverter {
    /// What `convert` wrote and how the written file compared with its source.
    public struct Report: Sendable {
        /// The `.zoo` file written.
        public var output: URL
        /// Whether the weights were stored as float16.
        public var fp16: Bool
        /// Whether the conv and dense weights were stored as bf16 panels (the probe then ran the
        /// file at bf16 precision where the CPU has bf16 units, else at fp32 from the bf16 weights).
        public var bf16: Bool
        /// Number of weights in the graph.
        public var parameterCount: Int
        /// Size of the written file in bytes.
        public var fileBytes: Int
        /// Relative L2 between the source graph's and the converted file's outputs on the probe.
        public var probeRelativeL2: Double
        /// Whether the converted file's outputs equal the source's bit for bit on the probe.
        public var probeBitIdentical: Bool
        /// Whether every output row's arg-max agrees between source and converted file.
        public var probeSameTop1: Bool
        /// The comparison with the user's reference input and output, when given.
        public var reference: ReferenceComparison?
        /// True when float16 rounding moved the outputs more than `fp16Tolerance` (kept, reported).
        public var exceedsFP16Tolerance: Bool { fp16 && probeRelativeL2 > ModelConverter.fp16Tolerance }
        /// True when bfloat16 rounding moved the outputs more than `bf16Tolerance` (kept, reported).
        public var exceedsBF16Tolerance: Bool { bf16 && probeRelativeL2 > ModelConverter.bf16Tolerance }
    }

    /// The relative L2 float16 weights are expected to stay within (the small fixtures do);
    /// a deep real model lands near it (EfficientNet-Lite0: 0.9e-3 to 1.1e-3 on photos).
    public static let fp16Tolerance = 1e-3
    /// Above this the converted file is refused: no rounding explains it, something is broken.
    public static let fp16Limit = 1e-2
    /// The relative L2 a bf16 file run at bf16 is expected to stay within: bfloat16 keeps 8
    /// significant bits to float16's 11, every conv and dense weight is rounded (float16 spares
    /// the small ones), and at bf16 precision the activations are rounded too. The bar of the bf16
    /// EfficientNet-Lite0 tests; its `convert --bf16` probe lands at 4.0e-2.
    public static let bf16Tolerance = 5e-2
    /// Above this a bf16 file is refused, as `fp16Limit` does for float16.
    public static let bf16Limit = 2e-1

    /// `source` is a model file or a zoo model name (converted from its cached weights). When a
    /// manifest is known (the zoo name, `architecture` naming a zoo model, or a recognised
    /// weights file), its preprocessing and labels go into the file, so the `.zoo` classifies on its own.
    /// With `bf16`, the conv and dense weights are stored as bfloat16 packed in the bf16 kernels'
    /// panels (a format 1.2 file, half the bytes, read in place at `--precision bf16`).
    public static func convert(_ source: String, architecture: String? = nil, to output: URL, fp16: Bool = false,
                               bf16: Bool = false, reference: (input: URL, output: URL)? = nil,
                               cache: WeightsCache = .default) throws -> Report {
        guard !(fp16 && bf16) else { throw ZooError.badArgument("weights are stored as float16 or as bfloat16, not both") }
        let loaded = try ModelSource(source, options: LoadOptions(architecture: architecture, cache: cache)).read()
        let graph = loaded.graph
        guard !graph.needsSpecialization else {
            throw ZooError.badModel(file: loaded.file ?? URL(fileURLWithPath: source), detail: "some inputs (shapes, axes, weights fed at run time) "
                                    + "must be known before the graph can be built; a .zoo file cannot hold it (run it with zoo infer)")
        }
        let provenance = try provenance(of: loaded.file?.path ?? source, fp16: fp16, bf16: bf16)
        let metadata: ZooFileMetadata
        if let manifest = loaded.manifest {
            metadata = try ModelCard(manifest).metadata(labels: loaded.labels, provenance: provenance)
        } else if let card = loaded.card {
            // A .zoo source (e.g. a fine-tuned model) keeps its own card and labels.
            metadata = try card.metadata(labels: loaded.labels, provenance: provenance)
        } else {
            metadata = ZooFileMetadata(provenance: provenance)
        }
        try ZooFileWriter.write(graph, metadata: metadata, to: output, fp16: fp16, bf16: bf16)
        do {
            let converted = try ZooFile.load(output).graph
            // A bf16 file is checked the way it is meant to run: at bf16 precision (where the CPU has it).
            var kernels = KernelOptions.default
            if bf16 { kernels.precision = .bf16 }
            let (error, identical, sameTop1) = try probe(graph, converted, kernels: kernels.runnable)
            let limit = bf16 ? bf16Limit : fp16Limit
            guard fp16 || bf16 ? error <= limit : identical else {
                throw ZooError.conversionMismatch(file: output, detail: fp16 || bf16
                    ? "\(bf16 ? "bfloat16" : "float16") outputs differ from the source by relative L2 \(error) (limit \(limit))"
                    : "converted outputs are not bit-identical to the source (relative L2 \(error))")
            }
            let comparison = try reference.map {
                try ReferenceComparison.compare(converted, input: $0.input, expected: $0.output, kernels: kernels.runnable)
            }
            let tolerance = bf16 ? bf16Tolerance : fp16 ? fp16Tolerance : ReferenceComparison.tolerance
            if let reference, let problem = comparison?.beyondTolerance(tolerance) {
                throw ZooError.conversionMismatch(file: reference.output, detail: problem)
            }
            let size = (try FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
            return Report(output: output, fp16: fp16, bf16: bf16, parameterCount: converted.parameterCount, fileBytes: size,
                          probeRelativeL2: error, probeBitIdentical: identical, probeSameTop1: sameTop1, reference: comparison)
        } catch {
            // A file that failed its own check is not left behind as if it were good.
            try? FileManager.default.removeItem(at: output)
            throw error
        }
    }

    /// Runs both graphs on the same seeded random input (batch 1) and compares every output;
    /// `b` runs with `kernels` (`a`, the source, with the default paths).
    static func probe(_ a: Graph, _ b: Graph, kernels: KernelOptions = .default) throws -> (relativeL2: Double, identical: Bool, sameTop1: Bool) {
        // Planned (and so checked against the memory budget) before the probe input is made.
        let (executorA, executorB) = (Executor(graph: a), Executor(graph: b, kernels: kernels))
        _ = try executorA.plan(batch: 1)
        var seed: UInt64 = 0x5EED
        var inputs: [String: Tensor] = [:]
        for id in a.inputs {
            var shape = a.values[id].shape
            if shape.rank > 0 { shape[0] = 1 }
            let values = (0..<shape.elementCount).map { _ -> Float in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Float(seed >> 40) / Float(1 << 23) - 1
            }
            inputs[a.values[id].name] = Tensor(shape: shape, floats: values)
        }
        let outA = try executorA.run(inputs)
        let outB = try executorB.run(inputs)
        var worst = 0.0
        var identical = true, sameTop1 = true
        for (name, x) in outA {
            guard let y = outB[name] else { return (.infinity, false, false) }
            let (xf, yf) = (x.floats, y.floats)
            identical = identical && xf.elementsEqual(yf) { $0.bitPattern == $1.bitPattern }
            worst = max(worst, relativeL2Error(yf, xf))
            let width = x.shape.dims.last ?? 1
            for row in stride(from: 0, to: xf.count, by: max(width, 1)) {
                let r = row..<min(row + width, xf.count)
                if xf[r].indices.max(by: { xf[$0] < xf[$1] }) != yf[r].indices.max(by: { yf[$0] < yf[$1] }) { sameTop1 = false }
            }
        }
        return (worst, identical, sameTop1)
    }

    static func provenance(of source: String, fp16: Bool, bf16: Bool) throws -> String {
        var fields: [String: Any] = [
            "converter": "zoo \(Zoo.version)",
            "date": ISO8601DateFormatter().string(from: Date()),
            "fp16": fp16,
        ]
        if bf16 { fields["bf16"] = true }  // only in bf16 files: fp32 files' provenance is unchanged
        let url = URL(fileURLWithPath: source)
        if FileManager.default.fileExists(atPath: url.path) {
            fields["source"] = url.lastPathComponent
            fields["source_sha256"] = try SHA256.hex(ofFile: url)
        } else {
            fields["source"] = source
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// ||a - b|| / ||b|| in double precision.
func relativeL2Error(_ a: [Float], _ b: [Float]) -> Double {
    var diff = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
        diff += (Double(x) - Double(y)) * (Double(x) - Double(y))
        norm += Double(y) * Double(y)
    }
    return norm == 0 ? diff.squareRoot() : (diff / norm).squareRoot()
}
