/// The bytes of a dataset a client is uploading, received in order.
struct UploadBuffer: Sendable {
    let hash: String
    let size: Int
    var bytes: [UInt8]
    /// When a chunk last arrived (core time), so the upload idle longest makes room first.
    var lastActivity: Duration

    init(hash: String, size: Int, started: Duration) {
        self.hash = hash
        self.size = size
        lastActivity = started
        bytes = []
        // The size is the client's claim: reserving all of it at once would let one UPLOAD header
        // ask for up to `maxUploadBytes` of memory before a single byte arrived.
        bytes.reserveCapacity(min(size, 64 << 20))
    }

    var received: Int { bytes.count }
    var isComplete: Bool { bytes.count == size }
}
