/// What one `fit` did: the settings, every epoch's figures, which epoch's weights were kept,
/// and the final evaluation (on the validation split, or on the training data without one).
public struct TrainingReport: Sendable, Codable {
    /// One epoch's figures (for L-BFGS a single record, numbered by its iterations), measured after the epoch with dropout off and no class weights.
    public struct Epoch: Sendable, Codable, Hashable {
        /// The epoch's number, from 1.
        public var epoch: Int
        /// Mean loss on the training rows.
        public var trainLoss: Double
        /// Fraction of training rows classified right.
        public var trainAccuracy: Double
        /// Mean loss on the validation rows; nil without a validation split.
        public var validationLoss: Double?
        /// Fraction of validation rows classified right; nil without a validation split.
        public var validationAccuracy: Double?
    }

    /// The settings `fit` ran with, as recorded in a saved model's provenance.
    public struct Settings: Sendable, Codable, Hashable {
        /// The most epochs (or L-BFGS iterations) allowed.
        public var epochs: Int
        /// Rows per mini-batch (Adam and SGD).
        public var batchSize: Int
        /// The optimizer and its settings, as text.
        public var optimizer: String
        /// The L2 penalty's weight.
        public var weightDecay: Double
        /// Fraction of each class held out for validation.
        public var validationSplit: Double
        /// The seed of the split, the shuffles and the initial weights.
        public var seed: UInt64
        /// The augmentation, as text ("none" without).
        public var augmentation: String
        /// The loss weight of each class, in class order.
        public var classWeights: [Double]
        /// Epochs without improvement before stopping; nil for never early.
        public var patience: Int?
    }

    /// The class names, in output order.
    public var classes: [String]
    /// Training images per class.
    public var trainCounts: [Int]
    /// Validation images per class.
    public var validationCounts: [Int]
    /// The settings this training ran with.
    public var settings: Settings
    /// Every epoch's figures, in order.
    public var epochs: [Epoch]
    /// The epoch whose weights the model keeps (the lowest validation loss; the last without
    /// validation).
    public var bestEpoch: Int
    /// Whether training stopped before `settings.epochs` because the validation loss had not
    /// improved for `settings.patience` epochs.
    public var stoppedEarly: Bool
    /// "validation" or "training": what `final` was measured on.
    public var evaluatedOn: String
    /// The kept weights' evaluation on `evaluatedOn`.
    public var final: Evaluation
    /// How L-BFGS ended, when it trained the head.
    public var solver: Solver?

    /// L-BFGS's end state: iterations run, whether every gradient component fell below the
    /// tolerance, the largest one, and the regularised loss (on standardised features).
    public struct Solver: Sendable, Codable, Hashable {
        /// Iterations run.
        public var iterations: Int
        /// Whether every gradient component fell below the tolerance.
        public var converged: Bool
        /// The largest gradient component at the end.
        public var gradientNorm: Double
        /// The regularised loss at the end.
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
