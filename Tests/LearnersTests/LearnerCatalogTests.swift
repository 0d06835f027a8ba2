import Learners
import Testing

@Suite struct LearnerCatalogTests {
    @Test(arguments: LearnerCatalog.learners.map(\.name))
    func makesEveryCataloguedLearnerWithDefaults(name: String) throws {
        _ = try LearnerCatalog.make(LearnerSpec(model: name))
    }

    @Test func softmaxIsTheDefaultForExclusiveConceptsAndLogisticForMultiLabelData() {
        #expect(LearnerCatalog.defaultModel(for: SyntheticData.clusters(classes: 3, perClass: 10, features: 3)) == "softmax")
        #expect(LearnerCatalog.defaultModel(for: SyntheticData.multiLabel(rows: 40, concepts: 3, features: 3)) == "logistic")
        #expect(LearnerCatalog.documentation.contains("softmax (default for exclusive concepts)"))
        #expect(LearnerCatalog.documentation.contains("logistic (default for multi-label data)"))
        #expect(LearnerCatalog.learners.map(\.name) == ["logistic", "softmax", "knn", "centroid", "naive-bayes"])
    }

    @Test func onlySoftmaxNeedsOneConceptPerRowAndSaysSoUpFront() throws {
        let tags = SyntheticData.multiLabel(rows: 40, concepts: 3, features: 3)
        let row = try #require((0..<tags.rowCount).first { row in
            (0..<tags.conceptCount).filter { tags.isPositive(row: row, concept: $0) }.count != 1
        })
        let error = #expect(throws: LearnerError.self) {
            try LearnerCatalog.check(LearnerSpec(model: "softmax"), canLearn: tags, source: "tags.csv")
        }
        #expect(error?.kind == .unsuitedDataset)
        #expect(error?.message.hasPrefix("--model softmax needs exactly one concept per row, but row \(row) (id \"\(tags.ids[row])\") "
            + "of tags.csv has ") == true, "\(error?.message ?? "")")
        for model in LearnerCatalog.learners.map(\.name) where model != "softmax" {
            try LearnerCatalog.check(LearnerSpec(model: model), canLearn: tags, source: "tags.csv")
        }
        try LearnerCatalog.check(LearnerSpec(model: "softmax"), canLearn: SyntheticData.clusters(classes: 3, perClass: 10, features: 3),
                                 source: "clusters.csv")
    }

    @Test func unknownModelListsTheValidNames() {
        let error = #expect(throws: LearnerError.self) { try LearnerCatalog.make(LearnerSpec(model: "forest")) }
        #expect(error?.kind == .unknownModel)
        #expect(error?.message == "unknown model 'forest'; valid models: logistic, softmax, knn, centroid, naive-bayes, command")
    }

    @Test func unknownParameterListsEveryValidKeyWithRangeAndDefault() {
        let error = #expect(throws: LearnerError.self) {
            try LearnerCatalog.make(LearnerSpec(model: "logistic", params: ["alpha": "1"]))
        }
        #expect(error?.kind == .badParameter)
        #expect(
            error?.message
                == "unknown parameter 'alpha' for model 'logistic'; valid keys for 'logistic': "
                + "C (a number > 0, default 1.0); max_iter (an integer in 1...1000000, default 200); "
                + "tol (a number > 0, default 0.0001); standardize (true or false, default true); "
                + "fit_intercept (true or false, default true); pilot (true or false, default true)"
        )
    }

    @Test(arguments: [
        ("logistic", "C", "0", "a number > 0"),
        ("logistic", "C", "-1", "a number > 0"),
        ("logistic", "C", "abc", "a number > 0"),
        ("logistic", "C", "inf", "a number > 0"),
        ("softmax", "max_iter", "0", "an integer in 1...1000000"),
        ("softmax", "max_iter", "2.5", "an integer in 1...1000000"),
        ("logistic", "tol", "0", "a number > 0"),
        ("logistic", "standardize", "maybe", "true or false"),
        ("knn", "k", "0", "an integer in 1...100000"),
        ("knn", "weights", "cosine", "one of uniform, distance"),
        ("centroid", "temperature", "0", "a number > 0"),
        ("naive-bayes", "var_smoothing", "-1e-9", "a number >= 0"),
    ])
    func badValueNamesTheKeyAndWhatIsAccepted(model: String, key: String, value: String, accepted: String) {
        let error = #expect(throws: LearnerError.self) {
            try LearnerCatalog.make(LearnerSpec(model: model, params: [key: value]))
        }
        #expect(error?.kind == .badParameter)
        let message = error?.message ?? ""
        #expect(message.hasPrefix("parameter \(key)=\(value) for model '\(model)' is not valid: expected \(accepted); "))
        // It also lists every key the model takes, with ranges and defaults.
        let description = LearnerCatalog.learners.first { $0.name == model }
        for parameter in description?.parameters ?? [] { #expect(message.contains(parameter.summary)) }
    }

    @Test func acceptsValidValuesOfEveryKind() throws {
        _ = try LearnerCatalog.make(LearnerSpec(model: "logistic", params: [
            "C": "0.5", "max_iter": "50", "tol": "1e-6", "standardize": "false", "fit_intercept": "no",
        ]))
        _ = try LearnerCatalog.make(LearnerSpec(model: "knn", params: ["k": "3", "weights": "distance"]))
        _ = try LearnerCatalog.make(LearnerSpec(model: "centroid", params: ["temperature": " 0.05 "]))
        _ = try LearnerCatalog.make(LearnerSpec(model: "naive-bayes", params: ["var_smoothing": "0"]))
    }

    @Test func documentationNamesEveryLearnerParameterAndDefault() {
        let text = LearnerCatalog.documentation
        #expect(text.hasPrefix("logistic (default for multi-label data)\n"))
        for learner in LearnerCatalog.learners {
            #expect(text.contains(learner.name))
            #expect(text.contains(learner.summary))
            for parameter in learner.parameters {
                #expect(text.contains("--param \(parameter.key)=VALUE  \(parameter.accepted); default \(parameter.defaultValue)"))
                #expect(text.contains(parameter.meaning))
            }
        }
    }
}
