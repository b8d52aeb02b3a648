import Foundation
import ZooONNX

/// ONNX lists nodes in topological order: each reads only values defined before it. Checked
/// before anything is imported, so that a node reading an undefined value is reported as what
/// it is: part of a cycle, out of order, or reading a value nothing defines.
enum ONNXGraphOrder {
    static func check(_ graph: ONNXGraph, file: URL) throws {
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for output in node.outputs where !output.isEmpty && producer[output] == nil { producer[output] = i }
        }
        var defined = Set(graph.inputs.map(\.name)).union(graph.initializers.map(\.name))
        for name in defined { producer[name] = nil }
        for (i, node) in graph.nodes.enumerated() {
            let at = "node '\(node.displayName)' (\(node.opType))"
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                guard let later = producer[input] else {
                    throw ImportError.malformed(file: file, at: at, detail: "reads '\(input)', which no node, graph input or initializer defines")
                }
                if let loop = cycle(through: i, nodes: graph.nodes, producer: producer) {
                    let names = loop.map { "'\(graph.nodes[$0].displayName)'" }.joined(separator: " -> ")
                    throw ImportError.malformed(file: file, at: at, detail: "the graph has a cycle: \(names)")
                }
                throw ImportError.malformed(file: file, at: at, detail: "reads '\(input)' before node '\(graph.nodes[later].displayName)' "
                                            + "defines it (ONNX nodes must be listed in topological order)")
            }
            defined.formUnion(node.outputs)
        }
    }

    /// A cycle through node `start` in data-flow order, beginning and ending with `start`, or nil.
    /// Searches breadth-first against the data flow, from a node to the producers of its inputs.
    static func cycle(through start: Int, nodes: [ONNXNode], producer: [String: Int]) -> [Int]? {
        var readBy: [Int: Int] = [:]  // node -> the node that reads its output, on the path found
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for input in nodes[node].inputs {
                guard let p = producer[input] else { continue }
                if p == start {
                    var path = [start, node]
                    var n = node
                    while n != start, let next = readBy[n] {
                        path.append(next)
                        n = next
                    }
                    return path
                }
                if readBy[p] == nil {
                    readBy[p] = node
                    queue.append(p)
                }
            }
        }
        return nil
    }
}
