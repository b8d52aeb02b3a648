import Testing
import ZooKernels

/// Which kernel paths this `swift test` runs against the float64 references, printed once, and
/// the rules that turn a requested path into one this CPU runs.
@Suite struct KernelPathsTests {
    /// "GEMM: avx512, portable; Winograd: avx512, off; depthwise: avx512, portable; precision: fp32, bf16"
    static var report: String {
        func list<P: CaseIterable & RawRepresentable>(_: P.Type, _ available: (P) -> Bool) -> String where P.RawValue == String {
            let run = P.allCases.filter(available).map(\.rawValue)
            let missing = P.allCases.filter { !available($0) }.map { "\($0.rawValue) skipped: not on this CPU" }
            return (run + missing).joined(separator: ", ")
        }
        return "GEMM: \(list(KernelOptions.GEMMPath.self, KernelOptions.isAvailable)); "
            + "Winograd: \(list(KernelOptions.WinogradPath.self, KernelOptions.isAvailable)); "
            + "depthwise: \(list(KernelOptions.DepthwisePath.self, KernelOptions.isAvailable)); "
            + "precision: \(list(KernelOptions.Precision.self, KernelOptions.isAvailable)); "
            + "bf16 unit: \(list(KernelOptions.BF16Path.self, KernelOptions.isAvailable))"
    }

    @Test func printsThePathsThisRunChecks() {
        print("Kernel paths checked against the float64 references: \(Self.report)")
        #expect(Self.report.hasPrefix("GEMM: "))
        #expect(KernelOptions.portable.runnable == KernelOptions.portable)
    }

    /// A path the CPU lacks becomes the one that runs; one it has is kept.
    @Test func runnableReplacesOnlyMissingPaths() {
        let asked = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16)
        let got = asked.runnable
        #expect(got.gemm == (CPUFeatures.avx512 ? .avx512 : .portable))
        #expect(got.winograd == (CPUFeatures.avx512 ? .avx512 : .off))
        #expect(got.depthwise == (CPUFeatures.avx512 ? .avx512 : .portable))
        #expect(got.precision == (CPUFeatures.avx512BF16 ? .bf16 : .fp32))
        #expect(got.bf16 == (CPUFeatures.amxBF16 ? .amx : .avx512))
        #expect(!CPUFeatures.amxBF16 || CPUFeatures.avx512BF16)  // the AMX kernel rounds with AVX512-BF16
        #expect((KernelOptions.unavailableNote(requested: asked) == nil) == CPUFeatures.avx512BF16)
        #expect(KernelOptions.unavailableNote(requested: .portable) == nil)
        #expect(KernelOptions.best.precision == .fp32)
    }

    /// Ties go to the even bfloat16, as VCVTNE2PS2BF16 rounds.
    @Test func bf16RoundingIsToNearestEven() {
        #expect(roundedToBF16(1) == 1)
        #expect(roundedToBF16(Float(bitPattern: 0x3F80_8000)) == 1)  // halfway, 1.0 is even
        #expect(roundedToBF16(Float(bitPattern: 0x3F81_8000)) == Float(bitPattern: 0x3F82_0000))  // halfway, rounds up to even
        #expect(roundedToBF16(Float(bitPattern: 0x3F80_8001)) == Float(bitPattern: 0x3F81_0000))
        #expect(roundedToBF16(-3.14159) == Float(bitPattern: 0xC049_0000))
        #expect(roundedToBF16(.infinity) == .infinity)
        #expect(roundedToBF16(.nan).isNaN)
    }
}
