import CZooKernels
import Testing
@testable import ZooKernels
import ZooTestSupport

/// `zoo_depthwise_row_bf16`, the depthwise rows a fused block's bf16 projection reads: each value
/// is the float32 kernel's, rounded to bf16 as the GEMM rounds its operand, at its pixel stride,
/// the words between pixels untouched; other kernels are refused.
@Suite struct DepthwiseBF16RowsTests {
    struct Case: CustomStringConvertible {
        var h: Int, w: Int, channels: Int, stride: Int
        var description: String { "\(h)x\(w)x\(channels) s\(stride)" }
    }

    static let cases = [
        Case(h: 9, w: 23, channels: 32, stride: 1),  // groups of 8, 4, 2 and 1 pixels, whole vectors
        Case(h: 9, w: 23, channels: 40, stride: 1),  // a masked last vector (8 channels)
        Case(h: 10, w: 21, channels: 24, stride: 2),  // stride 2 on odd width: the last window hangs over
    ]

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: cases)
    func roundedFloat32RowsAtTheirStride(_ c: Case) {
        var rng = SeededRandom(seed: 11)
        let input = rng.floats(c.h * c.w * c.channels), weights = rng.floats(9 * c.channels), bias = rng.floats(c.channels)
        let outH = (c.h + 2 - 3) / c.stride + 1, outW = (c.w + 2 - 3) / c.stride + 1
        let stride = c.channels + 6  // elements from one output pixel to the next
        var shape = zoo_depthwise_shape(in_h: c.h, in_w: c.w, channels: c.channels, out_w: outW, kernel_h: 3, kernel_w: 3,
                                        stride_h: c.stride, stride_w: c.stride, dilation_h: 1, dilation_w: 1,
                                        pad_top: 1, pad_left: 1)
        var e = Epilogue(bias: bias, residual: nil, ldr: c.channels, activation: .relu6).fusable(row0: 0, col0: 0)
        for oh in 0..<outH {
            var float32 = unwritten(outW * c.channels)
            zoo_depthwise_row(&shape, oh, input, weights, &float32, &e)
            var bf16 = [UInt16](repeating: 0xFFFF, count: outW * stride)
            #expect(zoo_depthwise_row_bf16(&shape, oh, input, weights, &bf16, stride, &e) == 0)
            for pixel in 0..<outW {
                let row = bf16[(pixel * stride)..<((pixel + 1) * stride)]
                let expected = float32[(pixel * c.channels)..<((pixel + 1) * c.channels)]
                    .map { UInt16(roundedToBF16($0).bitPattern >> 16) }
                #expect(Array(row.prefix(c.channels)) == expected, "\(c) row \(oh) pixel \(pixel)")
                #expect(row.dropFirst(c.channels).allSatisfy { $0 == 0xFFFF },
                        "\(c) row \(oh) pixel \(pixel): wrote between pixels")
            }
        }
    }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"))
    func refusesOtherKernelsAndNarrowStrides() {
        var e = Epilogue(bias: nil, residual: nil, ldr: 16, activation: .none).fusable(row0: 0, col0: 0)
        let input = [Float](repeating: 1, count: 8 * 8 * 16), weights = [Float](repeating: 1, count: 25 * 16)
        var out = [UInt16](repeating: 0xFFFF, count: 8 * 32)
        var fiveByFive = zoo_depthwise_shape(in_h: 8, in_w: 8, channels: 16, out_w: 8, kernel_h: 5, kernel_w: 5, stride_h: 1,
                                             stride_w: 1, dilation_h: 1, dilation_w: 1, pad_top: 2, pad_left: 2)
        #expect(zoo_depthwise_row_bf16(&fiveByFive, 0, input, weights, &out, 16, &e) == -1)
        var dilated = zoo_depthwise_shape(in_h: 8, in_w: 8, channels: 16, out_w: 8, kernel_h: 3, kernel_w: 3, stride_h: 1,
                                          stride_w: 1, dilation_h: 2, dilation_w: 2, pad_top: 2, pad_left: 2)
        #expect(zoo_depthwise_row_bf16(&dilated, 0, input, weights, &out, 16, &e) == -1)
        var narrow = dilated
        (narrow.dilation_h, narrow.dilation_w, narrow.pad_top, narrow.pad_left) = (1, 1, 1, 1)
        #expect(zoo_depthwise_row_bf16(&narrow, 0, input, weights, &out, 15, &e) == -1)
        #expect(out.allSatisfy { $0 == 0xFFFF }, "a refused call wrote")
    }
}
