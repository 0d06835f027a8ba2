import Foundation
import Testing
import Wire

/// A sweep's job spec (Sources/Wire/ModelConfiguration.swift) next to the specs stored before sweeps.
@Suite struct JobSpecSweepTests {
    static let sweep = JobSpec(
        dataset: String(repeating: "a", count: 64), datasetName: "digits.csv", split: "stratified", folds: 5, repeats: 2,
        seed: 7, model: JobSpec.sweepModel, params: [:], threshold: 0.5, configurations: [
            ModelConfiguration(model: "logistic", params: ["C": "0.1", "max_iter": "300"]),
            ModelConfiguration(model: "knn", params: ["k": "15"]),
        ])

    @Test func aSpecStoredBeforeSweepsReadsAsAJobOfOneModel() throws {
        // A SUBMIT header and a stored job.json of an earlier version: no `configurations` key.
        let old = #"{"dataset":"aa","dataset_name":"digits.csv","split":"stratified","folds":5,"repeats":1,"seed":42,"model":"knn","params":{"k":"5"},"threshold":0.5}"#
        let spec = try WireJSON.decode(JobSpec.self, from: Data(old.utf8), command: "SUBMIT")
        #expect(spec.configurations == nil && !spec.isSweep)
        #expect(spec.configurationList == [ModelConfiguration(model: "knn", params: ["k": "5"])])
        #expect(spec.singleRun(0) == spec)
        // And it is written back without the key, as before.
        #expect(!String(decoding: WireJSON.encode(spec), as: UTF8.self).contains("configurations"))
    }

    @Test func aSweepTravelsWithItsConfigurationsAndParameterNamesIntact() throws {
        let decoded = try WireJSON.decode(JobSpec.self, from: WireJSON.encode(Self.sweep), command: "SUBMIT")
        #expect(decoded == Self.sweep)
        #expect(decoded.configurations?[0].params["C"] == "0.1", "keys are not snake_cased")
        let request = ClientRequest.submit(request: "r", spec: Self.sweep)
        #expect(try ClientRequest.decode(request.envelope.frames) == request)
    }

    @Test func eachConfigurationsSingleRunIsThePlainSpecOfIt() {
        let single = Self.sweep.singleRun(1)
        #expect(single.model == "knn" && single.params == ["k": "15"] && single.configurations == nil)
        #expect(single.folds == 5 && single.repeats == 2 && single.seed == 7 && single.dataset == Self.sweep.dataset)
        #expect(Self.sweep.configurationList.map(\.label) == ["logistic C=0.1 max_iter=300", "knn k=15"])
    }
}
