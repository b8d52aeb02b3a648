import ArgumentParser
import Foundation
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
