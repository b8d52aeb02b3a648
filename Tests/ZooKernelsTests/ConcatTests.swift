import Testing
import ZooKernels
import ZooTensor
import ZooTestSupport

@Suite struct ConcatTests {
    /// Input shapes, concatenated along `axis`.
    static let cases: [(shapes: [Shape], axis: Int)] = [
        ([[2, 3, 5, 4], [1, 3, 5, 4]], 0),
        ([[2, 3, 5, 4], [2, 1, 5, 4], [2, 2, 5, 4]], 1),
        ([[1, 7, 5, 3], [1, 7, 2, 3]], 2),
        ([[3, 7, 5, 3], [3, 7, 5, 8], [3, 7, 5, 1]], 3),
        ([[4, 3], [4, 9]], 1),
        ([[5], [2], [0]], 0),
    ]

    @Test(arguments: cases)
    func matchesReference(_ shapes: [Shape], _ axis: Int) {
        var rng = SeededRandom(seed: 19)
        let values = shapes.map { rng.floats($0.elementCount) }
        var outShape = shapes[0]
        outShape[axis] = shapes.reduce(0) { $0 + $1[axis] }
        let expected = ReferenceKernels.concat(inputs: Array(zip(values, shapes)), axis: axis, outShape: outShape)
        var out = unwritten(outShape.elementCount)
        // Keep every input's buffer alive while the kernel reads it.
        let copies = values.map { v in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(v.count, 1))
            p.initialize(from: v, count: v.count)
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        Concat.run(inputs: zip(copies, shapes).map { (UnsafePointer($0), $1) }, axis: axis,
                   output: &out, outShape: outShape)
        #expect(out == expected, "concat \(shapes) on axis \(axis)")
    }

    @Test func handComputed() {
        // [2,2] ++ [2,1] on axis 1
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [9, 8]
        var out = unwritten(6)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Concat.run(inputs: [(pa.baseAddress!, [2, 2]), (pb.baseAddress!, [2, 1])], axis: 1,
                           output: &out, outShape: [2, 3])
            }
        }
        #expect(out == [1, 2, 9, 3, 4, 8])
    }
}
