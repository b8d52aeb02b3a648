import ArgumentParser
import Foundation
import Zoo
import ZooKernels

/// `--precision fp32|bf16`: the spellings are the enum's raw values.
extension KernelOptions.Precision: ExpressibleByArgument {}

extension KernelOptions {
    /// Says on stderr, in one line, when `precision` is bf16 and this CPU has no bf16 unit (fp32 runs).
    static func reportIfUnavailable(precision: Precision) {
        var requested = KernelOptions.default
        requested.precision = precision
        if let note = unavailableNote(requested: requested) {
            FileHandle.standardError.write(Data("zoo: note: \(note)\n".utf8))
        }
    }
}

extension Model {
    /// Says on stderr, in one line, when this model's weights are bf16 (`zoo convert --bf16`) but
    /// its runs compute fp32: they widen them, and carry their rounding.
    func reportIfFloat32FromBF16Weights() {
        guard computesFloat32FromBF16Weights else { return }
        FileHandle.standardError.write(Data("zoo: note: \(name) holds bf16 weights (zoo convert --bf16); fp32 runs widen them to float32, so results carry their bf16 rounding\n".utf8))
    }
}
