// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for the parsers that read repository and user text. A
// package of its own, so that the main build never sees fuzzing flags:
//
//   cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build/debug/FuzzMessage Corpus/message -max_total_time=60
//
// `make fuzz` builds all four and runs each on its seed corpus for a bounded time.
// A path dependency's identity is its folder's name, whatever the clone is called.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "CommitCensusFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzMessage", dependencies: [.product(name: "Attribution", package: main)]),
        .executableTarget(name: "FuzzCommitObject", dependencies: [.product(name: "GitHistory", package: main)]),
        .executableTarget(name: "FuzzMailmap", dependencies: [.product(name: "GitHistory", package: main)]),
        .executableTarget(name: "FuzzConfiguration", dependencies: [.product(name: "CensusKit", package: main)]),
    ]
)
