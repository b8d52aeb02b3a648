import Foundation
import ZooGraph
import ZooTensor

/// The `bf16_panels` entry of a `.zoo` file's `__metadata__` (format 1.2, `zoo convert --bf16`):
/// which tensors hold bf16 panels instead of row-major values, and their `BF16PanelLayout`, as
/// JSON `{"conv1/kernel": {"depth": 27, "group_columns": 64, "groups": 1}, ...}`.
/// In the safetensors header such a tensor is `BF16` of shape [its packed value count], so the
/// `safetensors` package still reads the file; the graph declares its logical shape.
enum BF16PanelsMetadata {
    static let key = "bf16_panels"

    /// The JSON text for the graph's panel tensors, or nil when it has none.
    static func encode(_ graph: Graph) throws -> String? {
        var object: [String: [String: Int]] = [:]
        for value in graph.values {
            guard let layout = value.constant?.bf16Panels else { continue }
            object[value.name] = ["depth": layout.depth, "group_columns": layout.groupColumns, "groups": layout.groups]
        }
        guard !object.isEmpty else { return nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The layouts `text` gives, each checked against its tensor in the header: a tensor of the
    /// file, stored as BF16 of exactly the layout's packed size. `fail` makes the error to throw.
    static func decode(_ text: String?, entries: [String: SafetensorsHeader.Entry],
                       fail: (String) -> ZooFileError) throws -> [String: BF16PanelLayout] {
        guard let text else { return [:] }
        guard let object = (try? HeaderJSON.parse(text))?.members else {
            throw fail("\(key) is not a JSON object")
        }
        var layouts: [String: BF16PanelLayout] = [:]
        for (name, raw) in object {
            guard let depth = raw["depth"]?.integer, let columns = raw["group_columns"]?.integer,
                  let groups = raw["groups"]?.integer else {
                throw fail("\(key) '\(name)': needs integer depth, group_columns and groups")
            }
            guard let layout = BF16PanelLayout(depth: depth, groupColumns: columns, groups: groups) else {
                throw fail("\(key) '\(name)': depth \(depth), group_columns \(columns), groups \(groups) must each be 1 to 2147483647")
            }
            guard let entry = entries[name] else { throw fail("\(key) names '\(name)', which is not a tensor of the file") }
            guard entry.dtype == .bfloat16, entry.shape.rank == 1 else {
                throw fail("\(key) '\(name)': the tensor is \(entry.dtype) \(entry.shape), bf16 panels are bfloat16 of rank 1")
            }
            guard entry.end - entry.begin == layout.byteCount else {
                throw fail("\(key) '\(name)': \(layout) packs into \(layout.byteCount) bytes, the tensor holds \(entry.end - entry.begin)")
            }
            layouts[name] = layout
        }
        return layouts
    }
}
