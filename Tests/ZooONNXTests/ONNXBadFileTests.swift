import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor

/// Broken and hostile files: each gives one clear `ImportError` naming the file, never a crash.
@Suite struct ONNXBadFileTests {
    /// Imports `url` and returns the error's text, or nil when the import succeeded.
    static func importError(_ url: URL) -> String? {
        do {
            _ = try ONNXImporter.importGraph(from: url)
            return nil
        } catch let error as ImportError {
            return error.description
        } catch {
            return "not an ImportError: \(error)"
        }
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test(arguments: [0.25, 0.5, 0.75, 0.999])
    func truncated(_ fraction: Double) throws {
        let bytes = try [UInt8](Data(contentsOf: ONNXTestSupport.fixture("tv_resnet18_op13.onnx")))
        let cut = Int(Double(bytes.count) * fraction)
        let url = try Self.temporaryFile("cut.onnx", Array(bytes[..<cut]))
        let message = Self.importError(url)
        #expect(message?.hasPrefix("cut.onnx: truncated: ") == true, "\(message ?? "imported")")
    }

    @Test(arguments: [("empty.onnx", [UInt8]()),
                      ("image.onnx", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
                      ("notes.onnx", Array("not a model at all\n".utf8)),
                      ("weights.onnx", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])])
    func notONNX(_ name: String, _ bytes: [UInt8]) throws {
        let message = Self.importError(try Self.temporaryFile(name, bytes))
        let expected = bytes.isEmpty ? "\(name): truncated: the file is empty" : "\(name): not an ONNX model: "
        #expect(message?.hasPrefix(expected) == true, "\(message ?? "imported")")
    }

    @Test func missingFile() {
        let message = Self.importError(URL(fileURLWithPath: "/nonexistent/model.onnx"))
        #expect(message?.hasPrefix("model.onnx: cannot be read") == true, "\(message ?? "imported")")
    }

    @Test(arguments: ["escape", "absolute"])
    func externalDataOutsideFolder(_ name: String) {
        let message = Self.importError(ONNXTestSupport.fixture("external/\(name).onnx"))
        #expect(message?.contains("\(name).onnx: initializer 'w': external data location") == true, "\(message ?? "imported")")
        #expect(message?.contains("is outside the model's folder") == true, "\(message ?? "imported")")
    }

    @Test func externalDataPastEnd() {
        let message = Self.importError(ONNXTestSupport.fixture("external/past_end.onnx"))
        #expect(message?.hasPrefix("weights.bin: truncated: initializer 'w' needs bytes 400..<688") == true, "\(message ?? "imported")")
    }

    @Test func externalDataNeedsAFolder() throws {
        let url = ONNXTestSupport.fixture("external/model.onnx")
        #expect(throws: ImportError.self) {
            try ONNXImporter.importGraph(data: Data(contentsOf: url), file: url, externalDataFolder: nil)
        }
    }

    @Test func hostileSizes() {
        let huge = Self.importError(ONNXTestSupport.fixture("hostile_huge_dims.onnx"))
        #expect(huge?.hasPrefix("hostile_huge_dims.onnx: initializer 'huge': ") == true, "\(huge ?? "imported")")
        let short = Self.importError(ONNXTestSupport.fixture("hostile_short_raw.onnx"))
        #expect(short == "hostile_short_raw.onnx: initializer 'short': raw_data holds 12 bytes; dims [4] of FLOAT need 16")
    }

    /// Unsupported operators and attribute values name the op type, opset, node and file.
    @Test func unsupportedOperator() {
        #expect(Self.importError(ONNXTestSupport.fixture("unsupported_lrn.onnx"))
            == "unsupported_lrn.onnx: node 'my_lrn': unsupported LRN (opset 13)")
        #expect(Self.importError(ONNXTestSupport.fixture("unsupported_pad_reflect.onnx"))
            == "unsupported_pad_reflect.onnx: node 'my_pad': unsupported Pad (opset 13): mode 'reflect'")
    }
}
