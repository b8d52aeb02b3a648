import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// Full-size models written by tools/keras/make_full_size.py, checked only when
/// `ZOO_KERAS_FULLSIZE_DIR` points at its output (about 1.2 GB; run by hand).
@Suite struct KerasFullSizeTests {
    static let directory = ProcessInfo.processInfo.environment["ZOO_KERAS_FULLSIZE_DIR"]

    @Test(.enabled(if: directory != nil), arguments: ["vgg16.h5", "vgg19.h5", "resnet50.h5", "mobilenetv2_1.0_224.h5"])
    func matchesKeras(_ name: String) throws {
        let directory = URL(fileURLWithPath: try #require(Self.directory))
        let references = try JSONDecoder().decode([String: KerasFixtures.Reference].self,
                                                  from: Data(contentsOf: directory.appendingPathComponent("references.json")))
        let reference = try #require(references[name])
        func floats(_ file: String) throws -> [Float] {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        }
        let start = Date()
        // No --arch: the architecture is recognised from the file's layers and shapes.
        let graph = try KerasImporter.importGraph(from: directory.appendingPathComponent(name))
        let loaded = Date()
        let input = Tensor(shape: Shape(reference.input_shape), floats: try floats(reference.input))
        let output = try #require(try Executor(graph: graph).run([graph.values[graph.inputs[0]].name: input]).values.first)
        let expected = try floats(reference.output)
        let error = relativeL2(output.floats, expected)
        let top1 = KerasFixtures.top1(output.floats, rows: reference.output_shape[0])
        print("\(name): relative L2 \(error), top-1 \(top1) vs Keras \(reference.top1), " +
              "load \(String(format: "%.1f", loaded.timeIntervalSince(start))) s, run \(String(format: "%.1f", Date().timeIntervalSince(loaded))) s")
        #expect(error <= 1e-4)
        #expect(top1 == reference.top1)
    }
}
