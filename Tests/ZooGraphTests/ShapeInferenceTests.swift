import Testing
import ZooGraph
import ZooKernels
import ZooTensor

@Suite struct ShapeInferenceTests {
    @Test func convOutputFollowsPadsStridesAndDilation() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 15, 7, 4])
        let p = Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 1), dilations: Size2D(1, 2),
                             padding: Padding2D(top: 1, left: 0, bottom: 2, right: 1))
        let y = try b.conv2d(x, weights: Tensor(zeros: [3, 3, 2, 6]), bias: nil, params: Conv2DParams(
            kernel: p.kernel, strides: p.strides, dilations: p.dilations, padding: p.padding, groups: 2), name: "conv")
        // H: (15 + 3 - 2 - 1) / 2 + 1 = 8; W: (7 + 1 - 4 - 1) / 1 + 1 = 4.
        #expect(b.shape(of: y) == [2, 8, 4, 6])
    }

    @Test func channelMismatchNamesNodeAndBothShapes() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 8, 8, 3])
        #expect {
            try b.conv2d(x, weights: Tensor(zeros: [3, 3, 4, 8]), bias: nil, params: Conv2DParams(kernel: Size2D(3, 3)), name: "block1_conv1")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("block1_conv1") && text.contains("[1,8,8,3]") && text.contains("[3,3,4,8]")
        }
    }

    @Test func broadcastRules() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 4, 4, 3])
        let perChannel = try b.constant("c", Tensor(zeros: [3]))
        let column = try b.constant("col", Tensor(zeros: [4, 1, 1]))
        let m = try b.add(.binary(.mul), inputs: [x, perChannel], name: "m")
        let a = try b.add(.binary(.add), inputs: [column, x], name: "a")
        #expect(b.shape(of: m) == [2, 4, 4, 3])
        #expect(b.shape(of: a) == [2, 4, 4, 3])
        let bad = try b.constant("bad", Tensor(zeros: [2]))
        #expect { try b.add(.binary(.sub), inputs: [x, bad], name: "s") } throws: {
            String(describing: $0) == "node 's' (Sub): shapes [2,4,4,3] and [2] do not broadcast"
        }
    }

    @Test func reshapeCopiesZerosAndInfersMinusOne() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 7, 7, 512])
        let r = try b.add(.reshape([0, -1]), inputs: [x], name: "r")
        let f = try b.add(.flatten(axis: 1), inputs: [x], name: "f")
        #expect(b.shape(of: r) == [2, 25088])
        #expect(b.shape(of: f) == [2, 25088])
        #expect(throws: GraphError.self) { try b.add(.reshape([0, -1, -1]), inputs: [x], name: "r2") }
        #expect(throws: GraphError.self) { try b.add(.reshape([5, -1]), inputs: [x], name: "r3") }
    }

    @Test func poolCeilModeKeepsPartialWindow() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 4, 4, 1])
        let floor = try b.add(.pool2d(Pool2DParams(kind: .average, kernel: Size2D(3, 3), strides: Size2D(2, 2))), inputs: [x], name: "floor")
        let ceil = try b.add(.pool2d(Pool2DParams(kind: .average, kernel: Size2D(3, 3), strides: Size2D(2, 2), ceilMode: true)), inputs: [x], name: "ceil")
        #expect(b.shape(of: floor) == [1, 1, 1, 1])
        #expect(b.shape(of: ceil) == [1, 2, 2, 1])
    }

    @Test func duplicateNamesAreRejected() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 2])
        #expect(throws: GraphError.duplicateName("x")) { try b.add(.activation(.relu), inputs: [x], name: "x") }
    }

    @Test func shapesFollowBatchSize() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 6, 6, 2])
        let y = try b.add(.globalPool(.average, keepDims: false), inputs: [x], name: "gap")
        b.output(y)
        let shapes = try b.build().shapes(batch: 5)
        #expect(shapes[y] == [5, 2])
    }
}
