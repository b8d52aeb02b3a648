import Foundation
import Testing
import ZooHDF5

/// The libhdf5 wrapper on the Keras fixtures: both string layouts, chunked attributes, half
/// precision, in-memory images and the error kinds the importer relies on.
@Suite struct HDF5Tests {
    func open(_ name: String) throws -> HDF5File { try HDF5File(path: KerasFixtures.url(name).path) }

    @Test func readsFixedLengthStringsAndChunks() throws {
        let root = try open("mobilenetv2_035_96_weights.h5").root
        #expect(try !root.hasAttribute("layer_names"))
        let chunks = try (0..<3).map { try root.stringsAttribute("layer_names\($0)") }
        #expect(chunks.joined().first == "input_layer")
        #expect(chunks.joined().contains("block_16_project_BN"))
        #expect(try root.stringAttribute("backend") == "tensorflow")
        let conv = try root.group("Conv1")
        #expect(try conv.stringsAttribute("weight_names") == ["Conv1/kernel:0"])
        // Layers without weights carry an empty float64 array, as h5py writes an empty list.
        #expect(try root.group("Conv1_relu").stringsAttribute("weight_names") == [])
    }

    @Test func readsVariableLengthStrings() throws {
        let root = try open("mobilenetv2_035_96_full.h5").root
        let names = try root.group("model_weights").stringsAttribute("layer_names")
        #expect(names.first == "input_layer")
        #expect(try root.stringAttribute("model_config").hasPrefix("{\"class_name\": \"Functional\""))
    }

    @Test func readsDatasetsAsFloat32() throws {
        let full = try open("mobilenetv2_035_96_weights.h5").root
        let half = try open("mobilenetv2_035_96_weights_keras1.h5").root
        #expect(try full.kind(of: "Conv1/Conv1/kernel:0") == .dataset)
        #expect(try full.kind(of: "Conv1/Conv1") == .group)
        #expect(try full.kind(of: "Conv1/nothing") == nil)
        #expect(try full.kind(of: "Conv1/Conv1/kernel:0/deeper") == nil)
        #expect(try full.datasetShape("Conv1/Conv1/kernel:0") == [3, 3, 3, 16])
        let a = try full.readFloats("Conv1/Conv1/kernel:0")
        let b = try half.readFloats("conv2d_1/conv2d_1_W_1:0")
        #expect(a.shape == b.shape)
        #expect(a.values == b.values)
        var buffer = [Float](repeating: 0, count: 432)
        try buffer.withUnsafeMutableBufferPointer { try full.readFloats("Conv1/Conv1/kernel:0", into: $0) }
        #expect(buffer == a.values)
    }

    @Test func opensImagesFromMemory() throws {
        let bytes = try [UInt8](Data(contentsOf: KerasFixtures.url("residual_k3.h5")))
        let file = try HDF5File(image: bytes, name: "in-memory")
        let onDisk = try open("residual_k3.h5")
        #expect(try file.root.memberNames() == onDisk.root.memberNames())
        let names = try file.root.group("model_weights").stringsAttribute("layer_names")
        #expect(names == (try onDisk.root.group("model_weights").stringsAttribute("layer_names")))
        #expect(names.first == "input_layer")
    }

    /// The kind of HDF5 error `body` throws, nil when it succeeds or throws something else.
    func failure(_ body: () throws -> Void) -> HDF5Error? {
        do { try body() } catch let error as HDF5Error { return error } catch {}
        return nil
    }

    @Test func classifiesFailures() throws {
        #expect(failure { _ = try open("not_hdf5.h5") }?.kind == .notHDF5)
        #expect(failure { _ = try open("truncated.h5") }?.kind == .truncated)
        #expect(failure { _ = try HDF5File(image: [1, 2, 3], name: "junk") }?.kind == .notHDF5)
        let root = try open("residual_k3.h5").root
        let missing = failure { _ = try root.stringsAttribute("no_such_attribute") }
        #expect(missing?.kind == .library)
        #expect(missing?.message.isEmpty == false)
        #expect(failure { _ = try root.group("nope") }?.kind == .notFound)
        #expect(failure { _ = try root.readFloats("model_weights") }?.kind == .notFound)
    }
}
