import ZooGraph

extension Graph {
    /// Floating-point operations of the convolutions and dense layers at `batch`, two per
    /// multiply-add: the work a GEMM does, the usual "FLOPs" of a CNN. Pools, activations and
    /// additions are left out (they are memory-bound and small).
    public func convAndDenseFLOPs(batch: Int) throws -> Int {
        let rows = try summary(batch: batch)
        return zip(nodes, rows).reduce(0) { total, pair in
            switch pair.0.op {
            case .conv2d, .dense: total + pair.1.flops
            default: total
            }
        }
    }
}
