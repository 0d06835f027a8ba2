/// The bytes of a dataset a client is uploading, received in order.
struct UploadBuffer: Sendable {
    let hash: String
    let size: Int
    var bytes: [UInt8]

    init(hash: String, size: Int) {
        self.hash = hash
        self.size = size
        bytes = []
        bytes.reserveCapacity(size)
    }

    var received: Int { bytes.count }
    var isComplete: Bool { bytes.count == size }
}
