/// The ONNX operators the importer understands (default domain only), with their op type
/// strings, the operator versions it implements, and the handler each one runs.
/// This is the only place op type strings appear.
enum ONNXOp: String, CaseIterable {
    case conv = "Conv"
    case batchNormalization = "BatchNormalization"
    case relu = "Relu"
    case clip = "Clip"
    case leakyRelu = "LeakyRelu"
    case pRelu = "PRelu"
    case sigmoid = "Sigmoid"
    case hardSigmoid = "HardSigmoid"
    case hardSwish = "HardSwish"
    case softmax = "Softmax"
    case maxPool = "MaxPool"
    case averagePool = "AveragePool"
    case globalAveragePool = "GlobalAveragePool"
    case globalMaxPool = "GlobalMaxPool"
    case gemm = "Gemm"
    case matMul = "MatMul"
    case add = "Add"
    case sub = "Sub"
    case mul = "Mul"
    case div = "Div"
    case sum = "Sum"
    case concat = "Concat"
    case flatten = "Flatten"
    case reshape = "Reshape"
    case transpose = "Transpose"
    case pad = "Pad"
    case dropout = "Dropout"
    case identity = "Identity"
    case squeeze = "Squeeze"
    case unsqueeze = "Unsqueeze"
    case reduceMean = "ReduceMean"
    case reduceSum = "ReduceSum"
    case reduceMax = "ReduceMax"
    case reduceMin = "ReduceMin"
    // Evaluated at import time only: the shape arithmetic exporters write before a classifier
    // and for computed pads.
    case constant = "Constant"
    case shape = "Shape"
    case gather = "Gather"
    case cast = "Cast"
    case slice = "Slice"
    case constantOfShape = "ConstantOfShape"
    case range = "Range"

    /// The newest default-domain opset whose operators this table covers.
    static let newestOpset = 21

    /// The operator's versions (`since_version`) up to opset 21, from ONNX's Operators.md.
    var versions: [Int] {
        switch self {
        case .conv: [1, 11]
        case .batchNormalization: [1, 6, 7, 9, 14, 15]
        case .relu: [1, 6, 13, 14]
        case .clip: [1, 6, 11, 12, 13]
        case .leakyRelu: [1, 6, 16]
        case .pRelu: [1, 6, 7, 9, 16]
        case .sigmoid: [1, 6, 13]
        case .hardSigmoid: [1, 6]
        case .hardSwish: [14]
        case .softmax: [1, 11, 13]
        case .maxPool: [1, 8, 10, 11, 12]
        case .averagePool: [1, 7, 10, 11, 19]
        case .globalAveragePool, .globalMaxPool: [1]
        case .gemm: [1, 6, 7, 9, 11, 13]
        case .matMul: [1, 9, 13]
        case .add, .sub, .mul, .div: [1, 6, 7, 13, 14]
        case .sum: [1, 6, 8, 13]
        case .concat: [1, 4, 11, 13]
        case .flatten: [1, 9, 11, 13, 21]
        case .reshape: [1, 5, 13, 14, 19, 21]
        case .transpose: [1, 13, 21]
        case .pad: [1, 2, 11, 13, 18, 19, 21]
        case .dropout: [1, 6, 7, 10, 12, 13]
        case .identity: [1, 13, 14, 16, 19, 21]
        case .squeeze, .unsqueeze: [1, 11, 13, 21]
        case .constant: [1, 9, 11, 12, 13, 19, 21]
        case .shape: [1, 13, 15, 19, 21]
        case .gather: [1, 11, 13]
        case .cast: [1, 6, 9, 13, 19, 21]
        case .slice: [1, 10, 11, 13]
        case .reduceMean: [1, 11, 13, 18]
        case .reduceSum: [1, 11, 13]
        case .reduceMax, .reduceMin: [1, 11, 12, 13, 18, 20]
        case .constantOfShape: [9, 20, 21]
        case .range: [11]
        }
    }

    /// The oldest version implemented. Older ones differ in ways the importer does not
    /// follow (`consumed_inputs`, `is_test`, the pre-broadcasting `broadcast`/`axis` attributes,
    /// Reshape's shape attribute, Pad-1's `paddings`).
    var oldestSupported: Int {
        switch self {
        case .relu, .clip, .leakyRelu, .sigmoid, .hardSigmoid, .sum, .cast: 6
        case .batchNormalization, .pRelu, .gemm, .add, .sub, .mul, .div, .dropout: 7
        case .concat: 4
        case .reshape: 5
        case .pad: 2
        default: 1
        }
    }
}

extension ONNXGraphImport {
    /// Runs the handler for one node.
    func importNode(_ n: ONNXNodeContext) throws {
        switch n.op {
        case .conv: try importConv(n)
        case .batchNormalization: try importBatchNormalization(n)
        case .relu, .clip, .leakyRelu, .sigmoid, .hardSigmoid, .hardSwish: try importActivation(n)
        case .pRelu: try importPRelu(n)
        case .softmax: try importSoftmax(n)
        case .maxPool, .averagePool: try importPool(n)
        case .globalAveragePool, .globalMaxPool: try importGlobalPool(n)
        case .gemm: try importGemm(n)
        case .matMul: try importMatMul(n)
        case .add, .sub, .mul, .div: try importBinary(n)
        case .sum: try importSum(n)
        case .concat: try importConcat(n)
        case .flatten: try importFlatten(n)
        case .reshape: try importReshape(n)
        case .transpose: try importTranspose(n)
        case .pad: try importPad(n)
        case .dropout: try importDropout(n)
        case .identity: try importIdentity(n)
        case .squeeze, .unsqueeze: try importSqueeze(n)
        case .constant: try importConstant(n)
        case .shape: try importShape(n)
        case .gather: try importGather(n)
        case .cast: try importCast(n)
        case .slice: try importSlice(n)
        case .reduceMean, .reduceSum, .reduceMax, .reduceMin: try importReduce(n)
        case .constantOfShape: try importConstantOfShape(n)
        case .range: try importRange(n)
        }
    }
}
