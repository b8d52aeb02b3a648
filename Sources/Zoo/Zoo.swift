/// zoo: a model zoo and inference runtime for image CNNs.
public enum Zoo {
    public static let version = "0.1.0"
}
