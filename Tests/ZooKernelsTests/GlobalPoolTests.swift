import Testing
import ZooKernels
import ZooTestSupport

@Suite struct GlobalPoolTests {
    @Test(arguments: [PoolKind.max, .average], [(1, 49, 7), (3, 1, 5), (3, 15 * 7, 64)])
    func matchesReference(_ kind: PoolKind, _ size: (batch: Int, spatial: Int, channels: Int)) {
        var rng = SeededRandom(seed: 11)
        let input = rng.floats(size.batch * size.spatial * size.channels)
        var out = unwritten(size.batch * size.channels)
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                GlobalPool.run(kind, batch: size.batch, spatial: size.spatial, channels: size.channels,
                               input: x.baseAddress!, output: y.baseAddress!)
            }
        }
        let expected = ReferenceKernels.globalPool(kind, batch: size.batch, spatial: size.spatial,
                                                   channels: size.channels, input: input)
        let error = relativeL2(out, expected)
        #expect(error <= 1e-5, "global \(kind) pool \(size): relative L2 \(error)")
    }

    @Test func handComputed() {
        // [N=1, spatial=3, C=2]
        let input: [Float] = [1, -1, 2, -5, 6, 0]
        var mean = unwritten(2), peak = unwritten(2)
        GlobalPool.run(.average, batch: 1, spatial: 3, channels: 2, input: input, output: &mean)
        GlobalPool.run(.max, batch: 1, spatial: 3, channels: 2, input: input, output: &peak)
        #expect(mean == [3, -2])
        #expect(peak == [6, 0])
    }
}
