/// What one `fit` did: the settings, every epoch's figures, which epoch's weights were kept,
/// and the final evaluation (on the validation split, or on the training data without one).
public struct TrainingReport: Sendable, Codable {
    /// One epoch's figures (for L-BFGS a single record, numbered by its iterations), measured after the epoch with dropout off and no class weights.
    public struct Epoch: Sendable, Codable, Hashable {
        public var epoch: Int
        public var trainLoss: Double
        public var trainAccuracy: Double
        public var validationLoss: Double?
        public var validationAccuracy: Double?
    }

    /// The settings `fit` ran with, as recorded in a saved model's provenance.
    public struct Settings: Sendable, Codable, Hashable {
        public var epochs: Int
        public var batchSize: Int
        public var optimizer: String
        public var weightDecay: Double
        public var validationSplit: Double
        public var seed: UInt64
        public var augmentation: String
        public var classWeights: [Double]
        public var patience: Int?
    }

    public var classes: [String]
    public var trainCounts: [Int]
    public var validationCounts: [Int]
    public var settings: Settings
    public var epochs: [Epoch]
    /// The epoch whose weights the model keeps (the lowest validation loss; the last without
    /// validation).
    public var bestEpoch: Int
    /// Whether training stopped before `settings.epochs` because the validation loss had not
    /// improved for `settings.patience` epochs.
    public var stoppedEarly: Bool
    /// "validation" or "training": what `final` was measured on.
    public var evaluatedOn: String
    public var final: Evaluation
    /// How L-BFGS ended, when it trained the head.
    public var solver: Solver?

    /// L-BFGS's end state: iterations run, whether every gradient component fell below the
    /// tolerance, the largest one, and the regularised loss (on standardised features).
    public struct Solver: Sendable, Codable, Hashable {
        public var iterations: Int
        public var converged: Bool
        public var gradientNorm: Double
        public var loss: Double
    }
}

/// What `fit` reports while it runs.
public enum TrainingEvent: Sendable {
    /// Backbone embeddings computed so far (of this epoch's images, when augmenting).
    case embedding(done: Int, total: Int)
    /// An epoch finished.
    case epoch(TrainingReport.Epoch)
}
