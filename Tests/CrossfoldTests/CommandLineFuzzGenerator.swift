import TestSupport

/// One random command line and how to run it.
struct FuzzCommandLine: Sendable, CustomStringConvertible {
    var arguments: [String]
    /// A coordinator or worker, which may rightly keep running: it gets SIGTERM after a grace
    /// period and must then exit 0.
    var daemon = false

    /// The arguments as a shell would need them, to paste and replay.
    var description: String {
        arguments.map { argument in
            argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=*@".contains($0) } && !argument.isEmpty
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// Random command lines for every subcommand: real options with values of every shape, paths of
/// every shape, and junk. Every case runs in a workspace of its own holding the files named in
/// `CommandLineFuzzTests.workspaceFiles`.
///
/// It never starts long work: datasets are tiny, repeats and workers few, and every wait
/// (`--reply-timeout`, `--worker-wait`) short. As the suite runs as root it never names a path
/// outside the workspace but under /proc (which refuses every write): no `/`, `..` or /dev.
struct CommandLineGenerator: Sendable {
    /// A loopback endpoint that refuses connections.
    let refusing: String
    /// A running coordinator's client endpoint (no worker) and a job queued on it.
    let live: String
    let liveJob: String

    /// Paths a command can write, and shapes it must refuse (or, for some, may accept).
    static let writable = ["x", "p", "-", "r.json", "docs/out.json", "name with spaces.json", "ünï ☃.json", "-x", "a//b", "~", "*"]
    static let refused = [
        "", ".", "./", "a/", "docs", "docs/", "missing/x.json", "file.txt/x.json", "/proc/x.json", "/proc",
        String(repeating: "n", count: 300), "--", "x\ny", "\t",
    ]
    static let datasets = ["tiny.csv", "tiny.csv", "iris.jsonl", "multi.csv"]
    static let badDatasets = ["bad.csv", "missing.csv", "x.npy", "file.txt", "docs", "", "-", "x.csv", "out.cfds"]
    static let counts = ["0", "1", "2", "3", "-1", "-3", "x", "", "1.5", "1e3", "99999999999999999999"]
    static let levels = ["trace", "info", "warning", "critical", "loud", ""]

    /// A good value four times in five, else a bad one.
    static func value(_ good: [String], _ bad: [String], _ random: inout FuzzRandom) -> String {
        random.chance(1, in: 5) || good.isEmpty ? random.pick(bad) : random.pick(good)
    }

    /// A path: often a fresh short name (1 to 3 characters), else a known shape.
    static func path(_ random: inout FuzzRandom, good: [String] = writable) -> String {
        if random.chance(1, in: 3) {
            let letters = Array("abcxyz-._01ü ")
            return String((0...random.below(3)).map { _ in random.pick(letters) })
        }
        return value(good, refused, &random)
    }

    static func dataset(_ random: inout FuzzRandom) -> String { value(datasets, badDatasets, &random) }

    func make(_ random: inout FuzzRandom) -> FuzzCommandLine {
        let commands: [(inout FuzzRandom) -> FuzzCommandLine] = [
            evaluate, evaluate, evaluate, dataset, dataset, submit, jobCommand, jobCommand, coordinator, worker,
            health, keys, clarifai, models, root,
        ]
        var line = random.pick(commands)(&random)
        if random.chance(1, in: 12) {
            line.arguments.append(random.pick(["--bogus", "extra", "-", "--", "-v", "--json", "--folds", "="]))
        }
        return line
    }

    // MARK: Commands

    private func evaluate(_ random: inout FuzzRandom) -> FuzzCommandLine {
        var arguments = ["evaluate"]
        if random.chance(7, in: 8) { arguments.append(Self.dataset(&random)) }
        arguments += evaluationOptions(&random)
        arguments += outputs(&random)
        if random.chance(1, in: 3) {
            arguments += option("--coordinator", coordinator(&random), &random)
            arguments += ["--reply-timeout", Self.value(["1"], ["0", "x"], &random)]
            arguments += ["--worker-wait", Self.value(["0", "1", "1"], ["-1", "x"], &random)]
        } else if random.chance(1, in: 2) {
            arguments += option("--local-workers", Self.value(["1", "2"], ["0", "-1", "x"], &random), &random)
        }
        if random.chance(1, in: 10) { arguments += [random.pick(["--remote", "--fallback"]), random.pick(["clarifai", "x", ""])] }
        arguments += common(&random)
        return FuzzCommandLine(arguments: arguments)
    }

    private func dataset(_ random: inout FuzzRandom) -> FuzzCommandLine {
        switch random.below(4) {
        case 0:
            var arguments = ["dataset", "inspect", Self.value(Self.datasets, Self.badDatasets + Self.refused, &random)]
            if random.chance(1, in: 4) { arguments += option("--labels", Self.path(&random), &random) }
            return FuzzCommandLine(arguments: arguments)
        case 1:
            return FuzzCommandLine(arguments: ["dataset", "import", Self.dataset(&random)]
                + option(random.pick(["-o", "--output"]), Self.path(&random, good: ["t.cfds", "docs/t.cfds", "x.cfds"]), &random))
        case 2:
            // Always --rows and --features: the defaults (200,000 x 128) are a benchmark's, seconds of work.
            var arguments = ["dataset", "synth"]
            arguments += option("--rows", Self.value(["20", "100"], ["5", "-1", "x"], &random), &random)
            arguments += option("--features", Self.value(["1", "4"], ["0", "-1", "x"], &random), &random)
            for (flag, values) in [("--concepts", ["2", "3", "1", "10", "x"]), ("--spread", ["1", "0", "-1", "nan", "x"]),
                                   ("--seed", ["0", "7", "-1", "x"])] where random.chance(1, in: 2) {
                arguments += option(flag, random.pick(values), &random)
            }
            if random.chance(7, in: 8) {
                arguments += option("-o", Self.path(&random, good: ["s.cfds", "docs/s.cfds", "x.cfds"]), &random)
            }
            return FuzzCommandLine(arguments: arguments)
        default:
            return FuzzCommandLine(arguments: ["dataset", random.pick(["", "export", "--help", "inspect"])])
        }
    }

    private func submit(_ random: inout FuzzRandom) -> FuzzCommandLine {
        var arguments = ["submit"]
        if random.chance(7, in: 8) { arguments.append(Self.dataset(&random)) }
        arguments += evaluationOptions(&random)
        if random.chance(7, in: 8) { arguments += option("--coordinator", coordinator(&random), &random) }
        arguments += ["--reply-timeout", "1"]
        if random.chance(1, in: 2) {
            arguments += ["--wait", "--worker-wait", Self.value(["0", "1", "1"], ["-1", "x"], &random)]
            arguments += outputs(&random)
        } else if random.chance(1, in: 6) {
            arguments += outputs(&random)
        }
        arguments += common(&random)
        return FuzzCommandLine(arguments: arguments)
    }

    private func jobCommand(_ random: inout FuzzRandom) -> FuzzCommandLine {
        let command = random.pick(["jobs", "status", "watch", "cancel", "results"])
        var arguments = [command]
        if command != "jobs", random.chance(7, in: 8) {
            arguments.append(random.pick([liveJob, liveJob, "0123456789abcdef", "", "-", String(repeating: "f", count: 500), "../x"]))
        }
        if random.chance(7, in: 8) { arguments += option("--coordinator", coordinator(&random), &random) }
        arguments += ["--reply-timeout", Self.value(["1"], ["0", "x"], &random)]
        if command == "watch" { arguments += ["--worker-wait", Self.value(["0", "1", "1"], ["-1", "x"], &random)] }
        if command == "watch" || command == "results" { arguments += outputs(&random) }
        arguments += common(&random)
        return FuzzCommandLine(arguments: arguments)
    }

    private func coordinator(_ random: inout FuzzRandom) -> FuzzCommandLine {
        // Every bind is given: a default one would take 5555-5557, which other tests rely on being free.
        let port = refusing.split(separator: ":").last.map(String.init) ?? "1"
        let binds = ["tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "ipc://c.sock", "inproc://x", "127.0.0.1:1", "tcp://127.0.0.1:0",
                     "tcp://10.255.255.254:*", "", "x", "tcp://127.0.0.1:\(port)"]
        var arguments = ["coordinator"]
        for flag in ["--client-bind", "--worker-bind", "--data-bind"] { arguments += option(flag, random.pick(binds), &random) }
        if random.chance(1, in: 2) { arguments += option("--state-dir", Self.path(&random, good: ["state", "docs", "."]), &random) }
        if random.chance(1, in: 6) { arguments += option("--keys", Self.path(&random), &random) }
        arguments += common(&random)
        return FuzzCommandLine(arguments: arguments, daemon: true)
    }

    private func worker(_ random: inout FuzzRandom) -> FuzzCommandLine {
        var arguments = ["worker"]
        if random.chance(7, in: 8) {
            let connects = [refusing, refusing, "http://x", "tcp://", "tcp://:1", "tcp://127.0.0.1:70000", "x:1", "", "tcp://[::1"]
            arguments += option("--connect", random.pick(connects), &random)
        }
        for (flag, values) in [("--slots", ["1", "2", "0", "-1", "5000", "x"]), ("--threads", ["1", "0", "x"]),
                               ("--cache-max-bytes", ["0", "1", "-1", "x"]), ("--name", ["w", "", "ü w"])]
            where random.chance(1, in: 3) {
            arguments += option(flag, random.pick(values), &random)
        }
        // Always a cache dir of the workspace's: the default is the home directory.
        arguments += option("--cache-dir", Self.path(&random, good: ["cache", "docs", "."]), &random)
        if random.chance(1, in: 3) { arguments += option("--health-file", Self.path(&random, good: ["health.json", "docs/h.json", "x"]), &random) }
        if random.chance(1, in: 6) { arguments += option("--keys", Self.path(&random), &random) }
        arguments += common(&random)
        return FuzzCommandLine(arguments: arguments, daemon: true)
    }

    private func health(_ random: inout FuzzRandom) -> FuzzCommandLine {
        var arguments = ["health"]
        if random.chance(2, in: 3) { arguments += option("--coordinator", coordinator(&random), &random) }
        if random.chance(1, in: 2) { arguments += option("--worker-file", Self.path(&random, good: ["health.json", "docs/h.json", "x"]), &random) }
        if random.chance(1, in: 3) { arguments += option("--max-age", random.pick(["1", "0", "-1", "x", "nan"]), &random) }
        if random.chance(1, in: 6) { arguments += option("--keys", Self.path(&random), &random) }
        return FuzzCommandLine(arguments: arguments)
    }

    private func keys(_ random: inout FuzzRandom) -> FuzzCommandLine {
        var arguments = ["keys", random.pick(["generate", "generate", "generate", "list", ""])]
        if random.chance(7, in: 8) {
            arguments.append(random.pick(["k", ".", "docs", "missing/k", "file.txt", "/proc/k", "", "-", "k k", "ü"]))
        }
        for flag in ["--workers", "--clients"] where random.chance(1, in: 3) {
            arguments += option(flag, random.pick(["1", "2", "0", "1001", "x", "-1"]), &random)
        }
        if random.chance(1, in: 3) { arguments.append("--force") }
        return FuzzCommandLine(arguments: arguments)
    }

    private func clarifai(_ random: inout FuzzRandom) -> FuzzCommandLine {
        // No ids and no API base: a complete configuration would reach for the network.
        var arguments = ["clarifai", random.pick(["list", "get", "", "delete"])]
        if arguments[1] == "get", random.chance(7, in: 8) { arguments.append(random.pick(["e", "", "-"])) }
        if random.chance(1, in: 2) { arguments += outputs(&random).prefix(2) }
        if random.chance(1, in: 3) {
            arguments += option(random.pick(["--pat-file", "--clarifai-config"]), Self.path(&random), &random)
        }
        if random.chance(1, in: 3) {
            arguments += option(random.pick(["--page", "--per-page", "--threshold"]), random.pick(Self.counts), &random)
        }
        return FuzzCommandLine(arguments: arguments)
    }

    private func models(_ random: inout FuzzRandom) -> FuzzCommandLine {
        FuzzCommandLine(arguments: ["models"] + (random.chance(1, in: 2) ? [random.pick(["--help", "x", "--all", "-"])] : []))
    }

    private func root(_ random: inout FuzzRandom) -> FuzzCommandLine {
        FuzzCommandLine(arguments: random.pick([
            [], ["--help"], ["-h"], ["--version"], ["help"], ["help", "evaluate"], ["help", "nothing"], [""], ["-"], ["--"],
            ["evaluat"], ["EVALUATE"], ["evaluate", "--help"], ["dataset", "synth", "--help"], ["--version", "evaluate"],
        ]))
    }

    // MARK: Option groups

    private func evaluationOptions(_ random: inout FuzzRandom) -> [String] {
        var arguments: [String] = []
        let choices: [(String, good: [String], bad: [String])] = [
            ("--folds", ["2", "3", "5"], ["1", "0", "-3", "x", "1000", "99999999999999999999"]),
            ("--repeats", ["1", "2"], ["0", "-1", "x"]),
            ("--split", ["stratified", "random", "group", "multilabel"], ["kmeans", ""]),
            ("--model", ["logistic", "softmax", "knn", "centroid", "naive-bayes"], ["forest", "", "LOGISTIC"]),
            ("--param", ["C=1", "k=3", "temperature=0.02", "max_iter=5", "weights=distance"], ["C=-1", "k=0", "x", "=1", "C=", "depth=3"]),
            ("--seed", ["0", "42", "18446744073709551615"], ["-1", "x", "18446744073709551616"]),
            ("--threshold", ["0", "0.5", "1"], ["1.5", "-0.5", "nan", "x"]),
            ("--holdout", Self.datasets, Self.badDatasets),
        ]
        for (flag, good, bad) in choices where random.chance(1, in: 4) {
            arguments += option(flag, Self.value(good, bad, &random), &random)
        }
        if random.chance(1, in: 12) { arguments += option(random.pick(["--labels", "--holdout-labels"]), Self.path(&random), &random) }
        return arguments
    }

    private func outputs(_ random: inout FuzzRandom) -> [String] {
        var arguments: [String] = []
        for flag in ["--json", "--predictions"] where random.chance(1, in: 3) {
            arguments += option(flag, Self.path(&random), &random)
        }
        return arguments
    }

    private func common(_ random: inout FuzzRandom) -> [String] {
        var arguments: [String] = []
        if random.chance(1, in: 6) { arguments += option("--log-level", random.pick(Self.levels), &random) }
        if random.chance(1, in: 6) { arguments += option("--log-format", random.pick(["text", "json", "xml", ""]), &random) }
        if random.chance(1, in: 10) { arguments += option("--keys", Self.path(&random), &random) }
        return arguments
    }

    private func coordinator(_ random: inout FuzzRandom) -> String {
        Self.value([refusing, live, live, live], ["tcp://127.0.0.1", "http://x", "", "tcp://:5555", "ipc://", "tcp://127.0.0.1:99999", "x"],
                   &random)
    }

    /// `--flag value`, or `--flag=value` (the only way to give a value starting with `-`) now and then.
    private func option(_ flag: String, _ value: String, _ random: inout FuzzRandom) -> [String] {
        random.chance(1, in: 4) && flag.hasPrefix("--") ? ["\(flag)=\(value)"] : [flag, value]
    }
}
