import Foundation
import Testing
import ZooFetch

@Suite struct MD5Tests {
    /// RFC 1321's test suite (appendix A.5).
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321Vectors(message: String, digest: String) {
        #expect(MD5.hex(of: Data(message.utf8)) == digest)
    }

    @Test func millionAsInUnevenChunks() {
        // A million 'a's, fed in pieces that straddle the 64-byte blocks.
        var h = MD5()
        var remaining = 1_000_000
        var size = 1
        while remaining > 0 {
            let n = min(size, remaining)
            h.update(Data(repeating: 0x61, count: n))
            remaining -= n
            size = size * 3 % 997 + 1
        }
        #expect(h.finalizeHex() == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test func fileHashEqualsDataHash() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let data = Bytes.random((4 << 20) + 1000, seed: 5)
        let file = folder.url.appendingPathComponent("w.h5")
        try data.write(to: file)
        #expect(try MD5.hex(ofFile: file) == MD5.hex(of: data), "4 MiB chunks, a partial last one")
    }
}
