/// Copies an n-dimensional array into a new axis order: output axis `i` is input axis
/// `permutation[i]`. This is the one place layouts are permuted (OIHW -> HWIO, NCHW <-> NHWC).
package func permute(source: UnsafeRawPointer, shape: Shape, permutation: [Int],
                    destination: UnsafeMutableRawPointer, elementSize: Int) {
    let rank = shape.rank
    precondition(permutation.count == rank && Set(permutation) == Set(0..<rank), "bad permutation \(permutation)")
    let count = shape.elementCount
    if count == 0 { return }
    let inStrides = shape.strides
    let outDims = permutation.map { shape[$0] }
    // Stride in the source of each output axis.
    let walk = permutation.map { inStrides[$0] }
    if rank == 0 {
        destination.copyMemory(from: source, byteCount: elementSize)
        return
    }
    if permutation == Layout.nchwToNHWC && elementSize == 4 {
        channelsLast(source.assumingMemoryBound(to: UInt32.self), batch: shape[0], channels: shape[1],
                     pixels: shape[2] * shape[3], destination.assumingMemoryBound(to: UInt32.self))
        return
    }
    // The innermost output axis is copied in a tight loop; the outer axes use an odometer.
    let inner = outDims[rank - 1]
    let innerStride = walk[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var sourceOffset = 0
    var out = 0
    while out < count {
        switch elementSize {
        case 4:
            let s = source.assumingMemoryBound(to: UInt32.self)
            let d = destination.assumingMemoryBound(to: UInt32.self)
            for j in 0..<inner { d[out + j] = s[sourceOffset + j * innerStride] }
        default:
            for j in 0..<inner {
                (destination + (out + j) * elementSize).copyMemory(
                    from: source + (sourceOffset + j * innerStride) * elementSize, byteCount: elementSize)
            }
        }
        out += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            sourceOffset += walk[axis]
            if index[axis] < outDims[axis] { break }
            sourceOffset -= walk[axis] * outDims[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// NCHW -> NHWC, every model's input: with 3 channels the general odometer would step once per
/// 3 elements. Few channels (images) are read as that many planes side by side and written
/// straight through; a plane-at-a-time pass wrote every output line once per channel, from
/// memory once a batch outgrew the cache (batch 8: 1.75 ms of mobilenet_v2's 29).
private func channelsLast(_ source: UnsafePointer<UInt32>, batch: Int, channels: Int, pixels: Int,
                          _ destination: UnsafeMutablePointer<UInt32>) {
    for n in 0..<batch {
        let image = source + n * channels * pixels, out = destination + n * channels * pixels
        if channels == 3 {
            let r = image, g = image + pixels, b = image + 2 * pixels
            for p in 0..<pixels {
                out[3 * p] = r[p]
                out[3 * p + 1] = g[p]
                out[3 * p + 2] = b[p]
            }
            continue
        }
        for c in 0..<channels {
            let plane = image + c * pixels
            for p in 0..<pixels { out[p * channels + c] = plane[p] }
        }
    }
}
