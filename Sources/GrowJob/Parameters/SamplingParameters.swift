/// eo-grow's three sampling pipelines (`eogrow.pipelines.sampling.FractionSamplingPipeline`,
/// `BlockSamplingPipeline`, `GridSamplingPipeline`), or grow's `"pipeline": "sampling"` with
/// `"sampling": "fraction" | "block" | "grid"` naming which of them; every other key is eo-grow's.
///
///     "output_folder_key": "samples",
///     "apply_to": {"features": {"data": ["FEATURES"]}, "lulc": {"mask_timeless": ["LULC"]}},
///     "sampling_feature_name": "LULC", "fraction_of_samples": 0.05, "exclude_values": [0],
///     "erosion_dict": {"1": [2]}, "seed": 42,
///     "sampled_suffix": "SAMPLED", "mask_of_samples_name": "MASK_OF_SAMPLES"
///
/// Each sampled feature keeps its type and dtype: temporal ones become T×(N·h)×w×C, timeless
/// ones (N·h)×w×C, for N samples of h×w pixels (eo-learn's layout).
package struct SamplingParameters: Sendable, Equatable {
    /// Which of eo-grow's sampling pipelines, and its own settings.
    package enum Method: Sendable, Equatable {
        case fraction(Fraction)
        case block(Block)
        case grid(Grid)

        /// grow's name for it (the value of grow's `sampling` key).
        package var name: String {
            switch self {
            case .fraction: "fraction"
            case .block: "block"
            case .grid: "grid"
            }
        }
    }

    /// Per class of a MASK_TIMELESS feature, a share of its pixels, drawn without replacement.
    package struct Fraction: Sendable, Equatable {
        package enum Share: Sendable, Equatable {
            /// The same share of every class.
            case all(Double)
            /// A share per class; classes not listed are not sampled.
            case perClass([(label: Int, share: Double)])

            package static func == (lhs: Share, rhs: Share) -> Bool {
                switch (lhs, rhs) {
                case (.all(let a), .all(let b)): a == b
                case (.perClass(let a), .perClass(let b)):
                    a.count == b.count && zip(a, b).allSatisfy { $0.label == $1.label && $0.share == $1.share }
                default: false
                }
            }
        }

        package var samplingFeatureName: String
        package var share: Share
        package var excludeValues: [Int]
        /// `erosion_dict` in the config's order: the labels eroded with a disc of each radius.
        package var erosion: [Erosion]

        package init(samplingFeatureName: String, share: Share, excludeValues: [Int], erosion: [Erosion]) {
            self.samplingFeatureName = samplingFeatureName
            self.share = share
            self.excludeValues = excludeValues
            self.erosion = erosion
        }
    }

    package struct Erosion: Sendable, Equatable {
        package var radius: Int
        package var labels: [Int]

        package init(radius: Int, labels: [Int]) {
            self.radius = radius
            self.labels = labels
        }
    }

    /// Blocks of h×w pixels at random top-left corners, without replacement.
    package struct Block: Sendable, Equatable {
        package enum Amount: Sendable, Equatable {
            case count(Int)
            /// A share of all possible top-left corners (rounded half to even).
            case fraction(Double)
        }

        package var height: Int
        package var width: Int
        package var amount: Amount

        package init(height: Int, width: Int, amount: Amount) {
            self.height = height
            self.width = width
            self.amount = amount
        }
    }

    /// Blocks of h×w pixels at every stride, row by row (no randomness).
    package struct Grid: Sendable, Equatable {
        package var height: Int
        package var width: Int
        package var strideY: Int
        package var strideX: Int

        package init(height: Int, width: Int, strideY: Int, strideX: Int) {
            self.height = height
            self.width = width
            self.strideY = strideY
            self.strideX = strideX
        }
    }

    /// The features of one `apply_to` folder, in the config's order.
    package struct Source: Sendable, Equatable {
        package var folderKey: String
        package var features: [FeatureRef]
    }

    package var method: Method
    package var outputFolderKey: String
    package var applyTo: [Source]
    package var maskOfSamplesName: String?
    package var sampledSuffix: String?
    /// nil for `"seed": null` (eo-grow then draws without a seed: every run differs).
    package var seed: UInt64?
    package var compressLevel: Int

    /// Every sampled feature in the order eo-grow samples them, with the name it is written as.
    package var sampledFeatures: [(input: FeatureRef, output: FeatureRef)] {
        applyTo.flatMap(\.features).map { feature in
            let name = sampledSuffix.map { "\(feature.name)_\($0)" } ?? feature.name
            return (feature, FeatureRef(kind: feature.kind, name: name))
        }
    }

    /// The mask of samples (MASK_TIMELESS), when one is written.
    package var maskOfSamples: FeatureRef? {
        maskOfSamplesName.map { FeatureRef(kind: .maskTimeless, name: $0) }
    }
}
