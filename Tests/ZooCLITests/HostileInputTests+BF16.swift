import Foundation
import Testing
import ZooTestSupport

/// `zoo convert --bf16` files whose `bf16_panels` lie, through every command that reads a model.
extension HostileInputTests {
    @Test func lyingBF16Panels() throws {
        let good = scratch.url("good.zoo")
        let r = try ZooExecutable.run(["convert", "tiny-cnn", "--bf16", "-o", good.path])
        #expect(r.status == 0, "\(r.stderr)")
        let header = try ZooHeaderEditing.header(of: good)
        let stored = try #require(header.first { ($0.value as? [String: Any])?["dtype"] as? String == "BF16" }?.key)
        let lies = [
            ("unknown.zoo", #"{"nope": {"depth": 8, "group_columns": 8, "groups": 1}}"#, "unknown.zoo: bf16_panels names 'nope', which is not a tensor of the file"),
            ("negative.zoo", #"{"\#(stored)": {"depth": -8, "group_columns": 8, "groups": 1}}"#, "negative.zoo: bf16_panels '\(stored)': depth -8"),
            ("huge.zoo", #"{"\#(stored)": {"depth": 4611686018427387904, "group_columns": 4, "groups": 1}}"#, "must each be 1 to 2147483647"),
        ]
        for (name, panels, expected) in lies {
            let file = scratch.url(name)
            try ZooHeaderEditing.rewrite(good, to: file, metadata: "bf16_panels", panels)
            try expectRefused(["info", file.path], containing: expected)
            try expectRefused(["predict", "--model", file.path, cat], containing: expected)
            try expectRefused(["bench", "--model", file.path, "--runs", "1", "--precision", "bf16"], containing: expected)
            try expectRefused(["convert", file.path, "--bf16", "-o", out("m.zoo")], containing: expected)
        }
        try FileManager.default.removeItem(at: good)
        for (name, _, _) in lies { try FileManager.default.removeItem(at: scratch.url(name)) }
    }
}
