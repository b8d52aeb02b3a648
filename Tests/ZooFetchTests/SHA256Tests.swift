import Foundation
import Testing
import ZooFetch

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Data(message.utf8)) == digest)
    }

    @Test func millionAsInUnevenChunks() {
        // FIPS 180-2's long vector, fed in pieces that straddle the 64-byte blocks.
        var h = SHA256()
        var remaining = 1_000_000
        var size = 1
        while remaining > 0 {
            let n = min(size, remaining)
            h.update(Data(repeating: 0x61, count: n))
            remaining -= n
            size = size * 3 % 997 + 1
        }
        #expect(h.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
