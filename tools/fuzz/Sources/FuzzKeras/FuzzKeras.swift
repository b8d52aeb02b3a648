import FuzzSupport
import ZooImport

/// Keras files: weights-only and full-model `.h5` (through libhdf5, which needs a file) and
/// `.keras` zip archives; the importer tells them apart by their first bytes, as `zoo` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeras(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let url = FuzzInput.file(bytes, count, pathExtension: "h5")
    _ = try? KerasImporter.importGraph(from: url)
    return 0
}
