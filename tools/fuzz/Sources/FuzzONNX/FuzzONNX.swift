import Foundation
import FuzzSupport
import ZooImport

/// External tensor data is looked up in a folder holding one small `weights.bin`, so that the
/// offset, length and path checks run without the fuzzer reaching real files.
let externalDataFolder: URL = {
    let folder = FuzzInput.folder
    let weights = Data((0..<320).map { UInt8($0 & 0xFF) })
    try? weights.write(to: folder.appendingPathComponent("weights.bin"))
    return folder
}()

/// An ONNX `ModelProto`: the protobuf-c parser (ZooONNX) and the importer into a graph.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let file = externalDataFolder.appendingPathComponent("model.onnx")
    _ = try? ONNXImporter.importGraph(data: data, file: file, externalDataFolder: externalDataFolder)
    return 0
}
