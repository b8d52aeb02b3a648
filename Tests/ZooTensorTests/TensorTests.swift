import Testing
@testable import ZooTensor

@Suite struct TensorTests {
    @Test func transposeMatchesIndexArithmetic() {
        // OIHW [4,3,2,5] -> HWIO [2,5,3,4]: out[h,w,i,o] = in[o,i,h,w].
        let shape: Shape = [4, 3, 2, 5]
        let source = Tensor(shape: shape, floats: (0..<shape.elementCount).map(Float.init))
        let out = source.transposed([2, 3, 1, 0])
        #expect(out.shape == [2, 5, 3, 4])
        let values = out.floats
        var mismatches = 0
        for o in 0..<4 { for i in 0..<3 { for h in 0..<2 { for w in 0..<5 {
            let expected = Float(((o * 3 + i) * 2 + h) * 5 + w)
            if values[((h * 5 + w) * 3 + i) * 4 + o] != expected { mismatches += 1 }
        } } } }
        #expect(mismatches == 0)
    }

    @Test func transposeOfOtherElementSizes() {
        let t = Tensor(shape: [2, 3], int64s: [1, 2, 3, 4, 5, 6]).transposed([1, 0])
        #expect(t.int64s == [1, 4, 2, 5, 3, 6])
        let u = Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]).converted(to: .uint8).transposed([1, 0])
        #expect(u.int64s == [1, 4, 2, 5, 3, 6])
    }

    @Test func float16ConversionRoundsToNearestEven() {
        // (value, its nearest half); the last three sit between halves and round to even.
        let cases: [(Float, UInt16)] = [
            (0, 0x0000), (-0.0, 0x8000), (1, 0x3C00), (-2, 0xC000), (65504, 0x7BFF), (70000, 0x7C00),
            (.infinity, 0x7C00), (5.960464477539063e-08, 0x0001), (6.103515625e-05, 0x0400),
            (1.0009765625, 0x3C01), (1.00048828125, 0x3C00), (1.00146484375, 0x3C02),
        ]
        for (value, bits) in cases {
            #expect(value.float16Bits == bits, "\(value)")
        }
        for bits: UInt16 in [0x0000, 0x8000, 0x3C00, 0xC000, 0x7BFF, 0x7C00, 0x0001, 0x0400, 0x3C01, 0x3FFF] {
            #expect(Float(float16Bits: bits).float16Bits == bits, "half \(bits) survives a round trip through Float")
        }
        #expect(Float(float16Bits: 0x0001) == 5.960464477539063e-08)
        #expect(Float(float16Bits: 0x7BFF) == 65504)
        #expect(Float(float16Bits: 0x7E00).isNaN)
        #expect(Float.nan.float16Bits & 0x7C00 == 0x7C00)
    }

    @Test func copyOnWriteLeavesOtherCopiesAlone() {
        let a = Tensor(shape: [3], floats: [1, 2, 3])
        var b = a
        b.withUnsafeMutableFloats { $0[0] = 9 }
        #expect(a.floats == [1, 2, 3])
        #expect(b.floats == [9, 2, 3])
    }

    @Test func checkedElementCountCatchesOverflowAndNegatives() {
        #expect(Shape([1 << 40, 1 << 40]).checkedElementCount == nil)
        #expect(Shape([3, -1]).checkedElementCount == nil)
        #expect(Shape([2, 3, 4]).checkedElementCount == 24)
        #expect(Shape([]).checkedElementCount == 1)
    }
}
