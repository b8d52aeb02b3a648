extension FineTunedModel {
    /// Trains the head on an image dataset, the backbone frozen.
    ///
    /// The dataset is split per class (`validationSplit` of each class, seeded). Without
    /// augmentation every image goes through the backbone once and the embeddings are cached;
    /// with it, the training images are changed and embedded anew each epoch. The loss is the
    /// class-weighted softmax cross-entropy plus `weightDecay / 2` times the squared kernels
    /// (nil: scikit-learn's C=1, see `train`), on standardised features when `standardize`.
    /// The default (nil), L-BFGS, minimises it on the whole training set to its optimum; Adam and
    /// SGD (Adam is the default with augmentation or dropout) visit the rows each epoch in a
    /// seeded shuffle, in mini-batches of `batchSize`.
    /// With a validation split, training stops once the validation loss has not improved for
    /// `patience` epochs (nil: never early) and the weights of the best epoch are kept.
    /// The same seed gives the same weights, whatever the thread count.
    @discardableResult
    public mutating func fit(_ dataset: ImageFolderDataset, epochs: Int = 10, batchSize: Int = 32,
                             optimizer: Optimizer? = nil, weightDecay: Double? = nil, standardize: Bool = true,
                             validationSplit: Double = 0.2, seed: UInt64 = 0, augment: Augmentation = .none, classWeights: ClassWeighting = .uniform,
                             patience: Int? = 5, progress: ((TrainingEvent) -> Void)? = nil) throws -> TrainingReport {
        guard (0..<1).contains(validationSplit) else {
            throw FineTuningError.badArgument("validation split \(validationSplit): must be in [0, 1)")
        }
        try augment.validate()
        // L-BFGS needs the same data and loss every step: not with augmentation or dropout.
        let optimizer = optimizer ?? (augment.isNone && head.dropout == 0 ? .lbfgs() : .adam())
        if case .lbfgs = optimizer, !augment.isNone {
            throw FineTuningError.badArgument("augmentation changes the data every epoch: train with adam or sgd, not L-BFGS")
        }
        let settings = TrainingReport.Settings(epochs: epochs, batchSize: batchSize, optimizer: optimizer.summary,
                                               weightDecay: weightDecay ?? 0, validationSplit: validationSplit, seed: seed,
                                               augmentation: augment.summary, classWeights: [], patience: patience)
        // Before any backbone pass: a bad setting should not cost a dataset's worth of embedding.
        try Self.check(settings, optimizer: optimizer)
        let (trainIndices, validationIndices) = dataset.stratifiedSplit(validationFraction: validationSplit, seed: seed)
        let embeddingProgress = { (done: Int, total: Int) -> Void in progress?(.embedding(done: done, total: total)) }
        let validation: EmbeddedDataset?
        let trainingSet: (Int) throws -> EmbeddedDataset
        if augment.isNone {
            let all = try embeddings(of: dataset, progress: embeddingProgress)
            validation = validationIndices.isEmpty ? nil : all.subset(validationIndices)
            let cached = all.subset(trainIndices)
            trainingSet = { _ in cached }
        } else {
            validation = validationIndices.isEmpty ? nil : try embeddings(of: dataset.subset(validationIndices), progress: embeddingProgress)
            let images = dataset.subset(trainIndices)
            // A copy: the closure must not capture the `self` this method mutates (the
            // backbone and classes it reads do not change).
            let embedder = self
            trainingSet = { epoch in
                try embedder.embeddings(of: images, augmentation: augment, seed: seed &+ UInt64(epoch), progress: embeddingProgress)
            }
        }
        return try train(trainingSet, validation: validation, settings: settings, optimizer: optimizer, weightDecay: weightDecay,
                         standardize: standardize, classWeights: classWeights, progress: progress)
    }

    /// Trains the head on embeddings already computed (see `embeddings(of:)`): the same
    /// training as the image version, without the split and the backbone passes.
    @discardableResult
    public mutating func fit(_ train: EmbeddedDataset, validation: EmbeddedDataset?, epochs: Int = 10, batchSize: Int = 32,
                             optimizer: Optimizer? = nil, weightDecay: Double? = nil, standardize: Bool = true, seed: UInt64 = 0,
                             classWeights: ClassWeighting = .uniform, patience: Int? = 5,
                             progress: ((TrainingEvent) -> Void)? = nil) throws -> TrainingReport {
        let optimizer = optimizer ?? (head.dropout == 0 ? .lbfgs() : .adam())
        let settings = TrainingReport.Settings(epochs: epochs, batchSize: batchSize, optimizer: optimizer.summary,
                                               weightDecay: weightDecay ?? 0, validationSplit: 0, seed: seed,
                                               augmentation: Augmentation.none.summary, classWeights: [], patience: patience)
        return try self.train({ _ in train }, validation: validation, settings: settings, optimizer: optimizer, weightDecay: weightDecay,
                              standardize: standardize, classWeights: classWeights, progress: progress)
    }

    private static func check(_ settings: TrainingReport.Settings, optimizer: Optimizer) throws {
        guard settings.epochs >= 1 else { throw FineTuningError.badArgument("epochs \(settings.epochs): need at least 1") }
        guard settings.batchSize >= 1 else { throw FineTuningError.badArgument("batch size \(settings.batchSize): need at least 1") }
        guard settings.weightDecay >= 0, settings.weightDecay.isFinite else {
            throw FineTuningError.badArgument("weight decay \(settings.weightDecay): must be a non-negative number")
        }
        if let p = settings.patience, p < 1 { throw FineTuningError.badArgument("patience \(p): need at least 1 (or none)") }
        try optimizer.validate()
    }

    /// The training both `fit`s share; `trainingSet(epoch)` gives each epoch's rows. Features
    /// are standardised with the first epoch's statistics when `standardize` is on, and the
    /// scaling is folded into the head at the end. `weightDecay` nil is scikit-learn's
    /// `LogisticRegression(C=1)`: the penalty |W|^2 / 2 on the summed (class-weighted) loss,
    /// i.e. 1 / (total training weight) on the mean loss this head minimises.
    private mutating func train(_ trainingSet: (Int) throws -> EmbeddedDataset, validation rawValidation: EmbeddedDataset?,
                                settings: TrainingReport.Settings, optimizer: Optimizer, weightDecay: Double?, standardize: Bool,
                                classWeights: ClassWeighting, progress: ((TrainingEvent) -> Void)?) throws -> TrainingReport {
        try Self.check(settings, optimizer: optimizer)
        if let rawValidation { try checkFits(rawValidation) }
        let first = try trainingSet(1)
        try checkFits(first)
        guard first.count > 0 else { throw FineTuningError.badDataset("no training samples") }
        let trainCounts = first.classCounts
        let weights = try classWeights.weights(counts: trainCounts)
        let decay = weightDecay ?? 1 / max(first.labels.reduce(0) { $0 + weights[$1] }, 1e-300)
        let scaling = standardize ? FeatureScaling(first) : nil
        let scaled = { (data: EmbeddedDataset) in scaling?.apply(data) ?? data }
        let validation = rawValidation.map(scaled)

        var state = OptimizerState(optimizer, parameterCount: head.parameters.count)
        var best = (loss: Double.infinity, epoch: 0, parameters: head.parameters)
        var records: [TrainingReport.Epoch] = []
        var stoppedEarly = false
        var sinceBest = 0
        var last = first
        var solver: LBFGS.Result?
        for epoch in 1...settings.epochs {
            let raw = epoch == 1 ? first : try trainingSet(epoch)
            try checkFits(raw)
            let data = scaled(raw)
            last = raw
            let x = data.doubles()
            if case let .lbfgs(maxIterations, tolerance) = optimizer {
                // Full batch: one run of the solver to the optimum replaces the epochs.
                let start = head
                var noDropout: SplitMix64?
                let result = LBFGS.minimize(from: start.parameters, maxIterations: maxIterations, tolerance: tolerance) { p in
                    var h = start
                    h.parameters = p
                    return h.lossAndGradient(features: x, labels: data.labels, classWeights: weights, weightDecay: decay, rng: &noDropout)
                }
                guard result.loss.isFinite else { throw FineTuningError.badArgument("training diverged (the loss is \(result.loss))") }
                head.parameters = result.parameters
                solver = result
            } else {
                var order = Array(0..<data.count)
                var rng = SplitMix64.derived(seed: settings.seed, 0xE90C, UInt64(epoch))
                rng.shuffle(&order)
                var dropoutRNG: SplitMix64? = SplitMix64.derived(seed: settings.seed, 0xD409, UInt64(epoch))
                for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                    let rows = order[start..<min(start + settings.batchSize, order.count)]
                    let batch = gather(x, rows: rows, width: data.dimension)
                    let (loss, gradient) = head.lossAndGradient(features: batch, labels: rows.map { data.labels[$0] }, classWeights: weights,
                                                                weightDecay: decay, rng: &dropoutRNG)
                    guard loss.isFinite else {
                        throw FineTuningError.badArgument("training diverged at epoch \(epoch) (the loss is \(loss)): lower the learning rate")
                    }
                    state.step(&head.parameters, gradient: gradient)
                }
            }
            let trained = try evaluate(data)
            let validated = try validation.map { try evaluate($0) }
            let record = TrainingReport.Epoch(epoch: solver?.iterations ?? epoch, trainLoss: trained.loss, trainAccuracy: trained.accuracy,
                                              validationLoss: validated?.loss, validationAccuracy: validated?.accuracy)
            records.append(record)
            progress?(.epoch(record))
            if solver != nil { break }
            guard let validated else { continue }
            if validated.loss < best.loss {
                best = (validated.loss, epoch, head.parameters)
                sinceBest = 0
            } else {
                sinceBest += 1
                if let patience = settings.patience, sinceBest >= patience, epoch < settings.epochs {
                    stoppedEarly = true
                    break
                }
            }
        }
        if validation != nil, solver == nil { head.parameters = best.parameters }
        if let scaling { scaling.fold(into: &head) }
        var recorded = settings
        recorded.classWeights = weights
        recorded.weightDecay = decay
        var report = TrainingReport(classes: classes, trainCounts: trainCounts, validationCounts: rawValidation?.classCounts ?? classes.map { _ in 0 },
                                    settings: recorded, epochs: records,
                                    bestEpoch: solver.map(\.iterations) ?? (validation != nil ? best.epoch : records.count),
                                    stoppedEarly: stoppedEarly, evaluatedOn: rawValidation != nil ? "validation" : "training",
                                    final: try evaluate(rawValidation ?? last))
        report.solver = solver.map { TrainingReport.Solver(iterations: $0.iterations, converged: $0.converged, gradientNorm: $0.gradientNorm, loss: $0.loss) }
        lastTraining = report
        return report
    }
}

/// The rows `rows` of a row-major `[n, width]` array, in that order.
private func gather(_ x: [Double], rows: ArraySlice<Int>, width: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: rows.count * width) { out, initialized in
        x.withUnsafeBufferPointer { x in
            for (k, r) in rows.enumerated() {
                for j in 0..<width { out[k * width + j] = x[r * width + j] }
            }
        }
        initialized = rows.count * width
    }
}
