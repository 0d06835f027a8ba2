/// A warm start for the L-BFGS fits of large training views: the same objective is first minimised
/// over one training row in `stride` (positions 0, 8, 16, … of the view), and the fit over every row
/// starts from the pilot's point with the pilot's curvature pairs (`LBFGS(continuing:)`), so its
/// first step is already a quasi-Newton one.
///
/// A pass over the pilot's rows costs an eighth of a full pass. On 800,000 × 128 rows of 10
/// concepts (`softmax`) a fold took about 20 pilot passes and 5–10 full ones where it took 18 full
/// ones from zero: about 10 full passes' worth instead of 18 (docs/PERFORMANCE.md). The full fit
/// stops by the same rule as without a pilot, so the model is the same to within `tol`.
///
/// The pilot sees only the fold's own training rows, never a held-out one, and its rows are a fixed
/// function of the view: a fold's model does not depend on threads or on which worker fits it.
/// Views below `minimumRows` fit from zero as before: there a pass is cheap anyway.
struct PilotFit {
    static let stride = 8
    static let minimumRows = 65_536

    /// The positions of the training view the pilot trains on.
    let positions: [Int]
    /// The pilot's rows.
    let view: RowView
    /// The pilot's `C` (`inverseRegularization(_:rows:pilotRows:)`).
    let inverseRegularization: Double

    /// The pilot of a fit on `training` with `settings`, or nil when the fit starts from zero
    /// (`pilot=false`, or a view too small to gain from one).
    init?(_ training: RowView, settings: LinearSettings) {
        guard settings.pilot, let positions = Self.positions(count: training.count) else { return nil }
        self.positions = positions
        view = Self.view(training, positions: positions)
        inverseRegularization = Self.inverseRegularization(
            settings.inverseRegularization, rows: training.count, pilotRows: positions.count)
    }

    /// The view positions the pilot trains on, or nil for a view too small to gain from one.
    static func positions(count: Int) -> [Int]? {
        guard count >= minimumRows else { return nil }
        return Array(Swift.stride(from: 0, to: count, by: stride))
    }

    /// The pilot's view: the rows at `positions` of `view`, on the same threads.
    static func view(_ view: RowView, positions: [Int]) -> RowView {
        RowView(
            dataset: view.dataset, rows: positions.map { view.rows[$0] }, threads: view.threads,
            available: view.available)
    }

    /// The pilot's `C`. The objectives are scaled by `1/(C·n)`, a mean loss plus `λ/2·||w||²` with
    /// `λ = 1/(C·n)`; scaling `C` by `n / pilot rows` keeps the full view's `λ`, so the pilot
    /// minimises the same function estimated from fewer rows.
    static func inverseRegularization(_ c: Double, rows: Int, pilotRows: Int) -> Double {
        c * Double(rows) / Double(pilotRows)
    }
}
