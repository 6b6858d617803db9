import Foundation

/// Agent Trace (agent-trace.dev, RFC 0.1.0): JSON lines of trace records,
/// each naming a commit (`vcs.revision`), the tool (`tool.name`) and per file
/// the conversations whose contributor (`human`, `ai`, `mixed`, `unknown`)
/// wrote line ranges. The reference implementation appends them to
/// `.agent-trace/traces.jsonl` in the work tree. Pure: text in, evidence out.
public enum AgentTrace {
    /// The repository path the reference implementation writes.
    public static let path = ".agent-trace/traces.jsonl"

    /// Per commit id (as the records write it), the evidence of the records
    /// that name an `ai` or `mixed` contributor: attested, the lines they
    /// wrote in the matched text. Lines that are not a record are passed over.
    public static func evidence(in text: Data, classifier: Classifier) -> [String: [Evidence]] {
        var found: [String: [Evidence]] = [:]
        for line in text.split(separator: UInt8(ascii: "\n")) {
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                  let revision = ((record["vcs"] as? [String: Any])?["revision"] as? String)?.lowercased(),
                  revision.count >= 7, revision.allSatisfy(\.isHexDigit) else { continue }
            let toolName = (record["tool"] as? [String: Any])?["name"] as? String
            var lines: [String: Int] = [:]
            for file in record["files"] as? [[String: Any]] ?? [] {
                for conversation in file["conversations"] as? [[String: Any]] ?? [] {
                    guard let type = (conversation["contributor"] as? [String: Any])?["type"] as? String, type == "ai" || type == "mixed"
                    else { continue }
                    lines[type, default: 0] += (conversation["ranges"] as? [[String: Any]] ?? []).reduce(0) { sum, range in
                        let start = range["start_line"] as? Int ?? 0, end = range["end_line"] as? Int ?? -1
                        return sum + max(0, end - start + 1)
                    }
                }
            }
            guard !lines.isEmpty else { continue }
            let tool = toolName.flatMap(classifier.toolID(named:)) ?? "ai-unspecified"
            let written = lines.keys.sorted().map { "\(lines[$0]!) lines \($0)" }.joined(separator: ", ")
            found[revision, default: []].append(Evidence(
                rule: "agent-trace", kind: .agentTrace, tool: tool, indicates: .ai, confidence: .attested,
                matched: "\(toolName.map { Self.printable($0) } ?? "unnamed tool"): \(written)", counts: true,
                lines: lines.values.reduce(0, +)))
        }
        return found
    }

    /// A tool's name as a record writes it, cut short and without control characters.
    static func printable(_ name: String) -> String {
        String(name.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(60).map(Character.init))
    }
}
