import Testing
@testable import ZooTensor

@Suite struct PermuteTests {
    /// NCHW -> NHWC takes its own loops (3 channels interleaved, other counts plane by plane):
    /// both must put input[n, c, h, w] at output[n, h, w, c].
    @Test(arguments: [1, 3, 4])
    func channelsLastMovesEveryElement(channels: Int) {
        let shape = Shape([2, channels, 5, 7])
        let input = (0..<shape.elementCount).map { UInt32($0) }
        var output = [UInt32](repeating: .max, count: input.count)
        input.withUnsafeBytes { x in
            output.withUnsafeMutableBytes { y in
                permute(source: x.baseAddress!, shape: shape, permutation: Layout.nchwToNHWC,
                        destination: y.baseAddress!, elementSize: 4)
            }
        }
        for n in 0..<2 {
            for c in 0..<channels {
                for h in 0..<5 {
                    for w in 0..<7 {
                        let from = ((n * channels + c) * 5 + h) * 7 + w, to = ((n * 5 + h) * 7 + w) * channels + c
                        #expect(output[to] == input[from], "n\(n) c\(c) h\(h) w\(w)")
                    }
                }
            }
        }
    }
}
