import CZooKernels
import Foundation
import Testing
@testable import ZooKernels

@Suite struct GEMMTests {
    /// Every output element belongs to exactly one task, whatever the shape.
    @Test(arguments: [(1, 1000, 512), (1, 5, 7), (49, 256, 576), (3136, 64, 576), (588, 128, 64), (0, 4, 4), (33, 1, 1)])
    func tilingCoversOutputOnce(_ size: (m: Int, n: Int, k: Int)) {
        let t = GEMMTiling(m: size.m, n: size.n, k: size.k, maxRowTile: 256)
        var hits = [Int](repeating: 0, count: size.m * size.n)
        for task in 0..<t.tasks {
            let (rows, cols) = t.block(task)
            for r in rows { for c in cols { hits[r * size.n + c] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 }, "tiling \(size): rowTile \(t.rowTile) colBlock \(t.colBlock)")
        #expect(t.rowTile <= 256)
    }

    /// The portable GEMM (OpenBLAS, opened at first use; one row by sgemv) and the plain loop that
    /// stands in without OpenBLAS, against float64 on odd shapes with leading dimensions wider than the rows.
    @Test(arguments: [(1, 37, 19), (5, 7, 3), (33, 65, 129), (2, 1, 1)])
    func portableGEMMsMatchFloat64(_ size: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = size
        let (lda, ldb, ldc) = (k + 3, n + 2, n + 5)
        var a = [Float](repeating: 0, count: m * lda), b = [Float](repeating: 0, count: k * ldb)
        for i in a.indices { a[i] = Float(sin(Double(i) * 0.37)) }
        for i in b.indices { b[i] = Float(cos(Double(i) * 0.11)) }
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k { expected[i * n + j] += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
            }
        }
        typealias Multiply = (Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
        let multiplies: [(String, Multiply)] = [("BLAS", { BLAS.multiply(m: $0, n: $1, k: $2, a: $3, lda: $4, b: $5, ldb: $6, c: $7, ldc: $8) }),
                                                ("plain", { zoo_plain_sgemm($0, $1, $2, $3, $4, $5, $6, $7, $8) })]
        for (name, multiply) in multiplies {
            var c = [Float](repeating: .nan, count: m * ldc)
            multiply(m, n, k, a, lda, b, ldb, &c, ldc)
            var worst = 0.0
            for i in 0..<m { for j in 0..<n { worst = max(worst, abs(Double(c[i * ldc + j]) - expected[i * n + j])) } }
            #expect(worst < 1e-4, "\(name) \(size): \(worst)")
            #expect((0..<m).allSatisfy { i in (n..<ldc).allSatisfy { c[i * ldc + $0].isNaN } }, "\(name) wrote past a row")
        }
        #if os(Linux)
        #expect(BLAS.name.hasPrefix("OpenBLAS "), "\(BLAS.name): libopenblas.so.0 did not open")
        #endif
    }

    /// Few rows are split by columns so two workers still share the work.
    @Test func fewRowsSplitColumns() {
        #expect(GEMMTiling(m: 1, n: 1000, k: 2048, maxRowTile: 256).tasks >= 2)
        #expect(GEMMTiling(m: 49, n: 512, k: 4608, maxRowTile: 64).tasks >= 2)
        #expect(GEMMTiling(m: 2, n: 3, k: 4, maxRowTile: 256).tasks == 1)
    }

    /// Many rows are cut into tiles of (nearly) equal height, as many as a multiple of the task
    /// target, so the workers finish together (784 rows were 256 + 256 + 256 + 16).
    @Test(arguments: [784, 3136, 12544, 25088, 1000])
    func rowTilesAreBalanced(_ m: Int) {
        let t = GEMMTiling(m: m, n: 64, k: 256, maxRowTile: 256)
        #expect(t.rowTiles % GEMMTiling.targetTasks == 0, "\(m): \(t.rowTiles) tiles")
        #expect(t.rowTile <= 256)
        let heights = (0..<t.rowTiles).map { t.block($0 * t.colBlocks).rows.count }
        #expect(heights.reduce(0, +) == m)
        #expect(heights.dropLast().allSatisfy { $0 == t.rowTile } && heights.last! > t.rowTile / 2, "\(m): \(heights)")
    }
}

@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 7, 100, 1001], [1, 2, 3, 8])
    func chunksCoverRangeOnce(_ count: Int, _ threads: Int) {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
        hits.initialize(repeating: 0, count: max(count, 1))
        defer { hits.deallocate() }
        let shared = SharedPointer(hits)
        parallelFor(count: count, grain: 3, threads: threads) { worker, range in
            #expect(worker < threads)
            for i in range { shared.base[i] += 1 }
        }
        #expect((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count) threads \(threads)")
    }

    /// Two workers take the job from opposite ends (the pool's slot 1 from the back), so each works
    /// on the same end of every layer: every index the first worker ran comes before every index
    /// the second ran, whoever finishes first.
    @Test func twoWorkersTakeOppositeEnds() {
        let count = 64
        for _ in 0..<50 {
            let owner = UnsafeMutablePointer<Int>.allocate(capacity: count)
            defer { owner.deallocate() }
            owner.initialize(repeating: -1, count: count)
            let shared = SharedPointer(owner)
            parallelFor(count: count, threads: 2) { worker, range in
                for i in range { shared.base[i] = worker }
            }
            let marks = (0..<count).map { owner[$0] }
            #expect(marks.allSatisfy { $0 == 0 || $0 == 1 } && marks == marks.sorted(), "\(marks)")
        }
    }

    /// Many callers at once: one gets the pool, the others fall back to Dispatch, and every job
    /// still runs each index exactly once.
    @Test func concurrentCallersEachCoverTheirRange() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    let count = 50 + caller
                    let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                    defer { hits.deallocate() }
                    var ok = true
                    for _ in 0..<200 {
                        hits.initialize(repeating: 0, count: count)
                        let shared = SharedPointer(hits)
                        parallelFor(count: count, threads: 2) { _, range in
                            for i in range { shared.base[i] += 1 }
                        }
                        ok = ok && (0..<count).allSatisfy { hits[$0] == 1 }
                    }
                    return ok
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(results)
    }
}
