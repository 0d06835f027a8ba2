/// The bytes of a dataset a client is uploading, received in order.
struct UploadBuffer: Sendable {
    let hash: String
    let size: Int
    var bytes: [UInt8]

    init(hash: String, size: Int) {
        self.hash = hash
        self.size = size
        bytes = []
        // The size is the client's claim: reserving all of it at once would let one UPLOAD header
        // ask for up to `maxUploadBytes` of memory before a single byte arrived.
        bytes.reserveCapacity(min(size, 64 << 20))
    }

    var received: Int { bytes.count }
    var isComplete: Bool { bytes.count == size }
}
