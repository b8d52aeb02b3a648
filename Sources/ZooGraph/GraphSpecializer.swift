import ZooTensor

/// Rebuilds a graph for particular inputs: their exact shapes, and the values of the inputs
/// that decide the graph's structure (a Reshape's target shape, pads, axes, Clip bounds,
/// convolution weights fed at run time). An importer attaches one to the graph it returns
/// (`Graph.specializer`) when the source format can be re-read that way, as ONNX can; the
/// executor asks it for a graph whenever the inputs do not fit the graph as declared, and
/// caches one plan per distinct input shapes and deciding values.
public protocol GraphSpecializer: Sendable {
    /// The inputs whose values (not only their shapes) decide the graph. May grow after a
    /// call to `specialized(for:)` finds another one.
    var decidingInputs: Set<String> { get }

    /// Whether the graphs it builds keep a free batch dimension, so that inputs differing only
    /// in batch size share one graph (and its per-batch plans). False by default: a graph for
    /// exactly the shapes given.
    var keepsBatchDimension: Bool { get }

    /// A graph for exactly these inputs. Its inputs are the given ones minus the deciding ones
    /// (those become constants), declared at the given shapes (batch aside when
    /// `keepsBatchDimension`).
    func specialized(for inputs: [String: Tensor]) throws -> Graph
}

extension GraphSpecializer {
    /// Graphs for exact shapes, batch included.
    public var keepsBatchDimension: Bool { false }
}

/// Applies a graph transformation (the optimizer, extra outputs) to every graph a
/// specializer builds, so a specialized graph is the same kind of graph as the one it replaces.
struct TransformingSpecializer: GraphSpecializer {
    let base: any GraphSpecializer
    let transform: @Sendable (Graph) throws -> Graph

    var decidingInputs: Set<String> { base.decidingInputs }
    var keepsBatchDimension: Bool { base.keepsBatchDimension }

    func specialized(for inputs: [String: Tensor]) throws -> Graph {
        try transform(try base.specialized(for: inputs))
    }
}

extension Graph {
    /// Whether the graph only declares its inputs and outputs: it cannot be planned as it is
    /// (some input must be known first), so every run goes through the specializer.
    public var needsSpecialization: Bool {
        guard specializer != nil else { return false }
        let produced = Set(nodes.map(\.output)).union(inputs)
        return outputs.contains { !produced.contains($0.value) && values[$0.value].constant == nil }
    }
}
