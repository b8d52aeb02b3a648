import CONNXProto

// Parsing is libprotobuf-c's: `onnx__*__unpack` copies the message into C structures, which are
// converted to Swift values here and freed before returning. Nothing in this file decodes
// protobuf wire format itself.

extension ONNXModel {
    /// The first byte of every `ModelProto` field tag (fields 1-8, 14, 20, 25, 26). ONNX writers
    /// emit fields in number order, so a model file starts with one of these; anything else is
    /// some other kind of file rather than a damaged model.
    static let fieldTagStarts: Set<UInt8> = [0x08, 0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72, 0xA2, 0xCA, 0xD2]

    /// Parses a serialized `ModelProto`.
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(ONNXParseError) -> ONNXModel {
        guard let base = bytes.baseAddress, let first = bytes.first else { throw .empty }
        guard fieldTagStarts.contains(first) else {
            throw .notONNX(detail: "the first byte 0x\(String(first, radix: 16)) does not start a ModelProto field")
        }
        guard let proto = onnx__model_proto__unpack(nil, bytes.count, base.assumingMemoryBound(to: UInt8.self)) else {
            throw .truncatedOrCorrupt(message: "the ModelProto")
        }
        defer { onnx__model_proto__free_unpacked(proto, nil) }
        let model = ONNXModel(proto.pointee)
        guard model.graph != nil else { throw .notONNX(detail: "the message holds no graph") }
        return model
    }

    init(_ p: Onnx__ModelProto) {
        irVersion = p.has_ir_version != 0 ? p.ir_version : 0
        var imports: [String: Int64] = [:]
        for entry in cArray(p.opset_import, p.n_opset_import) {
            let domain = string(entry.domain)
            imports[domain] = max(imports[domain] ?? 0, entry.has_version != 0 ? entry.version : 0)
        }
        opsetImports = imports
        producerName = string(p.producer_name)
        producerVersion = string(p.producer_version)
        graph = p.graph.map { ONNXGraph($0.pointee) }
    }
}

extension ONNXTensorProto {
    /// Parses a serialized `TensorProto` (the `.pb` files of ONNX's test data).
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(ONNXParseError) -> ONNXTensorProto {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw .empty }
        guard let proto = onnx__tensor_proto__unpack(nil, bytes.count, base.assumingMemoryBound(to: UInt8.self)) else {
            throw .truncatedOrCorrupt(message: "the TensorProto")
        }
        defer { onnx__tensor_proto__free_unpacked(proto, nil) }
        return ONNXTensorProto(proto.pointee)
    }

    init(_ p: Onnx__TensorProto) {
        name = string(p.name)
        dims = values(p.dims, p.n_dims)
        dataTypeCode = p.has_data_type != 0 ? p.data_type : 0
        rawData = p.has_raw_data != 0 ? values(p.raw_data.data, p.raw_data.len) : nil
        floatData = values(p.float_data, p.n_float_data)
        int32Data = values(p.int32_data, p.n_int32_data)
        int64Data = values(p.int64_data, p.n_int64_data)
        doubleData = values(p.double_data, p.n_double_data)
        uint64Data = values(p.uint64_data, p.n_uint64_data)
        isExternal = p.has_data_location != 0 && p.data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL
        externalData = cArray(p.external_data, p.n_external_data).map { (string($0.key), string($0.value)) }
    }
}

extension ONNXGraph {
    init(_ p: Onnx__GraphProto) {
        name = string(p.name)
        nodes = cArray(p.node, p.n_node).map(ONNXNode.init)
        initializers = cArray(p.initializer, p.n_initializer).map(ONNXTensorProto.init)
        inputs = cArray(p.input, p.n_input).map(ONNXValueInfo.init)
        outputs = cArray(p.output, p.n_output).map(ONNXValueInfo.init)
        valueInfo = cArray(p.value_info, p.n_value_info).map(ONNXValueInfo.init)
        hasSparseInitializers = p.n_sparse_initializer > 0
    }
}

extension ONNXNode {
    init(_ p: Onnx__NodeProto) {
        name = string(p.name)
        opType = string(p.op_type)
        domain = string(p.domain)
        inputs = strings(p.input, p.n_input)
        outputs = strings(p.output, p.n_output)
        attributes = cArray(p.attribute, p.n_attribute).map(ONNXAttribute.init)
    }
}

extension ONNXValueInfo {
    init(_ p: Onnx__ValueInfoProto) {
        name = string(p.name)
        elementType = nil
        dims = nil
        guard let type = p.type?.pointee, type.value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE,
              let tensor = type.tensor_type?.pointee else { return }
        if tensor.has_elem_type != 0 { elementType = ONNXDataType(rawValue: tensor.elem_type) }
        if let shape = tensor.shape?.pointee {
            dims = cArray(shape.dim, shape.n_dim).map { d in
                switch d.value_case {
                case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE: .value(d.dim_value)
                case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM: .param(string(d.dim_param))
                default: .unknown
                }
            }
        }
    }
}

extension ONNXAttribute {
    init(_ p: Onnx__AttributeProto) {
        name = string(p.name)
        let type = p.has_type != 0 ? p.type : Self.impliedType(p)
        switch type {
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: value = .float(p.f)
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: value = .int(p.i)
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: value = .string(text(p.s))
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
            value = p.t.map { .tensor(ONNXTensorProto($0.pointee)) } ?? .unsupported(kind: "empty tensor")
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: value = .floats(values(p.floats, p.n_floats))
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: value = .ints(values(p.ints, p.n_ints))
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS:
            value = .strings((0..<p.n_strings).map { text(p.strings[$0]) })
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS:
            value = .tensors(cArray(p.tensors, p.n_tensors).map(ONNXTensorProto.init))
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS:
            value = .unsupported(kind: "graph")
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSORS:
            value = .unsupported(kind: "sparse tensor")
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTOS:
            value = .unsupported(kind: "type proto")
        default: value = .unsupported(kind: "untyped")
        }
    }

    /// Very old writers (IR version 1) leave `type` unset: infer it from the field that is set.
    private static func impliedType(_ p: Onnx__AttributeProto) -> Onnx__AttributeProto__AttributeType {
        if p.has_f != 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT }
        if p.has_i != 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT }
        if p.has_s != 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING }
        if p.t != nil { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR }
        if p.n_floats > 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS }
        if p.n_ints > 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS }
        if p.n_strings > 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS }
        if p.n_tensors > 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS }
        if p.g != nil || p.n_graphs > 0 { return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH }
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED
    }
}

// MARK: - C array and string helpers

/// A C string field; protobuf-c leaves unset strings NULL.
private func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? ""
}

/// Bytes of a `bytes` field as text (ONNX attribute strings are UTF-8).
private func text(_ b: ProtobufCBinaryData) -> String {
    guard let data = b.data, b.len > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: b.len), as: UTF8.self)
}

private func strings(_ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ n: Int) -> [String] {
    guard let p else { return [] }
    return (0..<n).map { string(p[$0]) }
}

/// The pointees of a repeated message field.
private func cArray<T>(_ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ n: Int) -> [T] {
    guard let p else { return [] }
    return (0..<n).compactMap { p[$0]?.pointee }
}

/// A repeated scalar field.
private func values<T>(_ p: UnsafeMutablePointer<T>?, _ n: Int) -> [T] {
    guard let p, n > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: p, count: n))
}
