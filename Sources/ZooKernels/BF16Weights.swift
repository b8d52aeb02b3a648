import CZooKernels

/// A conv's or dense layer's float32 weights rounded to bfloat16 and packed once into the panels
/// both bf16 GEMMs (AMX and AVX512-BF16) stream (see zoo_gemm_bf16.h): half the bytes, no per-call packing.
/// Built when a plan first needs them (`precision == .bf16`) and shared by every plan of an executor.
package final class BF16Weights: @unchecked Sendable {
    /// Depth of each group's matrix (the GEMM's K).
    package let depth: Int
    /// Columns of each group (the GEMM's N); group g owns columns g*groupColumns ..< (g+1)*groupColumns.
    package let groupColumns: Int
    package let groups: Int
    private let groupCount: Int  // uint16 values per group
    private let values: UnsafeMutablePointer<UInt16>
    package var byteCount: Int { groups * groupCount * MemoryLayout<UInt16>.size }

    /// `weights` is [depth, groups * groupColumns] row-major (HWIO conv weights, [in, out] dense
    /// weights). Only call where `KernelOptions.isAvailable(.bf16)`.
    package init(weights: UnsafePointer<Float>, depth: Int, groupColumns: Int, groups: Int = 1) {
        precondition(KernelOptions.isAvailable(KernelOptions.Precision.bf16), "bf16 weights on a CPU without AVX512-BF16")
        self.depth = depth
        self.groupColumns = groupColumns
        self.groups = groups
        groupCount = zoo_bf16_packed_count(depth, groupColumns)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(groups * groupCount, 1) * 2, alignment: 64)
        values = raw.bindMemory(to: UInt16.self, capacity: max(groups * groupCount, 1))
        for g in 0..<groups {
            zoo_bf16_pack(depth, groupColumns, weights + g * groupColumns, groups * groupColumns,
                          values + g * groupCount)
        }
    }

    /// The packed panel holding absolute output column `column`, which starts a panel (a multiple
    /// of 32 within its group: GEMM tilings cut columns in whole 32-column panels).
    func panel(column: Int) -> UnsafePointer<UInt16> {
        let g = column / groupColumns, inGroup = column % groupColumns
        precondition(inGroup % 32 == 0, "bf16 GEMM block starts at column \(inGroup) of a group, not a panel")
        return UnsafePointer(values + g * groupCount + (inGroup / 32) * zoo_bf16_panel_pairs(depth) * 64)
    }

    deinit { UnsafeMutableRawPointer(values).deallocate() }
}

/// Rounding to bfloat16 the way the kernels do (to nearest, ties to even), kept as a float32.
package func roundedToBF16(_ x: Float) -> Float {
    if x.isNaN { return x }
    let bits = x.bitPattern
    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
    return Float(bitPattern: rounded & 0xFFFF_0000)
}
