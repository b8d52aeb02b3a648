/// A tensor shape: the extent of each dimension, outermost first (row-major, C order).
/// Internal activations are NHWC: `[N, H, W, C]`.
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The size of each axis, outermost first.
    public var dims: [Int]

    /// A shape with these axis sizes.
    public init(_ dims: [Int]) { self.dims = dims }
    /// A shape written as an array literal: `[1, 224, 224, 3]`.
    public init(arrayLiteral elements: Int...) { self.dims = elements }

    /// Number of axes.
    public var rank: Int { dims.count }
    /// The size of `axis` (counted from 0, outermost first).
    public subscript(_ axis: Int) -> Int {
        get { dims[axis] }
        set { dims[axis] = newValue }
    }

    /// Number of elements, or nil when a dimension is negative or the product overflows `Int`.
    public var checkedElementCount: Int? {
        var total = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Number of elements. Shapes built from file contents must be validated with
    /// `checkedElementCount` first; this traps on overflow like any arithmetic.
    public var elementCount: Int { dims.reduce(1, *) }

    /// Row-major strides in elements.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: dims.count)
        var acc = 1
        for axis in stride(from: dims.count - 1, through: 0, by: -1) {
            result[axis] = acc
            acc *= dims[axis]
        }
        return result
    }

    /// Turns a possibly negative axis (Python style) into an index, or nil when out of range.
    public func normalizedAxis(_ axis: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return (0..<rank).contains(a) ? a : nil
    }

    /// The shape as `[1,224,224,3]`.
    public var description: String { "[" + dims.map(String.init).joined(separator: ",") + "]" }
}

extension Shape {
    /// Numpy broadcasting of two shapes: aligned on the right, a dim of 1 stretches to the
    /// other's. Nil when they do not broadcast.
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        let rank = max(a.rank, b.rank)
        var dims = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b[i - (rank - b.rank)]
            guard da == db || da == 1 || db == 1 else { return nil }
            dims[i] = da == 1 ? db : da
        }
        return Shape(dims)
    }
}
