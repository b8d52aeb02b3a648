import CZooKernels
import Foundation
import Testing
import ZooTensor
@testable import ZooKernels

/// The panels `zoo convert --bf16` stores (packed in Swift, on any CPU) are the bytes the bf16
/// kernels' own packing writes, so a file's panels and weights packed at load give the same bits.
@Suite struct BF16PanelsTests {
    @Test(arguments: [(27, 8, 1), (33, 33, 1), (64, 96, 1), (9, 5, 3), (1, 1, 1), (147, 64, 1), (18, 16, 4)])
    func swiftPackingMatchesTheKernelsPacking(_ shape: (depth: Int, columns: Int, groups: Int)) throws {
        guard KernelOptions.isAvailable(KernelOptions.Precision.bf16) else { return }
        let layout = try #require(BF16PanelLayout(depth: shape.depth, groupColumns: shape.columns, groups: shape.groups))
        let width = shape.columns * shape.groups
        var weights = (0..<(shape.depth * width)).map { Float(sin(Double($0) * 0.71)) * 3 }
        // Halfway cases, a subnormal, infinity and NaN round the same way in both.
        for (i, special) in [Float(bitPattern: 0x3F80_8000), Float(bitPattern: 0x0000_0003), .infinity, .nan].enumerated()
            where i < weights.count { weights[i] = special }
        let swift = weights.withUnsafeBufferPointer { layout.pack($0) }
        var kernels = [UInt16](repeating: 0xFFFF, count: layout.valueCount)
        let perGroup = zoo_bf16_packed_count(shape.depth, shape.columns)
        #expect(perGroup == layout.groupValueCount)
        weights.withUnsafeBufferPointer { w in
            kernels.withUnsafeMutableBufferPointer { out in
                for g in 0..<shape.groups {
                    zoo_bf16_pack(shape.depth, shape.columns, w.baseAddress! + g * shape.columns, width, out.baseAddress! + g * perGroup)
                }
            }
        }
        #expect(swift == kernels, "\(shape)")

        // Wrapped panels point the kernels at the same bytes as weights they pack themselves.
        let tensor = Tensor(shape: [shape.depth, width], floats: weights).packedAsBF16Panels(layout)
        let wrapped = BF16Weights(panels: tensor)
        let packedHere = weights.withUnsafeBufferPointer {
            BF16Weights(weights: $0.baseAddress!, depth: shape.depth, groupColumns: shape.columns, groups: shape.groups)
        }
        #expect(wrapped.byteCount == packedHere.byteCount)
        for g in 0..<shape.groups {
            for column in stride(from: 0, to: shape.columns, by: 32) {
                let a = wrapped.panel(column: g * shape.columns + column), b = packedHere.panel(column: g * shape.columns + column)
                let count = layout.panelPairs * 64
                #expect((0..<count).allSatisfy { a[$0] == b[$0] }, "\(shape) group \(g) column \(column)")
            }
        }
        #expect(packedHere.float32Fallback() == nil)
        let fallback = try #require(wrapped.float32Fallback())
        let rounded = weights.map { Float(bitPattern: UInt32(BF16PanelLayout.bfloat16Bits($0)) << 16) }
        #expect((0..<rounded.count).allSatisfy { fallback[$0].bitPattern == rounded[$0].bitPattern })
    }
}
