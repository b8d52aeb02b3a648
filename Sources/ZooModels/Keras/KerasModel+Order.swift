extension KerasModel {
    /// The nodes in the order Keras lists `model.layers` for a functional model, which is the
    /// order of `layer_names` in its HDF5 files and the order weights-only files are loaded in.
    ///
    /// Keras (`ops/function.py`, `map_graph`) walks depth-first from the outputs, numbering
    /// layers as first seen; a layer's depth is its longest path to an output; layers are sorted
    /// by decreasing depth, ties broken by that number. Layers no output depends on are
    /// dropped, except unused inputs. The order is also a topological order.
    public func kerasOrder() throws(KerasModelError) -> [Node] {
        let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        var firstSeen = [Int?](repeating: nil, count: nodes.count)
        var finished = [Bool](repeating: false, count: nodes.count)
        var inProgress = [Bool](repeating: false, count: nodes.count)
        var postOrder: [Int] = []
        var counter = 0

        // Iterative depth-first search: a deep network must not exhaust the call stack.
        for output in outputs {
            guard let root = ids[output] else { throw .unknownInput(layer: "outputs", input: output) }
            if finished[root] { continue }
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            firstSeen[root] = firstSeen[root] ?? counter
            if firstSeen[root] == counter { counter += 1 }
            inProgress[root] = true
            while let top = stack.last {
                let inputs = nodes[top.node].inputs
                if top.next < inputs.count {
                    stack[stack.count - 1].next += 1
                    guard let child = ids[inputs[top.next]] else {
                        throw .unknownInput(layer: nodes[top.node].name, input: inputs[top.next])
                    }
                    if finished[child] { continue }
                    if inProgress[child] { throw .cycle(layer: nodes[child].name) }
                    if firstSeen[child] == nil { firstSeen[child] = counter; counter += 1 }
                    inProgress[child] = true
                    stack.append((child, 0))
                } else {
                    stack.removeLast()
                    inProgress[top.node] = false
                    finished[top.node] = true
                    postOrder.append(top.node)
                }
            }
        }

        var depth = [Int](repeating: 0, count: nodes.count)
        for node in postOrder.reversed() {
            for input in nodes[node].inputs {
                if let parent = ids[input] { depth[parent] = max(depth[parent], depth[node] + 1) }
            }
        }
        var members = postOrder
        for name in inputs {
            if let id = ids[name], !finished[id] {
                members.append(id)
                firstSeen[id] = -1
            }
        }
        members.sort { a, b in
            depth[a] != depth[b] ? depth[a] > depth[b] : (firstSeen[a] ?? 0) < (firstSeen[b] ?? 0)
        }
        return members.map { nodes[$0] }
    }

    /// Every node, each after its inputs, otherwise in the order added.
    public func topologicalOrder() throws(KerasModelError) -> [Node] {
        let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 in progress, 2 done
        var order: [Node] = []
        for start in nodes.indices where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                let inputs = nodes[top.node].inputs
                if top.next < inputs.count {
                    stack[stack.count - 1].next += 1
                    guard let child = ids[inputs[top.next]] else {
                        throw .unknownInput(layer: nodes[top.node].name, input: inputs[top.next])
                    }
                    if state[child] == 1 { throw .cycle(layer: nodes[child].name) }
                    if state[child] == 0 {
                        state[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    stack.removeLast()
                    state[top.node] = 2
                    order.append(nodes[top.node])
                }
            }
        }
        return order
    }
}
