import Foundation

extension InfoCommand {
    /// Keras counts a batch norm's moving statistics as (non-trainable) weights; PyTorch, and
    /// ONNX exports of PyTorch models, do not (they are buffers): follow the file's framework.
    var countsRunningStatistics: Bool {
        ["h5", "hdf5", "keras"].contains(URL(fileURLWithPath: model).pathExtension.lowercased())
    }
}
