// swift-tools-version:6.1
import PackageDescription

// One job per module; dependencies point from the shells (command lines, network runtimes) to the
// pure cores (job model, scheduler, protocol). docs/architecture.md draws the graph and says what
// each module owns and must not import.

// Opt-in: GROW_TARGET_CPU=haswell (any LLVM CPU name) compiles the kernels, the only hot loops,
// for that CPU (haswell: AVX2 and FMA, twice SSE2's vector width). The default is the baseline of
// the architecture (SSE2 on x86-64), so binaries run on any machine; a build for a newer CPU stops
// with an illegal instruction on an older one. scripts/bench kernels measures both.
let kernelCPUSettings: [SwiftSetting] =
    Context.environment["GROW_TARGET_CPU"].map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let heap = Target.Dependency.product(name: "HeapModule", package: "swift-collections")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")

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
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C libraries.
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        // BoringSSL's AEAD functions, from the copy swift-crypto links into every binary (its
        // header says why not swift-crypto's AES.GCM); declarations only, nothing linked here.
        .systemLibrary(name: "CBoringAEAD"),
        // libgdal, libcurl and libssh2 are not linked but dlopen()ed on first use, so a process maps
        // them (and the ~140 libraries they pull in) only once it touches a raster, S3 or SSH: each
        // C target has the library's headers (libgdal-dev, libcurl4-openssl-dev, libssh2-1-dev) and
        // trampolines into it; CLazyLibrary is the loader they share.
        // glibc 2.34+ has dlopen in libc (libdl.a is empty there); older glibc needs -ldl.
        .target(name: "CLazyLibrary", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "CGDAL", dependencies: ["CLazyLibrary"]),
        .target(name: "CCurl", dependencies: ["CLazyLibrary"]),
        .target(name: "CSSH2", dependencies: ["CLazyLibrary"]),
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),

        // What every module may use: the clock, retryable errors, a seeded generator, object-store settings.
        .target(name: "GrowBase"),

        // Pure cores.
        // The protocol: frames, messages, handshake, sealing, and the NIO handlers that speak it.
        .target(
            name: "Wire",
            dependencies: [
                "CLZ4", "CBoringAEAD", nioCore, nioPosix, .product(name: "Crypto", package: "swift-crypto"), logging,
            ]),
        // Jobs: the config language, job specs, tile sets, pipeline parameters. No IO.
        .target(
            name: "GrowJob",
            dependencies: ["GrowBase", .product(name: "OrderedCollections", package: "swift-collections")]),
        // Which tile runs where: a deterministic state machine (events in, directives out).
        .target(name: "TileScheduler", dependencies: [heap]),
        .target(name: "SchedulerSimulation", dependencies: ["GrowBase", "TileScheduler", "Autoscaler", heap]),
        // How many worker nodes the cluster should have: a deterministic state machine beside the
        // scheduler (events in, directives out), and the provider protocol EC2 and test doubles implement.
        .target(name: "Autoscaler"),

        // AWS on libcurl, what every AWS client shares: SigV4 for any service, the credential chain
        // (environment, profiles, the instance profile through IMDSv2), retries, XML, one error
        // type; and the EC2, ECR-token and instance-metadata clients.
        .target(
            name: "AWSCore",
            dependencies: ["GrowBase", "CCurl", .product(name: "Crypto", package: "swift-crypto")]),

        // Storage and data.
        // S3 on the AWS layer (retries, multipart, streaming).
        .target(name: "ObjectStore", dependencies: ["GrowBase", "AWSCore"]),
        // A project folder, local or s3://: every read and write of pipelines and records.
        .target(name: "ProjectStorage", dependencies: ["GrowBase", "GrowJob", "ObjectStore"]),
        // Arrays, .npy and eo-learn's EOPatch folders.
        .target(name: "EOData", dependencies: ["GrowBase", "GrowJob", "ProjectStorage", "CIsal"]),
        // The hot loops (indices, masks, composites), vectorised; the only target built for GROW_TARGET_CPU.
        .target(name: "EOKernels", dependencies: ["GrowBase", "EOData"], swiftSettings: kernelCPUSettings),
        // Rasters and vectors through GDAL: warping, writing maps, splitting an AOI into a UTM grid.
        .target(name: "GDALRaster", dependencies: ["CGDAL", "GrowBase", "GrowJob", "ProjectStorage", "EOData"]),
        // The built-in EO pipelines, one tile at a time.
        .target(
            name: "EOPipelines",
            dependencies: [
                "GrowBase", "GrowJob", "ProjectStorage", "EOData", "EOKernels", "GDALRaster", "Exec", logging,
            ]),
        // The tile runner: command, noop and sleep tiles, child processes, cancellation, timeouts.
        .target(
            name: "Exec", dependencies: ["GrowJob", logging, .product(name: "Subprocess", package: "swift-subprocess")]),
        // eo-grow's own pipelines (those grow does not implement): the client's driver, where eo-grow
        // runs its steps, and the worker's tile runner, a reused Python process per slot.
        .target(
            name: "EOGrowBridge",
            dependencies: ["GrowJob", "Exec", .product(name: "Subprocess", package: "swift-subprocess")]),
        // A job's records: pipeline.log, finished.json, failed.json, pipeline-report.json.
        .target(name: "JobRecords", dependencies: ["GrowJob", "ProjectStorage"]),

        // The dashboard's core: the tile map's state per job and where each tile is drawn, the
        // batched change stream, login sessions, the page itself. No IO.
        .target(name: "Dashboard", dependencies: ["GrowJob", "TileScheduler"]),

        // Runtimes (the network shells around the cores).
        .target(
            name: "HeadRuntime",
            dependencies: [
                "GrowBase", "Wire", "TileScheduler", "Autoscaler", "GrowJob", "ProjectStorage", "JobRecords", "Dashboard",
                nioCore, nioPosix, logging, metrics,
            ]),
        // The HTTP shell: the dashboard's page, event stream and API (Hummingbird), /metrics
        // (swift-prometheus) for the head and the workers.
        .target(
            name: "DashboardServer",
            dependencies: [
                "Dashboard", hummingbird, prometheus, metrics, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "WorkerRuntime",
            dependencies: ["GrowBase", "Wire", "GrowJob", "Exec", "AWSCore", nioCore, nioPosix, logging, metrics]),
        // The cluster launcher: cluster.yaml, docker command lines, node set-up plans (pure), and
        // the shell that runs them over SSH (libssh2).
        .target(
            name: "Launcher",
            dependencies: [
                "Autoscaler", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "LauncherRuntime", dependencies: ["Launcher", "CSSH2", "AWSCore", "Autoscaler"]),

        // Command lines.
        // What both command lines share: signal handling, exit codes, progress bars.
        .target(name: "GrowCLI", dependencies: [argumentParser]),
        .executableTarget(
            name: "GrowHead",
            dependencies: [
                "GrowBase", "Wire", "TileScheduler", "GrowJob", "ProjectStorage", "ObjectStore", "GDALRaster",
                "EOPipelines", "EOGrowBridge", "HeadRuntime", "Dashboard", "DashboardServer",
                "GrowCLI", "Launcher", "LauncherRuntime", "AWSCore", argumentParser, logging,
            ]
        ),
        .executableTarget(
            name: "GrowWorker",
            dependencies: [
                "Wire", "Exec", "EOPipelines", "EOGrowBridge", "WorkerRuntime", "AWSCore", "GrowCLI", "DashboardServer",
                argumentParser, logging, metrics,
            ]
        ),

        // libFuzzer entry point over the frame and message decoders (scripts/fuzz builds it).
        .executableTarget(
            name: "WireFuzz", dependencies: ["Wire", nioCore], swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        // Benchmarks live outside the test suite (scripts/bench runs them in release mode).
        .executableTarget(
            name: "WireBench",
            dependencies: [
                "Wire", "CLZ4", "CBoringAEAD", nioCore, .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Benchmarks/WireBench"),
        .executableTarget(
            name: "SchedulerBench", dependencies: ["TileScheduler", "SchedulerSimulation"],
            path: "Sources/Benchmarks/SchedulerBench"),
        .executableTarget(
            name: "SpotBench", dependencies: ["TileScheduler", "Autoscaler", "SchedulerSimulation"],
            path: "Sources/Benchmarks/SpotBench"),
        .executableTarget(
            name: "KernelBench",
            dependencies: ["GrowBase", "GrowJob", "EOData", "EOKernels", "EOPipelines", "Exec", "ProjectStorage"],
            path: "Sources/Benchmarks/KernelBench"),

        // Tests: one target per module, named after it (IntegrationTests runs the real processes).
        // What several of them share (moto, scratch folders, numpy, sample data, child processes,
        // the `requirement` gate) is a module of its own.
        .target(
            name: "GrowTestSupport",
            dependencies: [
                "GrowBase", "AWSCore", "ObjectStore", "Autoscaler", nioCore, nioPosix,
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/GrowTestSupport"),
        .testTarget(name: "GrowTestSupportTests", dependencies: ["GrowTestSupport"]),
        .testTarget(name: "GrowJobTests", dependencies: ["GrowJob", "GrowTestSupport"]),
        // S3 project folders against a real moto server with signature checks, and skip_existing.
        .testTarget(
            name: "ProjectStorageTests",
            dependencies: ["ProjectStorage", "GrowBase", "GrowJob", "ObjectStore", "GrowTestSupport"]),
        .testTarget(
            name: "EODataTests",
            dependencies: ["EOData", "GrowBase", "GrowJob", "ProjectStorage", "ObjectStore", "GrowTestSupport"]),
        .testTarget(name: "EOKernelsTests", dependencies: ["EOKernels", "EOData", "GrowBase", "GrowTestSupport"]),
        .testTarget(name: "GDALRasterTests", dependencies: ["GDALRaster", "EOData", "GrowJob", "GrowTestSupport"]),
        .testTarget(
            name: "EOPipelinesTests",
            dependencies: [
                "EOPipelines", "GrowJob", "ProjectStorage", "EOData", "GDALRaster", "Exec", "ObjectStore",
                "GrowTestSupport",
            ]
        ),
        .testTarget(name: "ExecTests", dependencies: ["Exec", "GrowJob", "GrowTestSupport"]),
        // The worker's eo-grow processes against the eo-grow venv: reuse, restarts, cancellation, errors.
        .testTarget(name: "EOGrowBridgeTests", dependencies: ["EOGrowBridge", "Exec", "GrowJob", "GrowTestSupport"]),
        .testTarget(
            name: "JobRecordsTests", dependencies: ["JobRecords", "GrowJob", "ProjectStorage", "GrowTestSupport"]),
        // The S3 client against moto (signatures checked) and a deliberately flaky HTTP server.
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "AWSCore", "GrowBase", "GrowTestSupport"]),
        // The AWS layer: SigV4 against AWS's examples, IMDSv2 credentials from a stand-in server,
        // EC2 and ECR against moto (signatures checked), errors injected by a proxy in front of it.
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "GrowBase", "GrowTestSupport"]),
        .testTarget(
            name: "TileSchedulerTests", dependencies: ["TileScheduler", "SchedulerSimulation", "Autoscaler", "GrowBase"]),
        .testTarget(name: "AutoscalerTests", dependencies: ["Autoscaler"]),
        .testTarget(
            name: "LauncherTests", dependencies: ["Launcher", "LauncherRuntime", "AWSCore", "Autoscaler", "GrowTestSupport"]),
        // grow's image built by a Docker engine from docker/Dockerfile and run: the entrypoint, the
        // libraries the binaries load, the demo's chain in a head and two worker containers, a
        // drained worker; the node AMI's Packer template.
        .testTarget(name: "ContainerTests", dependencies: ["GrowTestSupport"]),
        .testTarget(
            name: "WireTests",
            dependencies: [
                "Wire", "GrowBase", nioCore, nioPosix, .product(name: "NIOEmbedded", package: "swift-nio"), logging,
                "GrowTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "GrowJob", "TileScheduler"]),
        .testTarget(
            name: "HeadRuntimeTests",
            dependencies: [
                "HeadRuntime", "TileScheduler", "Autoscaler", "GrowJob", "JobRecords", "Wire", "Dashboard", logging,
            ]
        ),
        // The worker against an in-memory head (NIO's testing channels) and a tile runner the test
        // drives; its spot-notice watcher against a metadata stand-in on loopback.
        .testTarget(
            name: "WorkerRuntimeTests",
            dependencies: [
                "WorkerRuntime", "AWSCore", "Exec", "GrowBase", "GrowJob", "Wire", "GrowTestSupport", nioCore,
                .product(name: "NIOEmbedded", package: "swift-nio"), logging,
            ]
        ),
        // Real grow-head and grow-worker processes on loopback and in network namespaces, and the
        // command lines as a user runs them.
        // The autoscaling test runs the head in-process, to hand it a provider double.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "GrowJob", "ObjectStore", "GrowTestSupport", "HeadRuntime", "Autoscaler", "TileScheduler", "Wire",
                logging, nioCore,
            ]),
    ],
    swiftLanguageModes: [.v6]
)
