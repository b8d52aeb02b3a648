import CZooKernels
import Synchronization
import ZooTensor

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
    /// The tensor whose bytes `values` borrows (panels stored in a `.zoo` file), or nil when
    /// `values` was allocated here.
    private let borrowed: Tensor?
    /// The weights widened back to float32 (so rounded to bf16), made on first use: for the
    /// float32 fall-back of borrowed panels, and for the direct first-layer kernel at bf16.
    private let widened = Mutex<Tensor?>(nil)
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
        borrowed = nil
        for g in 0..<groups {
            zoo_bf16_pack(depth, groupColumns, weights + g * groupColumns, groups * groupColumns,
                          values + g * groupCount)
        }
    }

    /// Wraps weights already packed (`zoo convert --bf16` stores them so): no copy, the tensor's
    /// bytes are read in place and kept alive. Its `BF16PanelLayout` is the one `init(weights:...)`
    /// packs, so both give the kernels the same bytes.
    package init(panels: Tensor) {
        guard let layout = panels.bf16Panels else { preconditionFailure("BF16Weights(panels:) on a row-major tensor") }
        precondition(layout.groupValueCount == zoo_bf16_packed_count(layout.depth, layout.groupColumns),
                     "BF16PanelLayout and zoo_gemm_bf16.h disagree on the packed size")
        depth = layout.depth
        groupColumns = layout.groupColumns
        groups = layout.groups
        groupCount = layout.groupValueCount
        values = UnsafeMutablePointer(mutating: panels.withUnsafeBF16Panels { $0.baseAddress! })
        borrowed = panels
    }

    /// For wrapped panels, which come without float32 weights: the weights widened to float32
    /// ([depth, groups * groupColumns]), for the rare block whose bf16 call cannot run (no memory
    /// for its buffer, no AMX tiles granted) and falls back to the float32 GEMM. Made on first
    /// use, kept. nil for weights packed here (the caller still has their float32 original).
    func float32Fallback() -> UnsafePointer<Float>? {
        borrowed == nil ? nil : roundedFloat32()
    }

    /// The weights rounded to bfloat16, as float32 ([depth, groups * groupColumns], the layout
    /// `init(weights:...)` takes): what the bf16 GEMM multiplies, for a kernel that multiplies in
    /// float32 at bf16 precision (the direct first layer). Made on first use, kept.
    func roundedFloat32() -> UnsafePointer<Float> {
        widened.withLock { widened in
            if widened == nil { widened = borrowed?.converted(to: .float32) ?? unpacked() }
            return widened!.rawPointer.assumingMemoryBound(to: Float.self)
        }
    }

    /// The panels unpacked to float32, for weights packed here.
    private func unpacked() -> Tensor {
        guard let layout = BF16PanelLayout(depth: depth, groupColumns: groupColumns, groups: groups) else {
            preconditionFailure("BF16Weights: no panel layout for \(depth) x \(groups) x \(groupColumns)")
        }
        var out = Tensor(zeros: [depth, groups * groupColumns])
        out.withUnsafeMutableFloats { layout.unpack(UnsafeBufferPointer(start: values, count: layout.valueCount), into: $0) }
        return out
    }

    /// The packed panel holding absolute output column `column`, which starts a panel (a multiple
    /// of 32 within its group: GEMM tilings cut columns in whole 32-column panels).
    func panel(column: Int) -> UnsafePointer<UInt16> {
        let g = column / groupColumns, inGroup = column % groupColumns
        precondition(inGroup % 32 == 0, "bf16 GEMM block starts at column \(inGroup) of a group, not a panel")
        return UnsafePointer(values + g * groupCount + (inGroup / 32) * zoo_bf16_panel_pairs(depth) * 64)
    }

    deinit { if borrowed == nil { UnsafeMutableRawPointer(values).deallocate() } }
}

/// Rounding to bfloat16 the way the kernels do (`BF16PanelLayout.bfloat16Bits`), kept as a float32.
package func roundedToBF16(_ x: Float) -> Float {
    Float(bitPattern: UInt32(BF16PanelLayout.bfloat16Bits(x)) << 16)
}
