import Foundation

/// A git-ai authorship log (`refs/notes/ai`, "Git AI Standard" v3): which
/// lines of a commit an agent wrote, reported by the agent's own hooks.
///
/// Format: an attestation section — a file path, then two-space-indented
/// `<key> <ranges>` lines, where `h_…` keys are people and every other key
/// (`s_<hex>::t_<hex>` sessions, legacy 16-hex prompt ids) is an AI — then a
/// line `---`, then JSON metadata whose `sessions` and `prompts` carry each
/// key's `agent_id {tool, id, model}`.
public struct GitAINote: Sendable, Equatable {
    public struct Agent: Sendable, Equatable, Hashable {
        /// The tool as git-ai names it (`claude`, `cursor`, `codex`, …).
        public var tool: String
        public var model: String?

        public init(tool: String, model: String?) {
            self.tool = tool
            self.model = model
        }
    }

    /// `authorship/3.0.0`.
    public var schemaVersion: String
    /// Agents that have at least one attested line in this commit.
    public var agents: [Agent]
    /// Lines attested to AI keys.
    public var aiLines: Int
    /// Lines attested to known people.
    public var humanLines: Int

    /// Parses a note; nil for anything that is not an authorship log.
    ///
    /// Real notes carry whole prompt transcripts (tens of kilobytes each), so
    /// the JSON is not decoded: only the attested keys' `agent_id` objects are
    /// looked up in it, which keeps a scan of thousands of notes in step with
    /// the walk.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    private init(schemaVersion: String, agents: [Agent], aiLines: Int, humanLines: Int) {
        self.schemaVersion = schemaVersion
        self.agents = agents
        self.aiLines = aiLines
        self.humanLines = humanLines
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> GitAINote? {
        // The attestation ends at a line `---`.
        let separator = Array("\n---\n".utf8)
        let split: Int
        if bytes.starts(with: "---\n".utf8) {
            split = 0
        } else if let found = ByteSearch.firstIndex(of: separator, in: bytes, from: 0) {
            split = found + 1
        } else {
            return nil
        }
        let metadataStart = split + 4
        guard let schemaKey = ByteSearch.firstIndex(of: Array("\"schema_version\"".utf8), in: bytes, from: metadataStart),
              let schema = stringValue(in: bytes, after: schemaKey + 16), schema.hasPrefix("authorship/") else {
            return nil
        }
        var aiLines = 0
        var humanLines = 0
        var aiKeys: [String] = []
        let attestation = String(decoding: bytes[0..<split], as: UTF8.self)
        for line in attestation.split(separator: "\n") where line.hasPrefix("  ") {
            let fields = line.dropFirst(2).split(separator: " ", maxSplits: 1)
            guard fields.count == 2 else { continue }
            let count = lineCount(fields[1])
            if fields[0].hasPrefix("h_") {
                humanLines += count
            } else {
                aiLines += count
                let key = String(fields[0])
                // Session keys are `s_<id>::t_<trace>`; metadata is keyed by the session.
                let session = key.components(separatedBy: "::").first ?? key
                if !aiKeys.contains(session) { aiKeys.append(session) }
            }
        }
        var agents: [Agent] = []
        for key in aiKeys {
            guard let keyAt = ByteSearch.firstIndex(of: Array("\"\(key)\"".utf8), in: bytes, from: metadataStart),
                  let agentAt = ByteSearch.firstIndex(of: Array("\"agent_id\"".utf8), in: bytes, from: keyAt),
                  agentAt - keyAt < 4096,
                  let toolAt = ByteSearch.firstIndex(of: Array("\"tool\"".utf8), in: bytes, from: agentAt),
                  toolAt - agentAt < 4096,
                  let tool = stringValue(in: bytes, after: toolAt + 6), !tool.isEmpty else { continue }
            var model: String?
            if let modelAt = ByteSearch.firstIndex(of: Array("\"model\"".utf8), in: bytes, from: agentAt), modelAt - agentAt < 4096 {
                model = stringValue(in: bytes, after: modelAt + 7)
            }
            let agent = Agent(tool: tool, model: model)
            if !agents.contains(agent) { agents.append(agent) }
        }
        return GitAINote(schemaVersion: schema, agents: agents, aiLines: aiLines, humanLines: humanLines)
    }

    /// The JSON string after `"key"` at `position`: skips `:` and blanks, reads
    /// up to the closing quote (escapes kept as written; names have none).
    private static func stringValue(in bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> String? {
        var index = position
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: ":")
            || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\t") || bytes[index] == UInt8(ascii: "\r") {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), end - start < 256 {
            if bytes[end] == UInt8(ascii: "\\") { end += 1 }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }


    /// `1-10,15-20,25` → 17. Malformed pieces count nothing.
    static func lineCount(_ ranges: Substring) -> Int {
        var total = 0
        for piece in ranges.split(separator: ",") {
            let bounds = piece.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 1, bounds[0] > 0 {
                total += 1
            } else if bounds.count == 2, bounds[0] > 0, bounds[1] >= bounds[0] {
                total += min(bounds[1] - bounds[0] + 1, 1_000_000)
            }
        }
        return total
    }
}
