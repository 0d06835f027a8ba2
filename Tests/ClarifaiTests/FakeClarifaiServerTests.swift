import Clarifai
import Evaluation
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The fake server itself: HTTP framing over a raw socket, its checks, and how realistic its
/// evaluation is.
@Suite struct FakeClarifaiServerTests {
    /// Sends `requests` on a fresh connection, 50 ms apart, and reads until the server closes it
    /// (or 2 s pass).
    func exchange(_ port: Int, _ requests: [String]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        for (index, request) in requests.enumerated() {
            if index > 0 { usleep(50_000) }
            let bytes = Array(request.utf8)
            try #require(bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count)
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnectionThenHonoursClose() throws {
        let server = try FakeClarifaiServer()
        let auth = "Authorization: Key \(server.pat)\r\n"
        let path = "/v2/users/fake-user/apps/fake-app/evaluations"
        let reply = try exchange(server.port, [
            "GET \(path) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n",
            "GET \(path)/ HTTP/1.1\r\nHost: x\r\n\(auth)Connection: close\r\n\r\n",
        ])
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(reply.contains("Connection: keep-alive") && reply.contains("Connection: close"))
        #expect(server.requests.count == 2)
    }

    @Test func bodiesAreReadByContentLengthIncludingExpectContinue() throws {
        let server = try FakeClarifaiServer()
        let body = #"{"eval_metrics":[{"id":"raw1"}]}"#
        let reply = try exchange(server.port, [
            "POST /v2/users/fake-user/apps/fake-app/models/fake-model/versions/fake-version/evaluations HTTP/1.1\r\n"
                + "Authorization: Key \(server.pat)\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n",
            body,
        ])
        #expect(reply.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"))
        #expect(server.evaluationIDs == ["raw1"])
        #expect(server.requests.first?.body == Data(body.utf8))
    }

    @Test func http10ClosesAfterOneReply() throws {
        let server = try FakeClarifaiServer()
        let reply = try exchange(server.port, ["GET /v2/users/fake-user/apps/fake-app/evaluations HTTP/1.0\r\nAuthorization: Key \(server.pat)\r\n\r\n"])
        #expect(reply.hasPrefix("HTTP/1.1 200 OK") && reply.contains("Connection: close"))
    }

    @Test func missingOrWrongKeyGets401With11008() throws {
        let server = try FakeClarifaiServer()
        let reply = try exchange(server.port, ["GET /v2/users/fake-user/apps/fake-app/evaluations HTTP/1.1\r\nConnection: close\r\n\r\n"])
        #expect(reply.hasPrefix("HTTP/1.1 401 Unauthorized"))
        #expect(reply.contains(#""code":11008"#))
    }

    @Test func strictBodiesRefuseUnknownFieldsAndWrongTypes() throws {
        let server = try FakeClarifaiServer()
        for body in [#"{"eval_metrics":[{"summary":{}}]}"#, #"{"evalMetrics":[]}"#, #"{"eval_metrics":[{"eval_info":{"params":{"use_kfold":"no"}}}]}"#] {
            let reply = try exchange(server.port, [
                "POST /v2/users/fake-user/apps/fake-app/models/fake-model/versions/fake-version/evaluations HTTP/1.1\r\n"
                    + "Authorization: Key \(server.pat)\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body,
            ])
            #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request") && reply.contains(#""code":11102"#), "\(body)")
        }
        #expect(server.evaluationIDs.isEmpty)
    }

    @Test func fieldsAcceptTrueInAnyOfTheClientsSpellings() throws {
        let server = try FakeClarifaiServer()
        server.addEvaluation(id: "e", inApp: true)
        let reply = try exchange(server.port, [
            "GET /v2/users/fake-user/apps/fake-app/evaluations/e?fields.label_counts=True&fields.confusion_matrix=1&fields.test_set=false HTTP/1.1\r\n"
                + "Authorization: Key \(server.pat)\r\nConnection: close\r\n\r\n",
        ])
        #expect(reply.contains("label_counts") && reply.contains("confusion_matrix") && !reply.contains("test_set"))
    }

    @Test func servedEvaluationIsARealisticClassifierResult() throws {
        let metrics = FakeClassifierResults.standard
        let binary = try #require(metrics.binaryMetrics)
        #expect(binary.map { $0.concept?.id } == FakeClassifierResults.concepts)
        for concept in binary {
            let roc = try #require(concept.rocCurve), pr = try #require(concept.precisionRecallCurve)
            #expect(roc.thresholds == FakeClassifierResults.grid.reversed())
            #expect(pr.thresholds == FakeClassifierResults.grid)
            #expect(roc.fpr?.count == 101 && roc.tpr?.count == 101 && pr.precision?.count == 101 && pr.recall?.count == 101)
            // Lowering the threshold never loses a prediction.
            #expect(zip(roc.tpr ?? [], (roc.tpr ?? []).dropFirst()).allSatisfy { $0 <= $1 })
            #expect(zip(pr.recall ?? [], (pr.recall ?? []).dropFirst()).allSatisfy { $0 >= $1 })
            #expect(roc.tpr?.last == 1 && roc.fpr?.last == 1)
            let auc = try #require(concept.rocAuc)
            #expect(auc > 0.75 && auc < 1)
            #expect(concept.numPos == 25 && concept.numNeg == 75 && concept.numTot == 100)
            #expect((concept.avgPrecision ?? 0) > 0.4)
        }
        let summary = try #require(metrics.summary)
        let aucs = binary.compactMap(\.rocAuc)
        #expect(abs((summary.macroAvgRocAuc ?? 0) - aucs.reduce(0, +) / 4) < 1e-12)
        #expect((summary.macroStdRocAuc ?? 0) > 0)
        let confusion = try #require(metrics.confusionMatrix?.matrix)
        #expect(confusion.count == 16)
        for actual in FakeClassifierResults.concepts {
            let row = confusion.filter { $0.actual == actual }.compactMap(\.value).reduce(0, +)
            #expect(abs(row - 1) < 1e-3, "softmax rows sum to 1: \(actual) \(row)")
        }
        #expect(metrics.labelCounts?.positiveLabelCounts?.compactMap(\.count).reduce(0, +) == metrics.testSet?.count)
        #expect(metrics.cooccurrenceMatrix?.matrix?.count == 4)
    }

    @Test func theOneCallEvaluatorRunsOverURLSessionOnTheRealClock() async throws {
        let server = try FakeClarifaiServer(scenario: .immediate)
        let logs = LogCapture()
        let configuration = try ClarifaiConfiguration.resolve(environment: server.environment(), logger: logs.logger())
        let metrics = try await RemoteEvaluator.evaluate(configuration: configuration, timeout: .seconds(30), logger: logs.logger()).metrics
        #expect(metrics.binaryMetrics?.count == 4 && metrics.testSet?.count == 100)
        let listed = try await RemoteEvaluator.list(configuration: configuration, logger: logs.logger())
        let fetched = try await RemoteEvaluator.get(configuration: configuration, evaluationID: try #require(metrics.id),
                                                    fields: [.labelCounts], logger: logs.logger()).metrics
        #expect(listed.map(\.id) == [metrics.id])
        #expect(fetched.labelCounts != nil && fetched.binaryMetrics == nil)
    }

    @Test func garbledRepliesAreReportedAsMalformed() async throws {
        let server = try FakeClarifaiServer(scenario: .garbled)
        let logs = LogCapture()
        let configuration = try configuration(for: server)
        let error = await clarifaiError { () async throws(ClarifaiError) in
            try await RemoteEvaluator.list(configuration: configuration, logger: logs.logger())
        }
        guard case .malformedResponse(let endpoint, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(endpoint == "GET /v2/users/fake-user/apps/fake-app/evaluations")
        #expect(error?.description.contains("CLARIFAI_API_BASE") == true)
        #expect(server.requests.count == 1)
    }
}
