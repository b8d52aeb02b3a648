import Synchronization
import ZooKernels
import ZooTensor

/// Runs a graph. Plans are computed once per batch size and cached; each run borrows its own
/// activation arena from a pool, so one executor may serve many concurrent tasks. Inputs that
/// do not fit the graph as declared go to a graph rebuilt for them by its specializer, cached
/// per distinct input shapes and deciding values (Executor+Specialization.swift).
public final class Executor: Sendable {
    /// The graph this executor runs.
    public let graph: Graph
    /// Threads each run uses.
    public let threads: Int
    /// The kernel paths every run of this executor takes (runnable on this CPU).
    public let kernels: KernelOptions
    /// Constants as float32 (float16 storage is widened once, here); bf16 panels stay as stored
    /// (see `Graph.executorConstants`).
    private let constants: [Tensor?]
    private let plans = Mutex<[Int: ExecutionPlan]>([:])
    private let arenas = Mutex<[Int: [Arena]]>([:])
    let preparedWeights: PreparedWeights
    /// Executors of graphs rebuilt for inputs this graph does not fit, most recent last.
    let specializations = Mutex(SpecializationCache())
    /// The steps a batched run computes image by image (found on first use; nil inside: none).
    private let imagePrefix = Mutex<ImagePrefix??>(nil)
    /// Batch sizes whose plans' re-laid-out weights are all made (see `makeWeights`).
    private let weightsMade = Mutex<Set<Int>>([])

    /// `kernels` picks the kernel paths and precision (`KernelOptions.default`: the fastest fp32
    /// paths, unless the environment says otherwise); paths this CPU lacks are replaced by ones it
    /// runs (see `KernelOptions.runnable`, and `unavailableNote` for a line to tell the user).
    public init(graph: Graph, threads: Int = ThreadCount.default, kernels: KernelOptions = .default) {
        self.graph = graph
        self.threads = max(1, threads)
        self.kernels = kernels.runnable
        constants = graph.executorConstants()
        preparedWeights = PreparedWeights()
    }

    /// An executor of a graph `base`'s specializer built, with `base`'s threads and kernel paths.
    /// When it reads the very same constants through the same nodes (a graph rebuilt for another
    /// input size), it shares `base`'s widened and prepared weights instead of making its own.
    init(specialized graph: Graph, of base: Executor) {
        self.graph = graph
        threads = base.threads
        kernels = base.kernels
        if graph.readsSameWeights(as: base.graph) {
            constants = base.constants
            preparedWeights = base.preparedWeights
        } else {
            constants = graph.executorConstants()
            preparedWeights = PreparedWeights()
        }
    }

    /// The plan for a batch size (computed on first use).
    public func plan(batch: Int) throws -> ExecutionPlan {
        if let plan = plans.withLock({ $0[batch] }) { return plan }
        let plan = try ExecutionPlan(graph: graph, batch: batch, threads: threads, constants: constants,
                                     preparedWeights: preparedWeights, kernels: kernels)
        plans.withLock { $0[batch] = plan }
        return plan
    }

