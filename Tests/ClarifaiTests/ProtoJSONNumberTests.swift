import Clarifai
import Evaluation
import Foundation
import JSON
import Testing
import TestSupport

/// proto3 JSON number forms wherever a float or integer is read, and a recorded GetEvaluation reply.
@Suite struct ProtoJSONNumberTests {
    let logs = LogCapture()

    @Test func everyProto3NumberFormReadsAsTheNumber() throws {
        let text = #"{"top1_accuracy":"NaN","top5_accuracy":"Infinity","macro_avg_roc_auc":"-Infinity","macro_avg_f1_score":"0.5","macro_std_f1_score":1,"macro_avg_precision":"1e-3"}"#
        let summary = try ProtoJSONDecoder().decode(MetricsSummary.self, from: Data(text.utf8))
        #expect(summary.top1Accuracy?.isNaN == true)
        #expect(summary.top5Accuracy == .infinity && summary.macroAvgRocAuc == -.infinity)
        #expect(summary.macroAvgF1Score == 0.5 && summary.macroStdF1Score == 1 && summary.macroAvgPrecision == 0.001)
        let counts = try ProtoJSONDecoder().decode(BinaryMetrics.self, from: Data(#"{"num_pos":"3","num_neg":4.0,"num_tot":7}"#.utf8))
        #expect(counts.numPos == 3 && counts.numNeg == 4 && counts.numTot == 7)
    }

    @Test func wrongTypesStillFailNamingThePath() {
        #expect(throws: DecodingError.self) { try ProtoJSONDecoder().decode(MetricsSummary.self, from: Data(#"{"top1_accuracy":"high"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try ProtoJSONDecoder().decode(BinaryMetrics.self, from: Data(#"{"num_pos":2.5}"#.utf8)) }
        #expect(throws: DecodingError.self) { try ProtoJSONDecoder().decode(Concept.self, from: Data(#"{"id":7}"#.utf8)) }
    }

    @Test func structValuesStayAsSent() throws {
        let info = try ProtoJSONDecoder().decode(EvalInfo.self, from: Data(#"{"params":{"max_input_count":"1000","use_kfold":true}}"#.utf8))
        #expect(info.params?["max_input_count"] == .string("1000"))
    }

    @Test func recordedGetEvaluationWithNaNFieldsIsFetchedWhole() async throws {
        let server = try FakeClarifaiServer(scenario: .recorded(RecordedGetEvaluation.body))
        server.addEvaluation(id: RecordedGetEvaluation.evaluationID, inApp: true)
        let fetched = try await remoteEvaluation(server, logger: logs.logger())
            .fetch(evaluationID: RecordedGetEvaluation.evaluationID, scope: .app, fields: .all)
        #expect(fetched.response == RecordedGetEvaluation.body)
        let metrics = fetched.metrics
        #expect(metrics.summary?.macroAvgRocAuc?.isNaN == true && metrics.summary?.macroAvgF1Score == 0.8)
        #expect(metrics.binaryMetrics?.map(\.numPos) == [3, 3])
        #expect(metrics.binaryMetrics?.first?.rocCurve?.thresholds?.first == .infinity)
        #expect(metrics.testSet?.map(\.input?.id) == ["in-1", "in-2"])
        #expect(metrics.testSet?.first?.predictedConcepts?.last?.value == 0.09)
    }
}
