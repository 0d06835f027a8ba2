extension Dataset {
    /// The dataset of `rows` only, in that order (features, labels, ids and groups copied): a
    /// nested sweep's outer training set, evaluated as a dataset of its own.
    public func selecting(rows: [Int]) -> Dataset {
        var features: [Float] = []
        features.reserveCapacity(rows.count * featureCount)
        var labels: [UInt8] = []
        labels.reserveCapacity(rows.count * conceptCount)
        self.features.withUnsafeBufferPointer { all in
            for row in rows {
                features.append(contentsOf: all[(row * featureCount)..<((row + 1) * featureCount)])
                labels.append(contentsOf: self.labels[(row * conceptCount)..<((row + 1) * conceptCount)])
            }
        }
        return Dataset(
            featureCount: featureCount, features: features, concepts: concepts, labels: labels, ids: rows.map { ids[$0] },
            groups: groups.map { groups in rows.map { groups[$0] } }, isMultiLabel: isMultiLabel)
    }
}
