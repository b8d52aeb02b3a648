import Testing
@testable import ZooGraph

@Suite struct ArenaAllocatorTests {
    @Test func reusesFreedBlocksAndCoalesces() {
        var a = ArenaAllocator()
        let x = a.allocate(100)      // [0, 128)
        let y = a.allocate(64)       // [128, 192)
        let z = a.allocate(64)       // [192, 256)
        #expect([x, y, z] == [0, 128, 192])
        a.release(offset: x, bytes: 100)
        a.release(offset: y, bytes: 64)
        // Both freed neighbours merge into one 192-byte block that a 150-byte value fits in.
        #expect(a.allocate(150) == 0)
        #expect(a.end == 256)
    }

    @Test func growsFromAFreeTailBlock() {
        var a = ArenaAllocator()
        let x = a.allocate(64)
        let y = a.allocate(64)
        a.release(offset: y, bytes: 64)
        #expect(a.allocate(256) == 64)
        #expect(a.end == 320)
        _ = x
    }

    @Test func bestFitPrefersTheSmallestBlock() {
        var a = ArenaAllocator()
        let big = a.allocate(512), keep1 = a.allocate(64), small = a.allocate(128), keep2 = a.allocate(64)
        a.release(offset: big, bytes: 512)
        a.release(offset: small, bytes: 128)
        #expect(a.allocate(100) == small)
        _ = (keep1, keep2)
    }
}
