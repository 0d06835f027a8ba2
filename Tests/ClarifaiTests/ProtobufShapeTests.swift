import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport

/// What a remote evaluation returns, written back as JSON, is still Clarifai's EvalMetrics message
/// under protobuf JSON rules with unknown fields rejected (PyPI clarifai-grpc is the judge).
@Suite struct ProtobufShapeTests {
    static let checker = """
        import sys
        from google.protobuf import json_format
        from clarifai_grpc.grpc.api import resources_pb2
        message = json_format.Parse(open(sys.argv[1]).read(), resources_pb2.EvalMetrics(), ignore_unknown_fields=False)
        print(len(message.binary_metrics), len(message.binary_metrics[0].roc_curve.fpr), message.status.code)
        """


    /// Runs python as the tests run any child (`CLI.run`): output in files, the exit awaited
    /// without holding a thread of the cooperative pool.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: arguments)
        return (result.exitCode, result.standardOutput + result.standardError)
    }

    @Test func remoteResultParsesAsClarifaisEvalMetrics() async throws {
        try await PythonOracle.require(modules: ["google.protobuf", "clarifai_grpc"])
        // Unknown fields in the replies must not survive into what crossfold writes.
        let server = try FakeClarifaiServer(scenario: FakeClarifaiScenario.success.withUnknownFields())
        let logs = LogCapture()
        let metrics = try await remoteEvaluation(server, logger: logs.logger()).run(RemoteEvaluationRequest(), timeout: .seconds(60)).metrics
        let file = try temporaryDirectory().appendingPathComponent("remote.json")
        try JSONEncoder().encode(metrics).write(to: file)
        let result = try await Self.run([PythonOracle.interpreter, "-c", Self.checker, file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "4 101 21300")
    }
}
