import ZooKernels

/// Folds an explicit spatial pad into the convolutions or pools that read it: zero pads into
/// conv padding and into average pools (which then count the padded zeros), -inf pads into max
/// pools. Only when every reader can take it, so the pad node disappears. Never into a reader
/// whose padding follows the input size (`PaddingRule`): the sum would no longer be recomputable.
enum PadFolding {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        for n in g.nodes.indices {
            let node = g.nodes[n]
            guard case let .pad(before, after, value) = node.op else { continue }
            let consumers = g.consumers()
            guard before.count == 4,
                  before[0] == 0, before[3] == 0, after[0] == 0, after[3] == 0,
                  !g.isGraphOutput(node.output), !consumers[node.output].isEmpty else { continue }
            let extra = Padding2D(top: before[1], left: before[2], bottom: after[1], right: after[2])
            let rewritten = consumers[node.output].map { i in
                g.nodes[i].inputs.dropFirst().contains(node.output) ? nil : folded(g.nodes[i].op, extra: extra, value: value)
            }
            guard rewritten.allSatisfy({ $0 != nil }) else { continue }
            for (i, op) in zip(consumers[node.output], rewritten) {
                g.nodes[i].op = op!
                g.nodes[i].inputs[0] = node.inputs[0]
            }
            g.detach(n)
        }
        return g.compacted()
    }

    private static func folded(_ op: Op, extra: Padding2D, value: Float) -> Op? {
        switch op {
        case .conv2d(var p) where value == 0 && p.paddingRule == nil:
            p.padding = p.padding + extra
            return .conv2d(p)
        case .pool2d(var p) where !p.ceilMode && p.paddingRule == nil:
            switch p.kind {
            case .average where value == 0 && (p.countIncludePad || p.padding.isZero):
                p.countIncludePad = true
            case .max where value == -.infinity:
                break
            default:
                return nil
            }
            p.padding = p.padding + extra
            guard p.padding.top < p.kernel.h, p.padding.bottom < p.kernel.h,
                  p.padding.left < p.kernel.w, p.padding.right < p.kernel.w else { return nil }
            return .pool2d(p)
        default:
            return nil
        }
    }
}

private extension Padding2D {
    static func + (a: Padding2D, b: Padding2D) -> Padding2D {
        Padding2D(top: a.top + b.top, left: a.left + b.left, bottom: a.bottom + b.bottom, right: a.right + b.right)
    }
}
