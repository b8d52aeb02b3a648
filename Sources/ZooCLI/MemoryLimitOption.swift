import ArgumentParser
import Foundation
import ZooTensor

/// `--max-memory SIZE`, accepted anywhere on the command line of every command: it sets the
/// process's `MemoryBudget` (replacing `ZOO_MAX_MEMORY` and the default, three quarters of the
/// lower of the cgroup limit and physical memory). Taken out before ArgumentParser sees the
/// arguments, so no command has to declare it.
enum MemoryLimitOption {
    static let name = "--max-memory"

    /// The arguments without `--max-memory`, after setting the budget; a bad size is a usage error.
    static func apply(to arguments: [String]) throws -> [String] {
        var rest: [String] = []
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            let value: String?
            if argument == name {
                value = iterator.next()
            } else if argument.hasPrefix(name + "=") {
                value = String(argument.dropFirst(name.count + 1))
            } else {
                rest.append(argument)
                continue
            }
            guard let value, let bytes = MemoryBudget.parse(value), bytes > 0 else {
                throw ValidationError("\(name) takes a size such as 8G, 512M or a number of bytes, got \(value ?? "nothing")")
            }
            MemoryBudget.current = MemoryBudget(bytes: bytes)
        }
        if rest.count == arguments.count, let env = environmentVariable("ZOO_MAX_MEMORY"), MemoryBudget.parse(env) == nil {
            throw ValidationError("ZOO_MAX_MEMORY takes a size such as 8G, 512M or a number of bytes, got \(env)")
        }
        return rest
    }
}
