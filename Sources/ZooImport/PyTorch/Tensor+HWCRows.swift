import ZooTensor

extension Tensor {
    /// Dense weights `[C*H*W, N]` whose rows follow a C,H,W flatten, reordered for an H,W,C
    /// flatten: row `(h*W + w)*C + c` of the result is row `c*H*W + h*W + w` of `self`.
    func hwcRows(channels c: Int, height h: Int, width w: Int) -> Tensor {
        let cols = shape[1]
        return reshaped([c, h * w, cols]).transposed([1, 0, 2]).reshaped([c * h * w, cols])
    }
}
