import Foundation
import PackagePlugin

/// Compiles the signal catalogue into the Attribution module: at build time,
/// `Catalogue/signatures.json` becomes `EmbeddedCatalogue.swift`, so that
/// `census` and `censusd` need nothing beside them once copied or installed
/// (a SwiftPM resource bundle lives in the build folder, and the binaries
/// crashed without it).
@main
struct EmbedCatalogue: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let input = target.directoryURL.appending(path: "Catalogue/signatures.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalogue.swift")
        return [.buildCommand(
            displayName: "Embedding the signal catalogue",
            executable: try context.tool(named: "CatalogueEmbedder").url,
            arguments: [input.path, output.path],
            inputFiles: [input],
            outputFiles: [output])]
    }
}
