/// Limited-memory BFGS as a state machine: it names the point it wants evaluated next (`trial`),
/// takes the objective's value and gradient there (`receive`), and decides.
///
/// Driving it from outside lets one pass over the data evaluate many independent problems at once
/// (one-vs-rest logistic regression: one minimizer per concept, all their gradients from the same two
/// matrix products). The line search backtracks from the unit step (quadratic interpolation, Armijo
/// condition); the stopping rules are scipy's L-BFGS-B as scikit-learn configures it: the largest
/// gradient component at most `gradientTolerance`, a relative decrease of the objective at most
/// `valueTolerance`, or `maxIterations` accepted steps.
struct LBFGS: Sendable {
    enum Status: Sendable, Equatable {
        /// `trial` is waiting for its value and gradient.
        case running
        /// The gradient or the decrease fell below its tolerance.
        case converged
        /// `maxIterations` steps were taken.
        case iterationLimit
        /// No step along the search direction decreased the objective (it is flat to rounding).
        case lineSearchFailed
    }

    let dimension: Int
    let gradientTolerance: Double
    let valueTolerance: Double
    let maxIterations: Int
    let memory: Int

    /// The last accepted point, its value and gradient.
    private(set) var point: [Double]
    private(set) var value: Double = .infinity
    private(set) var gradient: [Double]
    /// The point to evaluate next while `status == .running`.
    private(set) var trial: [Double]
    private(set) var status: Status = .running
    /// Accepted steps so far.
    private(set) var iterations = 0

    private var started = false
    private var direction: [Double]
    private var step: Double = 1
    private var slope: Double = 0
    private var backtracks = 0
    // Ring buffer of the last `memory` (s, y, 1 / y·s) pairs.
    private var steps: [[Double]] = []
    private var changes: [[Double]] = []
    private var inverseCurvatures: [Double] = []
    private var newest = -1

    private static let armijo = 1e-4
    private static let maxBacktracks = 50

    init(
        start: [Double], gradientTolerance: Double, valueTolerance: Double = 1e-12,
        maxIterations: Int, memory: Int = 10
    ) {
        dimension = start.count
        self.gradientTolerance = gradientTolerance
        self.valueTolerance = valueTolerance
        self.maxIterations = maxIterations
        self.memory = memory
        point = start
        trial = start
        gradient = [Double](repeating: 0, count: start.count)
        direction = gradient
    }

    /// A minimizer that starts at `earlier`'s point with `earlier`'s curvature pairs, for a problem
    /// close to the one `earlier` worked on (`PilotFit`): its first step is then a quasi-Newton one
    /// rather than steepest descent. It counts its own iterations.
    init(continuing earlier: LBFGS) {
        self.init(
            start: earlier.point, gradientTolerance: earlier.gradientTolerance,
            valueTolerance: earlier.valueTolerance, maxIterations: earlier.maxIterations, memory: earlier.memory)
        steps = earlier.steps
        changes = earlier.changes
        inverseCurvatures = earlier.inverseCurvatures
        newest = earlier.newest
    }

    /// Hands over the objective's value and gradient at `trial`.
    mutating func receive(value newValue: Double, gradient newGradient: [Double]) {
        precondition(status == .running, "receive after the minimizer stopped")
        precondition(newGradient.count == dimension, "gradient has the problem's dimension")
        guard started else {
            started = true
            accept(newValue, newGradient, previousValue: nil)
            return
        }
        if newValue.isFinite, newValue <= value + Self.armijo * step * slope {
            accept(newValue, newGradient, previousValue: value)
            return
        }
        backtracks += 1
        guard backtracks <= Self.maxBacktracks else {
            status = .lineSearchFailed
            return
        }
        // Minimiser of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5] · step.
        var next = 0.5 * step
        if newValue.isFinite {
            let curvature = newValue - value - slope * step
            if curvature > 0 { next = -slope * step * step / (2 * curvature) }
        }
        step = min(0.5 * step, max(0.1 * step, next))
        setTrial()
    }

    private mutating func accept(_ newValue: Double, _ newGradient: [Double], previousValue: Double?) {
        if previousValue != nil {
            remember(step: zip(trial, point).map { $0 - $1 }, change: zip(newGradient, gradient).map { $0 - $1 })
            iterations += 1
        }
        point = trial
        value = newValue
        gradient = newGradient
        backtracks = 0

        if gradient.reduce(0, { max($0, abs($1)) }) <= gradientTolerance {
            status = .converged
            return
        }
        if let previous = previousValue,
           (previous - newValue) <= valueTolerance * max(abs(previous), abs(newValue), 1) {
            status = .converged
            return
        }
        if iterations >= maxIterations {
            status = .iterationLimit
            return
        }
        computeDirection()
        setTrial()
    }

    private mutating func remember(step s: [Double], change y: [Double]) {
        let ys = dot(y, s)
        // Without positive curvature the pair would spoil the inverse-Hessian estimate; skip it.
        guard ys > 1e-10 * dot(y, y), ys > 0 else { return }
        if steps.count < memory {
            steps.append(s)
            changes.append(y)
            inverseCurvatures.append(1 / ys)
            newest = steps.count - 1
        } else {
            newest = (newest + 1) % memory
            steps[newest] = s
            changes[newest] = y
            inverseCurvatures[newest] = 1 / ys
        }
    }

    /// The two-loop recursion: direction = -H·g with H the limited-memory inverse Hessian.
    private mutating func computeDirection() {
        var q = gradient
        let count = steps.count
        var alphas = [Double](repeating: 0, count: count)
        for back in 0..<count {
            let i = (newest - back + count) % count
            let alpha = inverseCurvatures[i] * dot(steps[i], q)
            alphas[i] = alpha
            axpy(-alpha, changes[i], &q)
        }
        if count > 0 {
            let y = changes[newest]
            let gamma = 1 / (inverseCurvatures[newest] * dot(y, y))
            for j in 0..<dimension { q[j] *= gamma }
        }
        for forward in 0..<count {
            let i = (newest - count + 1 + forward + count) % count
            let beta = inverseCurvatures[i] * dot(changes[i], q)
            axpy(alphas[i] - beta, steps[i], &q)
        }
        direction = q.map { -$0 }
        slope = dot(direction, gradient)
        step = 1
        if count == 0 || !(slope < 0) {
            // First step, or a direction that does not descend: restart from steepest descent with a
            // step of unit length, as L-BFGS-B does.
            steps.removeAll()
            changes.removeAll()
            inverseCurvatures.removeAll()
            newest = -1
            direction = gradient.map { -$0 }
            slope = dot(direction, gradient)
            step = min(1, 1 / (-slope).squareRoot())
        }
    }

    private mutating func setTrial() {
        for j in 0..<dimension { trial[j] = point[j] + step * direction[j] }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum: Double = 0
        for j in 0..<a.count { sum += a[j] * b[j] }
        return sum
    }

    private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for j in 0..<y.count { y[j] += alpha * x[j] }
    }
}
