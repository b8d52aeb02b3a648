import ZooVision

/// JPEG and PNG through zoo's decoder shims (libjpeg-turbo, libpng) and EXIF orientation,
/// decoded from memory with the default options `zoo predict` uses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? ImageDecoder.decode(UnsafeRawBufferPointer(start: bytes, count: count), name: "input")
    return 0
}
