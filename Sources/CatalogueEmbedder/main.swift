import Foundation

// Writes a JSON file as a Swift raw string literal (see the EmbedCatalogue
// plugin): `CatalogueEmbedder INPUT.json OUTPUT.swift`. The literal's `#`
// delimiter is made longer than any run of `#` after a quote in the text, so
// no content can end it early.
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: CatalogueEmbedder INPUT.json OUTPUT.swift\n".utf8))
    exit(2)
}
let text: String
do {
    text = try String(contentsOfFile: arguments[1], encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("CatalogueEmbedder: \(arguments[1]): \(error.localizedDescription)\n".utf8))
    exit(1)
}
var longest = 0, run = 0, afterQuote = false
for character in text {
    if character == "#" && afterQuote { run += 1; longest = max(longest, run) } else { run = 0 }
    afterQuote = character == "\"" || (character == "#" && afterQuote)
}
let hashes = String(repeating: "#", count: longest + 1)
let source = """
    // Generated at build time from Catalogue/signatures.json by the EmbedCatalogue plugin. Do not edit.
    enum EmbeddedCatalogue {
        static let json = \(hashes)\"""
    \(text)
    \"""\(hashes)
    }

    """
do {
    try source.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("CatalogueEmbedder: \(arguments[2]): \(error.localizedDescription)\n".utf8))
    exit(1)
}
