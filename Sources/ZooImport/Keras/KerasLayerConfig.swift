import Foundation
import ZooKernels

/// Typed access to one layer's `config` object; every failure names the file and the layer.
struct KerasLayerConfig {
    let values: [String: JSONValue]
    let layer: String
    let file: URL

    func fail(_ detail: String) -> ImportError { .malformed(file: file, at: layer, detail: detail) }

    func has(_ key: String) -> Bool { values[key].map { !$0.isNull } ?? false }

    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("missing '\(key)'")
        }
        guard let i = value.int else { throw fail("'\(key)' must be an integer") }
        return i
    }

    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("missing '\(key)'")
        }
        guard let d = value.number, d.isFinite else { throw fail("'\(key)' must be a number") }
        return Float(d)
    }

    /// A number, or nil when absent or null.
    func optionalFloat(_ key: String) throws -> Float? {
        guard has(key) else { return nil }
        return try float(key)
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = values[key], !value.isNull else { return fallback }
        guard let b = value.bool else { throw fail("'\(key)' must be true or false") }
        return b
    }

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("missing '\(key)'")
        }
        guard let s = value.string else { throw fail("'\(key)' must be a string") }
        return s
    }

    /// Numbers from a scalar or a list (`scale: 0.5` or `scale: [0.5, 0.5, 0.5]`).
    func floats(_ key: String, default fallback: [Float]) throws -> [Float] {
        guard let value = values[key], !value.isNull else { return fallback }
        if let d = value.number { return [Float(d)] }
        guard let list = value.array, !list.isEmpty, list.count <= 1 << 20 else { throw fail("'\(key)' must be a number or a list of numbers") }
        return try list.map { item in
            guard let d = item.number, d.isFinite else { throw fail("'\(key)' must hold numbers") }
            return Float(d)
        }
    }

    /// Integers from a list (shapes, `target_shape`); `null` entries become nil.
    func optionalInts(_ key: String) throws -> [Int?] {
        guard let list = values[key]?.array, list.count <= 64 else { throw fail("'\(key)' must be a list of integers") }
        return try list.map { item in
            if item.isNull { return nil }
            guard let i = item.int else { throw fail("'\(key)' must hold integers") }
            return i
        }
    }

    /// A height/width pair written as one integer or a two-element list.
    func size2D(_ key: String, default fallback: Size2D? = nil) throws -> Size2D {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("missing '\(key)'")
        }
        if let i = value.int { return Size2D(i, i) }
        guard let list = value.array, list.count == 2, let h = list[0].int, let w = list[1].int else {
            throw fail("'\(key)' must be an integer or a pair of integers")
        }
        return Size2D(h, w)
    }

    /// Accepts only channels-last layouts, the only one zoo runs.
    func requireChannelsLast() throws {
        let format = try string("data_format", default: "channels_last")
        guard format == "channels_last" else { throw fail("data_format '\(format)' is not supported (channels_last only)") }
    }
}
