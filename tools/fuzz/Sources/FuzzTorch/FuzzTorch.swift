import FuzzSupport
import ZooImport

/// PyTorch `.pth` state dicts, zip or legacy layout: the restricted unpickler, the storages,
/// architecture recognition and matching.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTorch(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let url = FuzzInput.file(bytes, count, pathExtension: "pth")
    _ = try? TorchImporter.importGraph(from: url)
    return 0
}
