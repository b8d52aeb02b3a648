import Testing
import ZooBench
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `OpProfile` with steps that do several nodes: one entry each, its kinds joined, its nodes' times
/// and FLOPs summed.
@Suite struct OpProfileTests {
    @Test func aStepOfSeveralNodesIsOneEntry() throws {
        var f = TensorFactory(seed: 1)
        var b = GraphBuilder(name: "three")
        let x = try b.input("x", shape: [1, 8, 8, 4])
        var h = try b.conv2d(x, weights: f.uniform([1, 1, 4, 8]), bias: nil, params: Conv2DParams(kernel: .one), name: "expand")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 1, 8]), bias: nil,
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), groups: 8),
                         name: "dw")
        h = try b.conv2d(h, weights: f.uniform([1, 1, 8, 4]), bias: nil, params: Conv2DParams(kernel: .one), name: "project")
        b.output(h)
        let g = b.build()
        // The fused step's time is the first node's; the other two report none.
        let times: [Duration] = [.milliseconds(3), .zero, .zero]
        let profile = try OpProfile(graph: g, batch: 1, runTimes: [times], top: 5, steps: [0...2])
        #expect(profile.kinds.map(\.kind) == ["conv 1x1 + depthwise 3x3 + conv 1x1"])
        #expect(profile.kinds.first?.nodes == 3)
        let flops = 2 * 64 * (4 * 8 + 9 * 8 + 8 * 4)
        #expect(abs((profile.kinds.first?.gflopsPerSecond ?? 0) - Double(flops) / 3e-3 / 1e9) < 1e-9)
        #expect(profile.topNodes.map(\.name) == ["expand"])
        #expect(profile.topNodes.first?.outputShape == [1, 8, 8, 4])
        let separate = try OpProfile(graph: g, batch: 1, runTimes: [times], top: 5)
        #expect(Set(separate.kinds.map(\.kind)) == ["conv 1x1", "depthwise 3x3"])
    }
}
