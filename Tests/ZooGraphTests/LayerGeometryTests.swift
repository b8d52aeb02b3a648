import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Receptive fields, jumps and the size arithmetic `zoo info` prints.
@Suite struct LayerGeometryTests {
    @Test func vggLikeChain() throws {
        var f = TensorFactory(seed: 1)
        var b = GraphBuilder(name: "t")
        let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
        var h = try b.input("x", shape: [1, 32, 32, 3])
        h = try b.conv2d(h, weights: f.uniform([3, 3, 3, 4]), bias: nil, params: Conv2DParams(kernel: Size2D(3, 3), padding: same), name: "c1")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 4, 4]), bias: nil, params: Conv2DParams(kernel: Size2D(3, 3), padding: same), name: "c2")
        h = try b.add(.pool2d(Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2))), inputs: [h], name: "pool")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 4, 4]), bias: nil,
                         params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), dilations: Size2D(2, 2), padding: same), name: "c3")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "gap")
        b.output(h)
        let rows = try b.build().layerGeometry()
        #expect(rows.map(\.receptiveField) == [Size2D(3, 3), Size2D(5, 5), Size2D(6, 6), Size2D(14, 14), nil])
        #expect(rows.map(\.jump) == [.one, .one, Size2D(2, 2), Size2D(4, 4), nil])
        #expect(rows[2].arithmetic == "(32 + 0 - 2)/2 + 1 = 16")
        // Dilation 2 makes the 3x3 kernel span 5 pixels.
        #expect(rows[3].arithmetic == "(16 + 2 - 5)/2 + 1 = 7")
    }

    @Test func parameterCountSkipsStandInBiasesAndFollowsTheFramework() throws {
        var f = TensorFactory(seed: 2)
        var b = GraphBuilder(name: "t")
        var h = try b.input("x", shape: [1, 8, 8, 3])
        h = try b.conv2d(h, weights: f.uniform([3, 3, 3, 4]), bias: nil, params: Conv2DParams(kernel: Size2D(3, 3)), name: "conv")
        let bn = f.batchNormParams(4)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "bn")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "gap")
        h = try b.dense(h, weights: f.uniform([4, 5]), bias: f.uniform([5]), name: "fc")
        b.output(h)
        let graph = b.build()
        #expect(graph.sourceParameterCount(countsRunningStatistics: true) == 108 + 16 + 25)
        #expect(graph.sourceParameterCount(countsRunningStatistics: false) == 108 + 8 + 25)
    }
}
