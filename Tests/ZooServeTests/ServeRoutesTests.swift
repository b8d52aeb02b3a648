import Foundation
import Testing
import Zoo
import ZooServe
import ZooTensor
import ZooTestSupport

/// Every route of `zoo serve` on a server at 127.0.0.1, port 0, serving tiny-cnn; answers
/// compared with what the CLI prints for the same inputs.
@Suite(.serialized)
struct ServeRoutesTests {
    @Test func protocolMetadataHealthAndReadiness() async throws {
        try await ServerHarness.with { server in
            let root = try await server.get("/v2")
            #expect(root.status == 200)
            #expect((try root.json()["extensions"] as? [String])?.contains("binary_tensor_data") == true)
            #expect(try await server.get("/v2/health/live").status == 200)
            #expect(try await server.get("/v2/health/ready").status == 200)
            #expect(try await server.get("/v2/models/tiny-cnn/ready").status == 200)
            #expect(try await server.get("/v2/models/tiny-cnn/versions/1/ready").status == 200)
            let metadata = try await server.get("/v2/models/tiny-cnn").json()
            let inputs = metadata["inputs"] as? [[String: Any]]
            #expect(inputs?.first?["name"] as? String == "input")
            #expect(inputs?.first?["datatype"] as? String == "FP32")
            #expect(inputs?.first?["shape"] as? [Int] == [-1, 32, 32, 3])
            let outputs = metadata["outputs"] as? [[String: Any]]
            #expect(outputs?.first?["shape"] as? [Int] == [-1, 10])
            #expect(try await server.get("/v2/models/tiny-cnn/versions/1").status == 200)

            let models = try await server.get("/v1/models").json()["models"] as? [[String: Any]]
            #expect(models?.count == 1)
            #expect(models?.first?["name"] as? String == "tiny-cnn")
            #expect(models?.first?["input_size"] as? [Int] == [32, 32])
            #expect(models?.first?["labels"] as? Int == 10)
        }
    }

    @Test func classifyEqualsPredictJSONForRawAndMultipartBodies() async throws {
        let path = SampleImages.url("cat.jpg").path
        let cli = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--json", "--top", "3", path])
        #expect(cli.status == 0, "\(cli.stderr)")
        let expected = try JSONDecoder().decode(PredictDocument.self, from: cli.output).images[0]
        try await ServerHarness.with { server in
            let query = "?top=3&file=" + path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let raw = try await server.post("/v1/models/tiny-cnn/classify" + query, try ServerHarness.sample("cat.jpg"))
            #expect(raw.status == 200, "\(raw.text)")
            #expect(try raw.decode(ImageReport.self) == expected)

            let (form, type) = multipartBody(field: "image", filename: path, data: try ServerHarness.sample("cat.jpg"))
            let multipart = try await server.post("/v1/models/tiny-cnn/classify?top=3", form, headers: ["Content-Type": type])
            #expect(multipart.status == 200, "\(multipart.text)")
            #expect(try multipart.decode(ImageReport.self) == expected)

            let (noField, noFieldType) = multipartBody(field: "photo", filename: "x.jpg", data: Data([1, 2, 3]))
            let missing = try await server.post("/v1/models/tiny-cnn/classify", noField, headers: ["Content-Type": noFieldType])
            #expect(missing.status == 400 && missing.error?.contains("'image'") == true, "\(missing.text)")
        }
    }

    @Test func embedEqualsEmbedJSONL() async throws {
        let path = SampleImages.url("rocket.jpg").path
        let cli = try ZooExecutable.run(["embed", "--model", "tiny-cnn", "--jsonl", path])
        #expect(cli.status == 0, "\(cli.stderr)")
        let expected = try JSONDecoder().decode(EmbeddingLine.self, from: cli.output)
        try await ServerHarness.with { server in
            let answer = try await server.post("/v1/models/tiny-cnn/embed?file=rocket.jpg", try ServerHarness.sample("rocket.jpg"))
            #expect(answer.status == 200, "\(answer.text)")
            #expect(try answer.decode(EmbeddingLine.self).embedding == expected.embedding)
        }
    }

