import Foundation

/// A minimal baseline JPEG encoder for one case: a uniformly mid-grey greyscale image of any
/// size. With all coefficients zero, each 8x8 block is two bits (a DC difference of category 0
/// and an end-of-block, each a one-bit Huffman code), so a 13000x13000 image is 660 KB on disk
/// and 169 million pixels once decoded: the "huge photo" of issue 15, made in the test.
public enum FlatJPEG {
    public static func grey(width: Int, height: Int) -> Data {
        precondition((1...65535).contains(width) && (1...65535).contains(height), "JPEG sides are 16-bit")
        var jpeg: [UInt8] = [0xFF, 0xD8]
        // One quantisation table of ones.
        jpeg += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
        // Baseline, 8-bit, one component with no subsampling.
        jpeg += segment(0xC0, [8] + be16(height) + be16(width) + [1, 1, 0x11, 0])
        // DC table 0 and AC table 0, each one code of length 1 for symbol 0 (category 0 / end of block).
        for tableClass: UInt8 in [0x00, 0x10] {
            jpeg += segment(0xC4, [tableClass, 1] + [UInt8](repeating: 0, count: 15) + [0x00])
        }
        jpeg += segment(0xDA, [1, 1, 0x00, 0, 63, 0])
        let bits = 2 * ((width + 7) / 8) * ((height + 7) / 8)
        jpeg += [UInt8](repeating: 0, count: bits / 8)
        // The last byte is padded with one-bits, as the standard asks; it cannot be 0xFF.
        if bits % 8 != 0 { jpeg.append(UInt8((1 << (8 - bits % 8)) - 1)) }
        jpeg += [0xFF, 0xD9]
        return Data(jpeg)
    }

    private static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker] + be16(body.count + 2) + body
    }

    private static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
