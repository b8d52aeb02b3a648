import FuzzSupport
import ZooFormat

/// The native `.zoo` file: safetensors header, metadata, graph JSON and tensor offsets.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZooFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let url = FuzzInput.file(bytes, count, pathExtension: "zoo")
    _ = try? ZooFile.load(url)
    return 0
}
