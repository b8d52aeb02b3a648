import Foundation

/// Small files of several formats written byte by byte, so that tests can make them lie.
public enum HandMadeFiles {
    /// What a clone without git-lfs holds in place of a large file.
    public static let gitLFSPointer = Data("""
        version https://git-lfs.github.com/spec/v1
        oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
        size 102502400

        """.utf8)

    /// A version 1.0 `.npy` of float32 declaring `shape`, followed by `data` zero bytes.
    public static func npy(shape: [Int], data: Int) -> Data {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        let dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }\n".utf8)
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
                    + [UInt8](repeating: 0, count: data))
    }

    /// A safetensors file: the header size, `json`, then `data` zero bytes.
    public static func safetensors(_ json: String, data: Int) -> Data {
        let header = Array(json.utf8)
        return Data((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + [UInt8](repeating: 0, count: data))
    }

    /// A PNG of an 8-bit RGB image of the given size whose IDAT holds an empty zlib stream: the
    /// header of a decompression bomb in 65 bytes.
    public static func pngHeader(width: UInt32, height: UInt32) -> Data {
        func bigEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return bigEndian(UInt32(body.count)) + typed + bigEndian(StoredZip.crc32(Data(typed)))  // zip's CRC-32 is PNG's
        }
        let ihdr = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        let emptyZlib: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", emptyZlib) + chunk("IEND", []))
    }
}
