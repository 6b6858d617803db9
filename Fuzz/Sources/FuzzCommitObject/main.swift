import GitHistory

// The scan's own parser of raw commit objects: any bytes, no crash, and what
// it accepts keeps its invariants.
let id = ObjectID(hex: String(repeating: "ab", count: 20))!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let commit = Commit.parsing(rawObject: bytes, id: id) {
        precondition(commit.id == id)
        precondition(commit.message.utf8.count <= size)
        precondition(!commit.message.utf8.contains(0), "the message ends at the first NUL, as libgit2's does")
    }
    return 0
}