    @Test func inferJSONAndBinaryEqualZooInfer() async throws {
        let scratch = try Scratch()
        var random = SeededRandom(seed: 19)
        let values = random.floats(2 * 32 * 32 * 3)
        let x = Tensor(shape: [2, 32, 32, 3], floats: values)
        try NPY.write(x, to: scratch.url("x.npy"))
        let cli = try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", scratch.url("x.npy").path, "-o", scratch.url("y.npy").path])
        #expect(cli.status == 0, "\(cli.stderr)")
        let expected = try NPY.read(contentsOf: scratch.url("y.npy")).floats
        let outputName = try Zoo.load("tiny-cnn").graph.outputs[0].name

        try await ServerHarness.with { server in
            // JSON tensors, nested data.
            let nested = stride(from: 0, to: values.count, by: 3).map { Array(values[$0..<($0 + 3)]) }
            let request: [String: Any] = ["id": "q1", "inputs": [["name": "input", "shape": [2, 32, 32, 3], "datatype": "FP32", "data": nested]],
                                          "outputs": [["name": outputName]]]
            let json = try await server.post("/v2/models/tiny-cnn/infer", try JSONSerialization.data(withJSONObject: request))
            #expect(json.status == 200, "\(json.text)")
            let body = try json.json()
            #expect(body["id"] as? String == "q1")
            let output = (body["outputs"] as? [[String: Any]])?.first
            #expect(output?["shape"] as? [Int] == [2, 10])
            let floats = try json.decode(Outputs.self).outputs[0].data!
            #expect(floats == expected)

            // The binary-data extension, under /versions/1/, with the classification extension too.
            let header = try JSONSerialization.data(withJSONObject: [
                "inputs": [["name": "input", "shape": [2, 32, 32, 3], "datatype": "FP32", "parameters": ["binary_data_size": values.count * 4]]],
                "outputs": [["name": outputName, "parameters": ["binary_data": true]],
                            ["name": outputName, "parameters": ["classification": 2]]],
            ] as [String: Any])
            var payload = header
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            let binary = try await server.post("/v2/models/tiny-cnn/versions/1/infer", payload,
                                               headers: ["Inference-Header-Content-Length": String(header.count), "Content-Type": "application/octet-stream"])
            #expect(binary.status == 200, "\(binary.text)")
            let jsonLength = try #require(binary.header("Inference-Header-Content-Length").flatMap { Int($0) })
            let answer = try JSONDecoder().decode(Outputs.self, from: binary.body.prefix(jsonLength))
            #expect(answer.outputs[0].parameters?["binary_data_size"] == expected.count * 4)
            let bytes = binary.body.dropFirst(jsonLength)
            let decoded = bytes.withUnsafeBytes { raw in
                (0..<expected.count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            #expect(decoded == expected)
            #expect(answer.outputs[1].datatype == "BYTES" && answer.outputs[1].shape == [2, 2])
            #expect(answer.outputs[1].strings?.count == 4)
            // "score:index:label", as classify ranks the same row.
            let model = try Zoo.load("tiny-cnn")
            let top = try model.predictions(fromScores: Array(expected[0..<10]), top: 2)
            #expect(answer.outputs[1].strings?.first == "\(top[0].score):\(top[0].index):\(top[0].label)")
        }
    }

    @Test func errorStatuses() async throws {
        let scratch = try Scratch()
        let broken = try scratch.file("broken.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1]))
        let cli = try ZooExecutable.run(["predict", "--model", "tiny-cnn", broken.path])
        let cliError = cli.stderr.split(separator: "\n").last.map { String($0.dropFirst("zoo: error: ".count)) } ?? ""
        #expect(cli.status == 1 && !cliError.isEmpty)

        try await ServerHarness.with({ $0.maxBodyBytes = 200_000 }) { server in
            let bad = try await server.post("/v1/models/tiny-cnn/classify?file=" + broken.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                                            try Data(contentsOf: broken))
            #expect(bad.status == 400)
            #expect(bad.error == cliError, "server: \(bad.text) cli: \(cliError)")

            let unknown = try await server.post("/v1/models/resnet9000/classify", Data([1]))
            #expect(unknown.status == 404 && unknown.error?.contains("resnet9000") == true)
            #expect(try await server.get("/v2/models/resnet9000").status == 404)
            #expect(try await server.get("/v2/models/tiny-cnn/versions/7").status == 404)
            #expect(try await server.get("/no/such/route").status == 404)

            let tooLarge = try await server.post("/v1/models/tiny-cnn/classify", Data(count: 300_000))
            #expect(tooLarge.status == 413, "\(tooLarge.text)")

            let badTop = try await server.post("/v1/models/tiny-cnn/classify?top=0", try ServerHarness.sample("cat.jpg"))
            #expect(badTop.status == 400)

            func infer(_ input: [String: Any]) async throws -> Answer {
                try await server.post("/v2/models/tiny-cnn/infer", try JSONSerialization.data(withJSONObject: ["inputs": [input]]))
            }
            let wrongShape = try await infer(["name": "input", "shape": [1, 3, 32, 32], "datatype": "FP32", "data": [Float](repeating: 0, count: 3072)])
            #expect(wrongShape.status == 400 && wrongShape.error?.contains("input 'input'") == true, "\(wrongShape.text)")
            let wrongType = try await infer(["name": "input", "shape": [1, 32, 32, 3], "datatype": "INT64", "data": [Int](repeating: 0, count: 3072)])
            #expect(wrongType.status == 400 && wrongType.error?.contains("input 'input'") == true && wrongType.error?.contains("INT64") == true)
            let short = try await infer(["name": "input", "shape": [1, 32, 32, 3], "datatype": "FP32", "data": [0.5]])
            #expect(short.status == 400 && short.error?.contains("input 'input'") == true)
            let wrongName = try await infer(["name": "pixels", "shape": [1, 32, 32, 3], "datatype": "FP32", "data": [0.5]])
            #expect(wrongName.status == 400 && wrongName.error?.contains("pixels") == true)
            let notJSON = try await server.post("/v2/models/tiny-cnn/infer", Data("{\"inputs\": [".utf8))
            #expect(notJSON.status == 400)
            let pastEnd = try await server.post("/v2/models/tiny-cnn/infer", Data("{}".utf8), headers: ["Inference-Header-Content-Length": "99"])
            #expect(pastEnd.status == 400)
        }
    }

    @Test func fullQueueAnswers503AndSlowBodiesAreCutOff() async throws {
        try await ServerHarness.with({ $0.queueCapacity = 1; $0.bodyTimeout = .seconds(1) }) { server in
            // A client that sends half a body holds the only slot until it is cut off.
            let slow = try RawConnection(port: server.port)
            slow.write("POST /v1/models/tiny-cnn/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n")
            slow.write(Data(count: 10))
            try await Task.sleep(for: .milliseconds(200))
            let busy = try await server.post("/v1/models/tiny-cnn/classify", try ServerHarness.sample("cat.jpg"))
            #expect(busy.status == 503, "\(busy.text)")
            #expect(busy.header("Retry-After") == "1")

            let started = ContinuousClock.now
            let (_, closed) = slow.readUntilClosed()
            #expect(closed, "the slow client was disconnected")
            #expect(ContinuousClock.now - started < .seconds(10))

            // The slot is free again (released as the cut-off request unwinds, just after the close).
            var after = try await server.post("/v1/models/tiny-cnn/classify", try ServerHarness.sample("cat.jpg"))
            for _ in 0..<20 where after.status == 503 {
                try await Task.sleep(for: .milliseconds(100))
                after = try await server.post("/v1/models/tiny-cnn/classify", try ServerHarness.sample("cat.jpg"))
            }
            #expect(after.status == 200, "\(after.text)")
        }
    }

    @Test func pageExamplesAndMetrics() async throws {
        try await ServerHarness.with { server in
            let page = try await server.get("/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            // Self-contained: no script, style, image or font fetched from another host.
            #expect(!page.text.contains("http://") && !page.text.contains("https://") && !page.text.contains("//cdn"))
            #expect(page.text.contains("?example") || page.text.contains("example"))

            let example = try await server.get("/examples/cat.jpg")
            let cat = try ServerHarness.sample("cat.jpg")
            #expect(example.status == 200 && example.body == cat)
            #expect(try await server.get("/examples/..%2FLICENSE").status == 404)
            #expect(try await server.get("/examples/nothing.jpg").status == 404)

            _ = try await server.post("/v1/models/tiny-cnn/classify", try ServerHarness.sample("cat.jpg"))
            let metrics = try await server.get("/metrics")
            #expect(metrics.status == 200)
            for name in ["zoo_requests_total", "zoo_request_duration_seconds_bucket", "zoo_queue_wait_seconds_bucket",
                         "zoo_batch_size_bucket", "zoo_images_total", "zoo_images_per_second", "zoo_models_loaded"] {
                #expect(metrics.text.contains(name), "\(name) in /metrics")
            }
            #expect(metrics.text.contains("route=\"/v1/models/{name}/classify\""))
        }
    }
}

/// `zoo predict --json`.
struct PredictDocument: Decodable {
    var model: String
    var images: [ImageReport]
}

/// A line of `zoo embed --jsonl` and the answer of `/embed`.
struct EmbeddingLine: Decodable {
    var file: String
    var embedding: [Float]
}

/// The outputs of an infer answer, FP32 or BYTES.
struct Outputs: Decodable {
    struct Output: Decodable {
        var name: String
        var datatype: String
        var shape: [Int]
        var parameters: [String: Int]?
        var data: [Float]?
        var strings: [String]?

        enum CodingKeys: String, CodingKey { case name, datatype, shape, parameters, data }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            datatype = try c.decode(String.self, forKey: .datatype)
            shape = try c.decode([Int].self, forKey: .shape)
            parameters = try c.decodeIfPresent([String: Int].self, forKey: .parameters)
            if datatype == "BYTES" {
                strings = try c.decodeIfPresent([String].self, forKey: .data)
            } else {
                data = try c.decodeIfPresent([Float].self, forKey: .data)
            }
        }
    }

    var outputs: [Output]
}
