import Learners
import Testing

/// `--model MODEL:KEY=V1,V2[:KEY=...]` grids (Sources/Learners/ModelGrid.swift).
@Suite struct ModelGridTests {
    @Test func aPlainModelIsNotASweep() {
        #expect(!ModelGrid.isSweep([]))
        #expect(!ModelGrid.isSweep(["knn"]))
        #expect(ModelGrid.isSweep(["knn:k=5"]))
        #expect(ModelGrid.isSweep(["knn", "logistic"]))
    }

    @Test func eachModelsGridIsTheCartesianProductOfItsListsLastKeyFastest() throws {
        let specs = try ModelGrid.configurations(
            models: ["knn:k=5,15:weights=uniform,distance", "logistic:C=0.1,1", "centroid"], params: [:], seed: 3)
        #expect(specs.map(ModelGrid.label) == [
            "knn k=5 weights=uniform", "knn k=5 weights=distance", "knn k=15 weights=uniform", "knn k=15 weights=distance",
            "logistic C=0.1", "logistic C=1", "centroid",
        ])
        #expect(specs.allSatisfy { $0.seed == 3 })
    }

    @Test func paramJoinsTheGridOfASingleModel() throws {
        let specs = try ModelGrid.configurations(models: ["logistic:C=1,10"], params: ["max_iter": "500"], seed: 42)
        #expect(specs.map(\.params) == [["C": "1", "max_iter": "500"], ["C": "10", "max_iter": "500"]])
    }

    @Test(arguments: [
        (["logistic:C="], [String: String](), "--model logistic:C= gives C an empty value"),
        (["logistic:C=1,,2"], [:], "gives C an empty value"),
        ([":C=1"], [:], "names no model"),
        (["logistic:C"], [:], "'C' is not KEY=V1,V2,..."),
        (["logistic:C=1:C=2"], [:], "lists C twice; put all its values in one list"),
        (["logistic:gamma=1"], [:], "--model logistic:gamma=1: "),
        (["logistic:C=-1"], [:], "--model logistic:C=-1: "),
        (["forest"], [:], "--model forest: "),
        (["knn:k=5", "knn:k=5"], [:], "configuration 'knn k=5' appears twice"),
        (["knn", "logistic"], ["C": "1"], "--param applies to a single --model"),
        (["logistic:C=1,2"], ["C": "3"], "both set C"),
    ])
    func malformedGridsSayWhatToWrite(models: [String], params: [String: String], message: String) {
        #expect {
            try ModelGrid.configurations(models: models, params: params, seed: 1)
        } throws: { error in
            (error as? ModelGridError)?.description.contains(message) == true
        }
    }

    @Test func aGridOverTheCapIsRefusedBeforeItIsExpanded() {
        // 10^9 configurations: counted, never built.
        let values = (1...1000).map(String.init).joined(separator: ",")
        #expect {
            try ModelGrid.configurations(models: ["logistic:C=\(values):max_iter=\(values):tol=\(values)"], params: [:], seed: 1)
        } throws: { error in
            (error as? ModelGridError)?.description.contains("the grid has 1000000000 configurations; a sweep may have at most 1000") == true
        }
    }
}
