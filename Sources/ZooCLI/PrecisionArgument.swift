import ArgumentParser
import Foundation
import ZooKernels

/// `--precision fp32|bf16`: the spellings are the enum's raw values.
extension KernelOptions.Precision: ExpressibleByArgument {}

extension KernelOptions {
    /// The default kernels at `precision`, saying on stderr (once) when this CPU has no bf16 unit
    /// and fp32 runs instead.
    static func forCommand(precision: Precision) -> KernelOptions {
        var requested = KernelOptions.default
        requested.precision = precision
        if let note = unavailableNote(requested: requested) {
            FileHandle.standardError.write(Data("zoo: note: \(note)\n".utf8))
        }
        return requested.runnable
    }
}
