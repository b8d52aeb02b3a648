import ZooTensor

/// Thrown when an op needs a value known at import time and that value is a graph input:
/// the specializer (ONNXGraphSpecializer) then imports again with the input's fed value.
/// Callers that cannot do that report `error`.
struct ONNXNeedsKnownInput: Error {
    let input: String
    let error: ImportError
}

extension ONNXGraphImport {
    /// The value of `name`, which the op needs known at import time. A graph input fed at run
    /// time raises `ONNXNeedsKnownInput`; anything else `error`.
    func knownValue(_ name: String, orElse error: @autoclosure () -> ImportError) throws -> Tensor {
        let s = try slot(name)
        if let t = s.known { return t }
        if let input = s.graphInput { throw ONNXNeedsKnownInput(input: input, error: error()) }
        throw error()
    }

    /// `knownValue` with the usual message: "<what> '<name>' must be known at import time".
    func knownValue(_ name: String, _ n: ONNXNodeContext, what: String) throws -> Tensor {
        try knownValue(name, orElse: n.unsupported("\(what) '\(name)' must be known at import time"))
    }

    /// The integers of a 1-D known input (pads, axes, starts ...).
    func knownInts(_ name: String, _ n: ONNXNodeContext, what: String) throws -> [Int] {
        let t = try knownValue(name, n, what: what)
        guard t.shape.rank <= 1, t.dtype == .int64 || t.dtype == .int32 else {
            throw n.malformed("\(what) '\(name)' must be a 1-D integer tensor, found \(t.dtype) \(t.shape)")
        }
        return t.int64s.map { Int(clamping: $0) }
    }
}
