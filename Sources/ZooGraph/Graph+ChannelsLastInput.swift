import ZooTensor

extension Graph {
    /// The same graph fed NHWC directly, when its only input is NCHW and is read only by a
    /// transpose to NHWC (how imported PyTorch and ONNX models begin): the input takes the
    /// transpose's output shape and the transpose is gone, so images need not be written NCHW
    /// only to be transposed straight back. Nil for any other graph.
    public func takingChannelsLastInput() -> Graph? {
        guard inputs.count == 1 else { return nil }
        let input = inputs[0]
        guard let node = soleConsumer(of: input, in: consumers()), case .transpose(let permutation) = nodes[node].op,
              permutation == Layout.nchwToNHWC else { return nil }
        var g = self
        let transposed = nodes[node].output
        g.values[input].shape = values[transposed].shape
        g.replaceUses(of: transposed, with: input)
        g.detach(node)
        return g.compacted()
    }
}
