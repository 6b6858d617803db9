import GitHistory

// A repository's .mailmap is repository text: parsed by libgit2 through
// GitHistory, then used to resolve identities.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let text = String(decoding: bytes, as: UTF8.self)
    let mailmap = Mailmap(text: text)
    for (name, email) in [("A", "a@example.com"), ("", ""), (text, text)] {
        _ = mailmap.resolve(name: name, email: email)
    }
    return 0
}
