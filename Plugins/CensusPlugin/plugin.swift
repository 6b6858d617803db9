import Foundation
import PackagePlugin

/// `swift package census`: scans this package's git history into a store in
/// the plugin's work folder and prints the report. Extra arguments go to
/// `census report` (for example `--format json`).
@main
struct CensusPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let census = try context.tool(named: "census").url
        let store = context.pluginWorkDirectoryURL.appending(path: "census.sqlite").path
        let package = context.package.directoryURL.path
        try run(census, ["scan", "--db", store, package])
        try run(census, ["report", "--db", store, "--repo", package] + arguments)
    }

    private func run(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Diagnostics.error("census \(arguments.first ?? "") exited with status \(process.terminationStatus)")
            throw CensusPluginError.failed(process.terminationStatus)
        }
    }
}

enum CensusPluginError: Error {
    case failed(Int32)
}
