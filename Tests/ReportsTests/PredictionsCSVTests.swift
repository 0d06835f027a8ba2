import Datasets
import Evaluation
import Foundation
import Reports
import Testing
import TestSupport

struct PredictionsCSVTests {
    private func text(_ csv: PredictionsCSV, rowsPerChunk: Int = 4096) -> String {
        csv.chunks(rowsPerChunk: rowsPerChunk).map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    @Test func oneRepeatWritesIdFoldAndOneColumnPerConcept() throws {
        let csv = PredictionsCSV(result: try Fixtures.handResult())
        #expect(text(csv) == """
        id,fold,A,B
        r0,0,0.9,0.1
        r1,0,0.3,0.7
        r2,0,0.4,0.6
        r3,1,0.6,0.4
        r4,1,0.2,0.8
        r5,1,0.1,0.9

        """)
    }

    /// A sweep's `--all-configurations` file leads every row with its configuration's cell.
    @Test func aPrefixLeadsEveryRow() {
        let format = PredictionsCSVFormat(conceptIDs: ["A", "B"], repeats: 2)
        let rows = format.rows(ids: ["r,0", "r1"], repeatIndex: 1, folds: [0, 3], scores: [0.25, 0.75, 1, 0],
                               prefix: Array("\"knn k=5, weights\",".utf8))
        #expect(String(decoding: rows, as: UTF8.self) == """
        "knn k=5, weights","r,0",1,0,0.25,0.75
        "knn k=5, weights",r1,1,3,1.0,0.0

        """)
    }

    @Test func repeatsAddARepeatColumnAndFollowEachOther() throws {
        let result = try Fixtures.realisticResult()
        let lines = text(PredictionsCSV(result: result)).split(separator: "\n")
        #expect(lines[0] == "id,repeat,fold,concept-0,concept-1,concept-2,concept-3")
        #expect(lines.count == 1 + 2 * 400)
        #expect(lines[1].hasPrefix("input-0,0,"))
        #expect(lines[401].hasPrefix("input-0,1,"))
        let fields = lines[401].split(separator: ",")
        #expect(Int(fields[2]) == Int(result.outOfFold[1].folds[0]))
    }

    @Test func cellsReadBackAsTheSameFloat32() throws {
        let oof = OutOfFoldPredictions(repeatIndex: 0, folds: [0, 1],
                                       scores: [1e-7, 0.1, 1.0 / 3.0, 0.99999994, 0, 1, .leastNonzeroMagnitude, 0.5],
                                       conceptCount: 4)
        let body = text(PredictionsCSV(inputIDs: ["a", "b"], conceptIDs: ["w", "x", "y", "z"], outOfFold: [oof]))
        let cells = body.split(separator: "\n").dropFirst().flatMap { $0.split(separator: ",").dropFirst(2) }
        #expect(cells.map { Float(String($0))?.bitPattern } == oof.scores.map { $0.bitPattern })
        #expect(body.contains("a,0,1e-07,0.1,0.33333334,0.99999994\n"))
    }

    @Test func idsAndConceptsAreQuotedPerRFC4180() {
        let oof = OutOfFoldPredictions(repeatIndex: 0, folds: [0, 0, 0], scores: [0.5, 0.25, 0.125], conceptCount: 1)
        let csv = PredictionsCSV(inputIDs: ["plain", "with,comma", "say \"hi\"\nthere"], conceptIDs: ["a,b"],
                                 outOfFold: [oof])
        #expect(text(csv) == "id,fold,\"a,b\"\nplain,0,0.5\n\"with,comma\",0,0.25\n\"say \"\"hi\"\"\nthere\",0,0.125\n")
    }

    @Test func chunksHoldAtMostTheRequestedRows() throws {
        let result = try Fixtures.realisticResult()
        let csv = PredictionsCSV(result: result)
        let chunks = Array(csv.chunks(rowsPerChunk: 64))
        // Header, then ceil(400 / 64) = 7 chunks per repeat.
        #expect(chunks.count == 1 + 2 * 7)
        #expect(chunks.dropFirst().allSatisfy { chunk in chunk.filter { $0 == 0x0A }.count <= 64 })
        #expect(text(csv, rowsPerChunk: 64) == text(csv, rowsPerChunk: 10_000))
    }

    @Test func writingToAFileHandleStreamsTheSameBytes() throws {
        let csv = PredictionsCSV(result: try Fixtures.realisticResult())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("predictions-\(UUID().uuidString).csv")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        try csv.write(to: handle, rowsPerChunk: 100)
        try handle.close()
        #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == text(csv))
    }

    @Test func scikitLearnRecomputesThePooledMetricsFromTheFile() async throws {
        try await PythonOracle.require(modules: ["numpy", "sklearn"])
        let fixture = EvaluationFixture.make(rows: 300, concepts: 3, multiLabel: true, folds: 5, scoreLevels: nil, seed: 4)
        let result = try Evaluator.evaluate(dataset: fixture.dataset, predictions: fixture.predictions, folds: 5)
        let dataset = fixture.dataset
        let payload: [String: Any] = [
            "csv": text(PredictionsCSV(result: result)),
            "labels": (0..<dataset.rowCount).map { row in (0..<3).map { dataset.isPositive(row: row, concept: $0) ? 1 : 0 } },
        ]
        let script = #"""
        import sys, json, csv, io
        import numpy as np
        from sklearn.metrics import roc_auc_score, average_precision_score
        d = json.load(sys.stdin)
        rows = list(csv.reader(io.StringIO(d["csv"])))
        scores = np.array([[np.float32(cell) for cell in row[2:]] for row in rows[1:]], dtype=np.float32)
        y = np.array(d["labels"])
        print(json.dumps({"auc": [roc_auc_score(y[:, c], scores[:, c]) for c in range(y.shape[1])],
                          "ap": [average_precision_score(y[:, c], scores[:, c]) for c in range(y.shape[1])]}))
        """#
        struct Recomputed: Decodable { let auc: [Double]; let ap: [Double] }
        let output = try await PythonOracle.run(script: script, stdin: try JSONSerialization.data(withJSONObject: payload))
        let recomputed = try JSONDecoder().decode(Recomputed.self, from: output)
        for concept in 0..<3 {
            #expect(abs(result.pooled[concept].rocAUC! - recomputed.auc[concept]) < 1e-9)
            #expect(abs(result.pooled[concept].averagePrecision! - recomputed.ap[concept]) < 1e-9)
        }
    }
}
