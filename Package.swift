// swift-tools-version:6.1
import PackageDescription

// The layout follows the design card: two executables (GrowHead, GrowWorker), the protocol (Wire),
// the pipelines (Exec), a pure scheduler core, and thin module maps over the C libraries.

// Opt-in: GROW_TARGET_CPU=haswell (any LLVM CPU name) compiles Exec, whose kernels are the hot
// loops, for that CPU (haswell: AVX2 and FMA, twice SSE2's vector width). The default is the
// baseline of the architecture (SSE2 on x86-64), so binaries run on any machine; a build for
// a newer CPU stops with an illegal instruction on an older one. scripts/bench kernels measures both.
let execCPUSettings: [SwiftSetting] = Context.environment["GROW_TARGET_CPU"].map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "grow",
    products: [
        .executable(name: "grow-head", targets: ["GrowHead"]),
        .executable(name: "grow-worker", targets: ["GrowWorker"]),
        .library(name: "Wire", targets: ["Wire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "Wire",
            dependencies: [
                "CLZ4",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Scheduler"),
        // S3 client on libcurl (SigV4 by curl, retries, multipart, streaming).
        .target(name: "ObjectStore", dependencies: ["CCurl"]),
        .target(
            name: "Exec",
            dependencies: [
                "CGDAL", "ObjectStore", "CZlib", .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: execCPUSettings
        ),
        // The head's runtime (server, journal, records) and the worker's, as libraries so tests
        // reach them; the executables are thin command lines over these.
        .target(
            name: "HeadCore",
            dependencies: [
                "Wire", "Scheduler", "Exec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WorkerCore",
            dependencies: [
                "Wire", "Exec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The cluster launcher: cluster.yaml model and checks, docker command lines, node set-up
        // plans (pure), and the shell that runs them over SSH (libssh2).
        .target(
            name: "Launcher",
            dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "LauncherRuntime", dependencies: ["Launcher", "CSSH2"]),
        // What both command lines share: signal handling and exit codes.
        .target(
            name: "GrowCLI",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "GrowHead",
            dependencies: [
                "Wire", "Scheduler", "Exec", "HeadCore", "GrowCLI", "ObjectStore", "Launcher", "LauncherRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "GrowWorker",
            dependencies: [
                "Wire", "Exec", "WorkerCore", "GrowCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libFuzzer entry point over the frame and message decoders (scripts/fuzz builds it).
        .executableTarget(
            name: "WireFuzz",
            dependencies: ["Wire", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Benchmarks live outside the test suite (scripts/bench runs them in release mode).
        .executableTarget(
            name: "WireBench",
            dependencies: ["Wire", "CLZ4", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/Benchmarks/WireBench"
        ),
        .executableTarget(name: "SchedulerBench", dependencies: ["Scheduler"], path: "Sources/Benchmarks/SchedulerBench"),
        .executableTarget(name: "KernelBench", dependencies: ["Exec"], path: "Sources/Benchmarks/KernelBench"),
        .testTarget(
            name: "WireTests",
            dependencies: [
                "Wire", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler"]),
        .testTarget(name: "ExecTests", dependencies: ["Exec"]),
        // The S3 client and S3Storage against a real moto server with signature checks.
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "Exec"]),
        .testTarget(name: "LauncherTests", dependencies: ["Launcher", "LauncherRuntime"]),
        .testTarget(name: "HeadCoreTests", dependencies: ["HeadCore", "Scheduler", "Exec", "Wire"]),
        // Real grow-head and grow-worker processes on loopback and in network namespaces.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Exec", "Wire", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
