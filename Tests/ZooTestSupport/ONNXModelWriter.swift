/// Small ONNX models written by tests, valid or deliberately broken: float inputs with the dims
/// they declare, nodes, and float initializers whose dims and data need not agree and whose data
/// may be said to live in an external file. Field numbers are those of onnx.proto.
public struct ONNXModelWriter {
    public struct Node {
        public var op: String
        public var inputs: [String]
        public var outputs: [String]
        public var name: String

        public init(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil) {
            self.op = op
            self.inputs = inputs
            self.outputs = outputs
            self.name = name ?? outputs.first ?? op
        }
    }

    public struct Initializer {
        public var name: String
        public var dims: [Int64]
        /// Written as little-endian raw_data (nothing when `externalLocation` is set).
        public var values: [Float]
        /// Marks the data as external, at this location (offset 0, the values' length).
        public var externalLocation: String?
        /// When set, the initializer is INT64 with these values instead (e.g. Pad's `pads`).
        public var int64Values: [Int64]?

        public init(_ name: String, dims: [Int64], values: [Float], externalLocation: String? = nil) {
            self.name = name
            self.dims = dims
            self.values = values
            self.externalLocation = externalLocation
        }
    }

    public var opset: Int64 = 13
    public var inputs: [(name: String, dims: [Int64])] = []
    public var outputs: [String] = []
    public var nodes: [Node] = []
    public var initializers: [Initializer] = []

    public init() {}

    /// A valid model: a [1,3,4,4] input, a 1x1 convolution with four filters, then a ReLU.
    public static func convReLU() -> ONNXModelWriter {
        var m = ONNXModelWriter()
        m.inputs = [("x", [1, 3, 4, 4])]
        m.initializers = [Initializer("w", dims: [4, 3, 1, 1], values: (0..<12).map { Float($0) / 12 - 0.5 })]
        m.nodes = [Node("Conv", ["x", "w"], ["c"]), Node("Relu", ["c"], ["y"])]
        m.outputs = ["y"]
        return m
    }

    public func serialized() -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, 8)                                        // ir_version
        model.string(2, "zoo tests")                           // producer_name
        model.message(7) { graph in
            for node in nodes {
                graph.message(1) { n in
                    for input in node.inputs { n.string(1, input) }
                    for output in node.outputs { n.string(2, output) }
                    n.string(3, node.name)
                    n.string(4, node.op)
                }
            }
            graph.string(2, "hostile")
            for initializer in initializers { graph.message(5) { Self.write(initializer, to: &$0) } }
            for input in inputs { graph.message(11) { Self.writeValueInfo(input.name, dims: input.dims, to: &$0) } }
            for output in outputs { graph.message(12) { Self.writeValueInfo(output, dims: nil, to: &$0) } }
        }
        model.message(8) { opset in                            // opset_import, default domain
            opset.string(1, "")
            opset.int(2, self.opset)
        }
        return model.bytes
    }

    private static func write(_ t: Initializer, to p: inout ProtobufWriter) {
        for d in t.dims { p.int(1, d) }
        p.int(2, t.int64Values == nil ? 1 : 7)                 // data_type FLOAT or INT64
        p.string(8, t.name)
        if let location = t.externalLocation {
            p.message(13) { $0.string(1, "location"); $0.string(2, location) }
            p.message(13) { $0.string(1, "length"); $0.string(2, String(t.values.count * 4)) }
            p.int(14, 1)                                       // data_location EXTERNAL
        } else if let longs = t.int64Values {
            p.bytes(9, longs.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * Int64($0))) } })
        } else {
            p.bytes(9, t.values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } })
        }
    }

    /// A float tensor's value info; `dims` nil declares no shape.
    private static func writeValueInfo(_ name: String, dims: [Int64]?, to p: inout ProtobufWriter) {
        p.string(1, name)
        p.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, 1)                               // elem_type FLOAT
                if let dims {
                    tensor.message(2) { shape in
                        for d in dims { shape.message(1) { $0.int(1, d) } }
                    }
                }
            }
        }
    }
}
