import Attribution

// Built with -parse-as-library: libFuzzer's main calls this for every input.
// A message is the most hostile text a scan reads: trailers, markers, notes.
let classifier = Classifier(catalogue: try! Catalogue.bundled())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let text = String(decoding: bytes, as: UTF8.self)
    let parsed = ParsedMessage(text)
    precondition(parsed.lines.count <= ParsedMessage.maxLines)
    let facts = CommitFacts(authorName: "A", authorEmail: "a@example.com", committerName: "A", committerEmail: "a@example.com",
                            message: text, parentCount: 1, notes: ["refs/notes/ai": text])
    _ = classifier.classify(facts, parsed: parsed)
    _ = classifier.branchEvidence(forMergeSubject: parsed.subject)
    return 0
}
