// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for the parsers that read repository and user text. A
// package of its own, so that the main build never sees fuzzing flags:
//
//   cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build/debug/FuzzMessage Corpus/message -max_total_time=60
//
// `make fuzz` builds them all and runs each on its seed corpus for a bounded time.
// A path dependency's identity is its folder's name, whatever the clone is called.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "CommitCensusFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzMessage", dependencies: ["FuzzSupport", .product(name: "Attribution", package: main)]),
        .executableTarget(name: "FuzzCommitObject", dependencies: ["FuzzSupport", .product(name: "GitHistory", package: main)]),
        .executableTarget(name: "FuzzMailmap", dependencies: ["FuzzSupport", .product(name: "GitHistory", package: main)]),
        .executableTarget(name: "FuzzDates", dependencies: [
            "FuzzSupport", .product(name: "CensusKit", package: main),
            .product(name: "CensusStore", package: main), .product(name: "Reports", package: main),
        ]),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["FuzzSupport", .product(name: "CensusKit", package: main)]),
    ]
)
