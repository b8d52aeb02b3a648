import Foundation
import ZooTensor

/// NumPy `.npy` arrays (`zoo infer --input`), decoded from memory.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? NPY.decode(Data(bytes: bytes, count: count), file: URL(fileURLWithPath: "input.npy"))
    return 0
}
