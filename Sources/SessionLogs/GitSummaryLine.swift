import Foundation

/// git's summary of a commit it just made: `[main def5678] Subject`, printed
/// by `git commit`, and by the sequencer for cherry-pick, revert and rebase
/// (`builtin/commit.c`, `sequencer.c` `print_commit_summary`). The same line
/// appears in listings and pasted text, so it counts only as the output of a
/// command that makes commits.
enum GitSummaryLine {
    /// The commit ids in `output`'s summary lines.
    static func commits(in output: String) -> [String] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            // Gemini CLI's shell tool reports `Output: <first line>`.
            sha(in: line.hasPrefix("Output:") ? line.dropFirst(7) : line)
        }
    }

    /// `[<ref> <sha>] <subject>`: the sha is the last word before `]`; the ref
    /// may hold blanks (`detached HEAD`, a translated `(root-commit)`).
    static func sha(in line: Substring) -> String? {
        let line = line.drop { $0 == " " || $0 == "\t" }
        guard line.first == "[", let close = line.firstIndex(of: "]") else { return nil }
        let inside = line[line.index(after: line.startIndex)..<close]
        guard let blank = inside.lastIndex(of: " ") else { return nil }
        let sha = inside[inside.index(after: blank)...]
        let ref = inside[..<blank]
        guard !ref.trimmingCharacters(in: .whitespaces).isEmpty, (4...64).contains(sha.count),
              sha.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              line[close...].dropFirst().first == " " else { return nil }
        return String(sha)
    }

    /// Whether a shell command runs git to make a commit (commit, cherry-pick,
    /// revert, merge, rebase, am) rather than to list them (`git log`, `git show`).
    static func makesCommits(_ command: String) -> Bool {
        var words: [Substring] = []
        var atCommand: [Bool] = []
        var commandStarts = true
        for token in command.split(whereSeparator: \.isWhitespace) {
            // `a;b`, `a&&b`, `(git …)`: each separator starts a command.
            var rest = token[...]
            while let cut = rest.firstIndex(where: { ";&|(".contains($0) }) {
                if cut > rest.startIndex {
                    words.append(rest[..<cut])
                    atCommand.append(commandStarts)
                }
                commandStarts = true
                rest = rest[rest.index(after: cut)...]
            }
            guard !rest.isEmpty else { continue }
            words.append(rest)
            atCommand.append(commandStarts)
            // `GIT_AUTHOR_NAME=x git commit`: an assignment leaves the command ahead.
            commandStarts = rest.contains("=") && commandStarts
        }
        for (index, word) in words.enumerated() where atCommand[index] && (word == "git" || word.hasSuffix("/git")) {
            // `git -C path commit`: options and their values come before the subcommand.
            var next = index + 1
            while next < words.count, words[next].hasPrefix("-") {
                next += ["-C", "-c", "--git-dir", "--work-tree"].contains(String(words[next])) ? 2 : 1
            }
            if next < words.count, ["commit", "cherry-pick", "revert", "merge", "rebase", "am"].contains(String(words[next])) {
                return true
            }
        }
        return false
    }
}
