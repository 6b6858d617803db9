import GitHistory

// The scan's own parser of raw commit objects: any bytes, no crash, and what
// it accepts keeps its invariants.
let id = ObjectID(hex: String(repeating: "ab", count: 20))!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let raw = Array(bytes)
    if let commit = Commit.parsing(rawObject: raw, id: id) {
        precondition(commit.id == id)
        precondition(commit.message.unicodeScalars.count <= size, "at most one scalar a byte (invalid bytes become U+FFFD)")
        precondition(!commit.message.utf8.contains(0), "the message ends at the first NUL, as libgit2's does")
    }
    return 0
}
