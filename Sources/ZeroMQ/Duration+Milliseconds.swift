extension Duration {
    /// Whole milliseconds, a partial millisecond counting as one so a short non-zero wait never
    /// becomes 0 (which libzmq reads as "don't wait" or "disabled"); clamped to Int64.
    var millisecondsRoundingUp: Int64 {
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let milliseconds = whole + attoseconds / perMillisecond
        return attoseconds % perMillisecond > 0 ? milliseconds + 1 : milliseconds
    }

    /// Whole seconds, a partial second counting as one.
    var secondsRoundingUp: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }
}
