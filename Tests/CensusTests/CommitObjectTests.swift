import Foundation
@testable import GitHistory
import Testing

/// The scan parses raw commit objects itself; libgit2's parser is the
/// reference. Each case is a real object in a real repository, written with
/// `git hash-object --literally` so that malformed headers can be stored too.
@Suite("GitHistory: raw commit objects parse as libgit2 parses them")
struct CommitObjectTests {
    static let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  // the empty tree

    static let cases: [(label: String, object: [UInt8])] = {
        func object(_ text: String, extra: [UInt8] = []) -> [UInt8] { Array(text.utf8) + extra }
        let parent = "1111111111111111111111111111111111111111"
        return [
            ("plain", object("tree \(tree)\nauthor Ann Lee <ann@example.com> 1700000000 +0200\ncommitter Bo <bo@example.com> 1700000100 -0530\n\nSubject\n\nBody\n")),
            ("two parents, upper-case hex", object("tree \(tree)\nparent \(parent)\nparent \(parent.uppercased().replacingOccurrences(of: "1", with: "A"))\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmerge\n")),
            ("signed, with encoding", object("tree \(tree)\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\nencoding ISO-8859-1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned commit\n")),
            ("NUL in the message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nbefore", extra: [0] + Array("after\n".utf8))),
            ("no message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n")),
            ("empty message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n")),
            ("angle brackets in the name", object("tree \(tree)\nauthor <b>Evil</b> <<evil@x>> 1700000000 +1400\ncommitter  Spaced Name   <  spaced@x  > 1700000000 -1200\n\nx\n")),
            ("no time", object("tree \(tree)\nauthor A <a@x>\ncommitter B <b@x> \n\nx\n")),
            ("bad zone", object("tree \(tree)\nauthor A <a@x> 1700000000 +9999\ncommitter B <b@x> 1700000000 0200\n\nx\n")),
            ("bad time", object("tree \(tree)\nauthor A <a@x> yesterday +0100\ncommitter B <b@x> 99999999999999999999999 +0100\n\nx\n")),
            ("non-UTF-8 bytes", object("tree \(tree)\nauthor ", extra: [0xC3, 0x28, 0xFF] + Array(" <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n".utf8) + [0xFE, 0x41, 0x0A])),
            ("CRLF and control characters", object("tree \(tree)\nauthor A\u{1b}[31m <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\r\n\r\nline\r\n\u{07}bell\n")),
        ]
    }()

    @Test("every case gives libgit2's parents, signatures and message", arguments: 0..<cases.count)
    func matchesLibgit2(_ index: Int) throws {
        let (label, bytes) = Self.cases[index]
        let repo = try TemporaryGitRepository()
        let input = repo.root.appendingPathComponent("object")
        try Data(bytes).write(to: input)
        let sha = try repo.git(["hash-object", "-t", "commit", "--literally", "-w", input.path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try #require(ObjectID(hex: sha), "\(label): \(sha)")
        let repository = try Repository(at: repo.path)
        let parsed = try repository.commit(id)
        guard let reference = try? repository.lookupCommit(id.gitOID) else {
            // libgit2 refuses a commit whose time overflows; git shows it, and
            // so does the scan, with the time read as zero.
            #expect(label == "bad time")
            #expect(parsed.author.time == 0 && parsed.committer.time == 0 && parsed.message == "x\n")
            return
        }
        #expect(parsed.parents == reference.parents, "\(label)")
        #expect(parsed.author == reference.author, "\(label)")
        #expect(parsed.committer == reference.committer, "\(label)")
        #expect(parsed.message == reference.message, "\(label)")
    }

    @Test("a walk over a whole generated history reads what libgit2 reads")
    func walkMatchesLookup() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 300, aiEvery: 7)
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        var count = 0
        try repository.walk(from: [head]) { commit in
            let reference = try repository.lookupCommit(commit.id.gitOID)
            #expect(commit.parents == reference.parents && commit.author == reference.author
                    && commit.committer == reference.committer && commit.message == reference.message)
            count += 1
            return true
        }
        #expect(count == 300)
    }
}
