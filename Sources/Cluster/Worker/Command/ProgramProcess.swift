import Learners

#if canImport(Glibc)
import Glibc
#endif

/// A user's program started with `posix_spawnp` (no shell) as the leader of a new process group,
/// standard input from /dev/null and its output into files. The one place crossfold starts a
/// child process on a worker; waiting happens on the calling (compute) thread.
struct ProgramProcess: ~Copyable {
    /// How a run ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at the deadline: its group was killed.
        case timedOut
        /// The fold was cancelled: its group was killed.
        case cancelled
    }

    let pid: pid_t

    /// Starts `program` with `arguments` and `environment` (`KEY=VALUE`), writing its standard
    /// output and error to the files at `stdout` and `stderr`.
    /// - Throws: the `errno` of a failed spawn (ENOENT: no such program; EACCES: not executable).
    init(program: String, arguments: [String], environment: [String], stdout: String, stderr: String) throws(SpawnError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The worker's own descriptors (libzmq's sockets, dataset files) are opened close-on-exec,
        // so the program gets only these three.

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Group id 0: the child leads a new group, so killing the group reaches whatever it starts.
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let code = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnError(code: code) }
        self.pid = pid
    }

    /// Waits until the program exits, `deadline` passes or `cancellation` is set, polling every few
    /// milliseconds. Whatever else is still in its process group (children it left behind, or all
    /// of it on a time-out or cancel) is killed before the leader is reaped, so nothing outlives
    /// the fold and the group's id cannot have been reused.
    consuming func wait(until deadline: ContinuousClock.Instant, cancellation: FoldCancellation) -> Ending {
        let clock = ContinuousClock()
        var pause: UInt32 = 1_000
        var ending: Ending?
        while true {
            var info = siginfo_t()
            // WNOWAIT: learn that the leader exited without reaping it, so its group id stays ours.
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info.si_signo == SIGCHLD { break }
            if cancellation.isCancelled {
                ending = .cancelled
                break
            }
            if clock.now >= deadline {
                ending = .timedOut
                break
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if let ending { return ending }
        // The wait status's layout (<bits/waitstatus.h>): low 7 bits the signal, else the exit code above.
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// A spawn that failed, with its `errno`.
    struct SpawnError: Error {
        let code: Int32
    }
}
