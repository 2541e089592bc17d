extension SamplingParameters {
    /// eo-grow's class path of each method.
    package static let classes: [(path: String, method: String)] = [
        ("eogrow.pipelines.sampling.FractionSamplingPipeline", "fraction"),
        ("eogrow.pipelines.sampling.BlockSamplingPipeline", "block"),
        ("eogrow.pipelines.sampling.GridSamplingPipeline", "grid"),
    ]

    static let commonKeys: [ConfigKey] = [
        .required("output_folder_key", "str", "The folder key the sampled patches are written under."),
        .required(
            "apply_to", "Dict[str, Dict[FeatureType, List[str]]]",
            "What to sample: folder key -> feature type -> names. Patches of several folders are joined first."),
        .optional(
            "mask_of_samples_name", "Optional[str]", default: "null",
            "When set, a MASK_TIMELESS feature of this name counts how often each pixel was sampled."),
        .optional(
            "sampled_suffix", "Optional[str]", default: "null",
            "When set, sampled features are written as <name>_<suffix> instead of under their own names."),
    ]
    static let seedKey = ConfigKey.optional(
        "seed", "Optional[int]", default: "42",
        "Seeds the draws; each patch gets its own seed from it by its place in the patch list. null: a new draw every run."
    )
    static let compressKey = EOParameters.compressLevelKey
    static let sampleSizeKey = ConfigKey.required(
        "sample_size", "Tuple[int, int]", "Height and width of each sampled block, in pixels.")

    static let fractionKeys: [ConfigKey] = [
        .required(
            "sampling_feature_name", "str",
            "The MASK_TIMELESS feature whose classes are sampled; it must be among apply_to's features."),
        .optional(
            "erosion_dict", "Optional[Dict[int, List[int]]]", default: "null",
            "Before sampling, erode these labels of the sampling feature with a disc of the key's size; eroded pixels become 0."
        ),
        .required(
            "fraction_of_samples", "Union[float, Dict[int, float]]",
            "Share (0 to 1) of each class's pixels to sample, or a share per class (classes not listed are not sampled)."
        ),
        .optional("exclude_values", "List[int]", default: "[]", "Classes never sampled."),
    ]
    static let blockKeys: [ConfigKey] = [
        sampleSizeKey,
        .optional(
            "number_of_samples", "Optional[int]", default: "null",
            "How many blocks to draw; give this or fraction_of_samples."),
        .optional(
            "fraction_of_samples", "Optional[float]", default: "null",
            "Share of all possible block positions to draw; give this or number_of_samples."),
    ]
    static let gridKeys: [ConfigKey] = [
        sampleSizeKey,
        .required("stride", "Tuple[int, int]", "Rows and columns between the top-left corners of successive blocks."),
    ]
    /// eo-learn's feature types grow has no arrays for.
    static let otherFeatureTypes: Set<String> = ["vector", "vector_timeless", "bbox", "timestamps"]

    static let methodKey = ConfigKey.required(
        "sampling", "Literal['fraction', 'block', 'grid']",
        "With \"pipeline\": \"sampling\": which of eo-grow's sampling pipelines (Fraction, Block, Grid) this is."
    ).grow

    /// The schema of one method (`"fraction"`, `"block"`, `"grid"`), or of grow's short name
    /// (nil: every method's keys and `sampling`).
    static func keys(method: String?) -> [ConfigKey] {
        switch method {
        case "fraction": commonKeys + [seedKey] + fractionKeys + [compressKey]
        case "block": commonKeys + [seedKey] + blockKeys + [compressKey]
        case "grid": commonKeys + gridKeys + [compressKey]
        default:
            [methodKey] + commonKeys + [seedKey]
                + (fractionKeys + blockKeys + gridKeys).reduce(into: [ConfigKey]()) { keys, key in
                    if keys[named: key.name] == nil { keys.append(key) }
                } + [compressKey]
        }
    }

    /// The method a class path names; nil for grow's short name.
    static func method(ofClass pipelineName: String) -> String? {
        classes.first { $0.path == pipelineName }?.method
    }

    init(_ reader: inout ParameterReader, pipelineName: String) throws(JobSpecError) {
        let methodName: String
        if let fromClass = Self.method(ofClass: pipelineName) {
            methodName = fromClass
        } else {
            methodName = try reader.choice("sampling", ["fraction", "block", "grid"])
            // grow's short name takes every method's keys: a key of another method is a mistake.
            let own = Set(Self.keys(method: methodName).names + ["sampling"])
            for key in reader.members.keys where !own.contains(key) && Self.keys(method: nil)[named: key] != nil {
                throw reader.fail(key, "not a key of \(methodName) sampling")
            }
        }
        outputFolderKey = try reader.string("output_folder_key")
        applyTo = try Self.applyTo(&reader)
        maskOfSamplesName = try Self.optionalName(&reader, "mask_of_samples_name", emptyMeansNone: true)
        sampledSuffix = try Self.optionalName(&reader, "sampled_suffix", emptyMeansNone: false)
        compressLevel = try reader.compressLevel()
        switch methodName {
        case "fraction":
            seed = try Self.seed(&reader)
            method = .fraction(try Self.fraction(&reader))
        case "block":
            seed = try Self.seed(&reader)
            method = .block(try Self.block(&reader))
        default:
            seed = nil
            let size = try Self.pair(&reader, "sample_size")
            let stride = try Self.pair(&reader, "stride")
            method = .grid(Grid(height: size[0], width: size[1], strideY: stride[0], strideX: stride[1]))
        }
        let outputs = sampledFeatures.map(\.output) + (maskOfSamples.map { [$0] } ?? [])
        for (position, output) in outputs.enumerated() where outputs[..<position].contains(output) {
            throw reader.fail(
                output == maskOfSamples ? "mask_of_samples_name" : "apply_to",
                "two outputs would both be written as \(output)")
        }
    }

    /// `{"features": {"data": ["FEATURES"]}, "lulc": {"mask_timeless": ["LULC"]}}`, in order.
    private static func applyTo(_ reader: inout ParameterReader) throws(JobSpecError) -> [Source] {
        guard let value = reader.value("apply_to") else {
            throw reader.fail(
                "apply_to",
                "missing; expected {folder key: {feature type: [names]}}, e.g. {\"features\": {\"data\": [\"FEATURES\"]}}"
            )
        }
        let folders = try reader.object(value, at: reader.path("apply_to"))
        var sources: [Source] = []
        var seen: Set<FeatureRef> = []
        let sampleable: [FeatureType] = [.data, .mask, .dataTimeless, .maskTimeless]
        for (folderKey, typesValue) in folders {
            let folderPath = reader.path("apply_to") + "." + folderKey
            var features: [FeatureRef] = []
            for (typeName, namesValue) in try reader.object(typesValue, at: folderPath) {
                let typePath = folderPath + "." + typeName
                guard let kind = FeatureType(rawValue: typeName), sampleable.contains(kind) else {
                    let known = FeatureType(rawValue: typeName) != nil || otherFeatureTypes.contains(typeName)
                    throw reader.failure(
                        at: typePath,
                        known
                            ? "only raster features (data, mask, data_timeless, mask_timeless) can be sampled"
                            : "unknown feature type \(JSONValue.quote(typeName)); expected data, mask, data_timeless or mask_timeless"
                    )
                }
                guard case .array(let names) = namesValue else {
                    throw reader.failure(at: typePath, "expected a list of feature names, got \(namesValue.excerpt)")
                }
                for (position, nameValue) in names.enumerated() {
                    let name = try reader.string(nameValue, at: typePath + "[\(position)]", nonEmpty: true)
                    let feature = FeatureRef(kind: kind, name: name)
                    guard FeatureRef.isValidName(name) else {
                        throw reader.failure(
                            at: typePath + "[\(position)]",
                            "feature name \(JSONValue.quote(name)) cannot be a file name")
                    }
                    guard seen.insert(feature).inserted else {
                        throw reader.failure(at: typePath + "[\(position)]", "\(feature) is named twice")
                    }
                    features.append(feature)
                }
            }
            sources.append(Source(folderKey: folderKey, features: features))
        }
        guard !seen.isEmpty else { throw reader.fail("apply_to", "names no feature to sample") }
        return sources
    }

    /// A string key that may be null; eo-grow treats an empty mask name as none, an empty suffix
    /// as a suffix (`FEATURES_`).
    private static func optionalName(_ reader: inout ParameterReader, _ key: String, emptyMeansNone: Bool)
        throws(JobSpecError) -> String?
    {
        guard let value = reader.value(key) else { return nil }
        let text = try reader.string(value, at: reader.path(key))
        if text.isEmpty && emptyMeansNone { return nil }
        guard text.isEmpty || FeatureRef.isValidName(text) else {
            throw reader.fail(key, "\(JSONValue.quote(text)) cannot be part of a file name")
        }
        return text
    }

    private static func seed(_ reader: inout ParameterReader) throws(JobSpecError) -> UInt64? {
        if reader.members["seed"] != nil, reader.value("seed") == nil { return nil }
        return UInt64(try reader.integer("seed", default: 42, in: 0...(1 << 53)))
    }

    private static func pair(_ reader: inout ParameterReader, _ key: String) throws(JobSpecError) -> [Int] {
        guard let pair = try reader.integers(key, count: 2, in: 1...1_000_000) else {
            throw reader.fail(key, "missing; expected [rows, columns], e.g. [1, 1]")
        }
        return pair
    }

    private static func fraction(_ reader: inout ParameterReader) throws(JobSpecError) -> Fraction {
        let samplingFeatureName = try reader.string("sampling_feature_name")
        let share: Fraction.Share
        let shareExpected = "a share in 0...1"
        switch reader.value("fraction_of_samples") {
        case nil:
            throw reader.fail("fraction_of_samples", "missing; expected \(shareExpected) or {class: share}")
        case .object(let members)?:
            var shares: [(label: Int, share: Double)] = []
            for (label, value) in members {
                let path = reader.path("fraction_of_samples") + "." + label
                guard let number = Int(label) else {
                    throw reader.failure(at: path, "expected an integer class label as the key")
                }
                shares.append((number, try reader.number(value, at: path, shareExpected) { (0...1).contains($0) }))
            }
            share = .perClass(shares)
        case let value?:
            share = .all(
                try reader.number(value, at: reader.path("fraction_of_samples"), shareExpected) { (0...1).contains($0) }
            )
        }
        let excludeValues =
            try reader.integers("exclude_values", in: Int(Int32.min)...Int(Int32.max), allowEmpty: true) ?? []
        var erosion: [Erosion] = []
        if let value = reader.value("erosion_dict") {
            for (radiusText, labelsValue) in try reader.object(value, at: reader.path("erosion_dict")) {
                let path = reader.path("erosion_dict") + "." + radiusText
                guard let radius = Int(radiusText), (1...10_000).contains(radius) else {
                    throw reader.failure(at: path, "expected a disc size in 1...10000 as the key")
                }
                guard case .array(let items) = labelsValue else {
                    throw reader.failure(at: path, "expected a list of class labels, got \(labelsValue.excerpt)")
                }
                var labels: [Int] = []
                for (position, item) in items.enumerated() {
                    labels.append(
                        try reader.integer(item, at: path + "[\(position)]", in: Int(Int32.min)...Int(Int32.max)))
                }
                erosion.append(Erosion(radius: radius, labels: labels))
            }
        }
        return Fraction(
            samplingFeatureName: samplingFeatureName, share: share, excludeValues: excludeValues, erosion: erosion)
    }

    private static func block(_ reader: inout ParameterReader) throws(JobSpecError) -> Block {
        let size = try pair(&reader, "sample_size")
        let count =
            reader.value("number_of_samples") == nil
            ? nil : try reader.integer("number_of_samples", in: 0...100_000_000)
        let share = try reader.optionalNumber("fraction_of_samples", "a share in (0, 1]") { $0 > 0 && $0 <= 1 }
        let amount: Block.Amount
        switch (count, share) {
        case (let count?, nil): amount = .count(count)
        case (nil, let share?): amount = .fraction(share)
        default:
            throw reader.fail(
                count == nil ? "number_of_samples" : "fraction_of_samples",
                "give exactly one of number_of_samples and fraction_of_samples")
        }
        return Block(height: size[0], width: size[1], amount: amount)
    }
}