    /// Runs the graph on named inputs (NHWC, or whatever layout the graph declares) and returns
    /// every graph output by name. Inputs may use any batch size; all must use the same one.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        try run(inputs, wrappingSteps: nil)
    }

    /// `run`, handing each step to `wrap` when given, so a profiler can time it
    /// (Executor+Profile.swift) without a second copy of the step loop.
    func run(_ inputs: [String: Tensor],
             wrappingSteps wrap: StepWrapper?) throws -> [String: Tensor] {
        if graph.needsSpecialization { return try runSpecialized(inputs, because: nil) }
        let given: [Tensor]
        do {
            given = try orderedInputs(inputs)
        } catch let error as GraphError where graph.specializer != nil && error.isInputShapeOrType {
            return try runSpecialized(inputs, because: error)
        }
        let batch = given.first.map { $0.shape.rank > 0 ? $0.shape[0] : 1 } ?? 1
        let plan = try plan(batch: batch)
        makeWeights(of: plan)
        let arena = borrowArena(bytes: plan.peakActivationBytes)
        defer { returnArena(arena) }

        var first = 0
        if batch > 1, let (prefix, single) = try findImagePrefix() {
            // Both plans join the same nodes into steps, so the prefix's nodes end at the same step in both.
            if let steps = plan.stepCount(beforeNode: prefix.steps), let singleSteps = single.stepCount(beforeNode: prefix.steps) {
                makeWeights(of: single)
                try runImageByImage(prefix, steps: singleSteps, given: given, batch: batch, single: single, into: plan,
                                    arena: arena, wrap: wrap)
                first = steps
            }
        }
        run(plan.steps[first...], of: plan, given: given, image: nil, arena: arena, threads: threads, wrap: wrap)
        var result: [String: Tensor] = [:]
        for out in graph.outputs {
            let shape = plan.shapes[out.value]
            result[out.name] = Tensor(shape: shape, dtype: .float32,
                                      bytes: UnsafeRawBufferPointer(start: pointer(out.value, plan, given, image: nil, arena),
                                                                    count: shape.elementCount * 4))
        }
        return result
    }

    /// Where `id`'s bytes are in a run of `plan`; with `image`, `plan` is the batch-1 plan run on
    /// that image of the batch `given`.
    private func pointer(_ id: ValueID, _ plan: ExecutionPlan, _ given: [Tensor], image: Int?, _ arena: Arena) -> UnsafeRawPointer {
        switch plan.locations[id]! {
        case .input(let i):
            guard let image, given[i].shape.rank > 0 else { return given[i].rawPointer }
            return given[i].rawPointer + image * (given[i].byteCount / given[i].shape[0])
        case .constant(let c): return constants[c]!.rawPointer
        case .arena(let offset): return UnsafeRawPointer(arena.bytes + offset)
        }
    }

    private func run(_ steps: ArraySlice<PlannedStep>, of plan: ExecutionPlan, given: [Tensor], image: Int?, arena: Arena,
                     threads: Int, concurrent: Int = 1, wrap: StepWrapper?) {
        for step in steps {
            guard case .arena(let offset) = plan.locations[step.output]! else { continue }
            func execute() {
                let inputs = step.inputs.map { pointer($0, plan, given, image: image, arena) }
                KernelDispatch.execute(step.kernel, inputs: inputs, output: arena.bytes + offset,
                                       scratch: arena.bytes + step.scratchOffset, threads: threads, kernels: kernels)
            }
            if let wrap { wrap(step.node, concurrent, execute) } else { execute() }
        }
    }

    /// Makes every re-laid-out weight `plan` reads (Winograd transforms, bf16 and fp32 panels), once
    /// per plan, before its first run: each node's on one thread, nodes shared out among the
    /// threads. Made by the steps that read them, one at a time while the other threads waited,
    /// they took most of a one-shot run (resnet18 from its `.zoo`: first run 77 ms, then 7).
    private func makeWeights(of plan: ExecutionPlan) {
        guard !weightsMade.withLock({ $0.contains(plan.batch) }) else { return }
        let kernels = plan.steps.map(\.kernel)  // most make nothing
        parallelFor(count: kernels.count, threads: threads) { _, range in
            for i in range { kernels[i].makeWeights() }
        }
        weightsMade.withLock { _ = $0.insert(plan.batch) }
    }

    /// The prefix's steps for each image with the batch-1 plan `single`, each image's boundary value
    /// copied to its place in `plan`'s arena, where the batched steps after the prefix read it. The
    /// images go to the workers whole, one thread each, in their own arenas: a layer of one image is
    /// little work to share out, and threads splitting every small layer wait for each other at each
    /// one (mobilenet_v2 fp32 batch 8 on the Zen 5 VM while its two CPUs ran a layer's halves
    /// unevenly: 23.7 ms, 15 ms with whole images; within noise when they did not). Each image's
    /// bits are the same for any thread count.
    private func runImageByImage(_ prefix: ImagePrefix, steps: Int, given: [Tensor], batch: Int, single: ExecutionPlan,
                                 into plan: ExecutionPlan, arena: Arena, wrap: StepWrapper?) throws {
        guard case .arena(let from) = single.locations[prefix.boundary]!, case .arena(let to) = plan.locations[prefix.boundary]! else {
            preconditionFailure("image prefix: its boundary value is not an activation")
        }
        // Both plans store the boundary alike: their kernels are chosen by layer, not batch size.
        let bf16 = single.bf16Values.contains(prefix.boundary)
        precondition(bf16 == plan.bf16Values.contains(prefix.boundary), "image prefix: its boundary value is stored two ways")
        let imageBytes = single.shapes[prefix.boundary].elementCount * (bf16 ? 2 : 4)
        let concurrent = workerCount(count: batch, threads: threads)
        parallelFor(count: batch, threads: threads) { _, images in
            let imageArena = self.borrowArena(bytes: single.peakActivationBytes)
            defer { self.returnArena(imageArena) }
            for image in images {
                self.run(single.steps[..<steps], of: single, given: given, image: image, arena: imageArena,
                         threads: 1, concurrent: concurrent, wrap: wrap)
                (arena.bytes + to + image * imageBytes).copyMemory(from: imageArena.bytes + from, byteCount: imageBytes)
            }
        }
    }

    /// The image prefix, which ends where a step of the batch-1 plan starts, and that plan (only
    /// made when some prefix exists: a graph whose first dimension is no batch may have none).
    private func findImagePrefix() throws -> (ImagePrefix, ExecutionPlan)? {
        let bf16 = kernels.precision == .bf16
        if let cached = imagePrefix.withLock({ $0 }) { return try cached.map { ($0, try plan(batch: 1)) } }
        var found: ImagePrefix?
        var single: ExecutionPlan?
        if ImagePrefix.find(in: graph, bf16: bf16) != nil {
            let plan = try plan(batch: 1)
            let starts = Set(plan.steps.map(\.node))
            found = ImagePrefix.find(in: graph, bf16: bf16) { starts.contains($0) || $0 == self.graph.nodes.count }
            single = plan
        }
        imagePrefix.withLock { $0 = .some(found) }
        guard let found, let single else { return nil }
        return (found, single)
    }

    /// Checks names, types and shapes (any batch size, the same for all) and orders the inputs like the graph.
    private func orderedInputs(_ inputs: [String: Tensor]) throws -> [Tensor] {
        for name in inputs.keys where !graph.inputs.contains(where: { graph.values[$0].name == name }) {
            throw GraphError.unexpectedInput(name: name)
        }
        var batch: Int?
        return try graph.inputs.map { id in
            let value = graph.values[id]
            guard let tensor = inputs[value.name] else { throw GraphError.missingInput(name: value.name) }
            guard tensor.dtype == value.dtype else {
                throw GraphError.inputType(name: value.name, expected: value.dtype, found: tensor.dtype)
            }
            let s = tensor.shape
            if !graph.hasBatchDimension {
                guard s == value.shape else { throw GraphError.inputShape(name: value.name, expected: value.shape, found: s) }
                return tensor
            }
            let fits = s.rank == value.shape.rank && (s.rank == 0 || (s[0] >= 1 && Array(s.dims.dropFirst()) == Array(value.shape.dims.dropFirst())))
            // A scalar input (an ONNX Dropout ratio fed at run time) has no batch axis to agree on.
            guard fits, s.rank == 0 || batch == nil || s[0] == batch else {
                throw GraphError.inputShape(name: value.name, expected: value.shape, found: s)
            }
            if s.rank > 0 { batch = s[0] }
            return tensor
        }
    }

    private func borrowArena(bytes: Int) -> Arena {
        arenas.withLock { $0[bytes]?.popLast() } ?? Arena(byteCount: bytes)
    }

    private func returnArena(_ arena: Arena) {
        arenas.withLock { $0[arena.byteCount, default: []].append(arena) }
    }
}

/// What a profiler wraps each step in: it calls `execute` and times it (Executor+Profile.swift).
/// Steps of different images may run at once on different threads: `concurrent` of them.
typealias StepWrapper = @Sendable (_ node: Int, _ concurrent: Int, _ execute: () -> Void) -> Void

/// One run's activation memory. Only one run uses an arena at a time.
private final class Arena: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int
    init(byteCount: Int) {
        self.byteCount = byteCount
        bytes = .allocate(byteCount: max(byteCount, 1), alignment: 64)
    }
    deinit { bytes.deallocate() }
}
