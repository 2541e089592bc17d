import Foundation

/// Where export_maps' files go, with eo-grow's names, for the workers that write the per-patch
/// files and the head that merges them:
///
///     <output>/<stem>_<patch>[_<sfx>].tiff                                   a patch (timeless, or not split)
///     <output>/UTM_<epsg>/<stem>_<stem>_<patch>[_<sfx>]_UTM_<epsg>_<time>[_<sfx>].tiff   a patch at one time
///     <output>/UTM_<epsg>/[<time>/]<map_name>                                 the zone's map
///
/// `<time>` is `YYYY-mm-ddTHH-MM-SS` (UTC).
package enum ExportMapsLayout {
    package static let timeLength = 19

    /// `2020-05-01T00-00-00`.
    package static func timeName(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        return formatter.string(from: date)
    }

    /// A patch's file (timeless, or every time in one file).
    package static func patchKey(_ parameters: ExportMapsParameters, output: String, patch: String) -> String {
        output + "/" + parameters.interimName(patch)
    }

    /// A patch's file at one time (eo-grow names the split files after the patch's file).
    package static func splitKey(
        _ parameters: ExportMapsParameters, output: String, patch: String, epsg: Int32, time: String
    ) -> String {
        "\(output)/UTM_\(epsg)/" + parameters.interimName(splitStem(parameters, patch: patch), epsg: epsg, time: time)
    }

    /// The time of a patch's split file in `UTM_<epsg>/`, from its name; nil for other files.
    package static func splitTime(
        _ parameters: ExportMapsParameters, fileName: String, patch: String, epsg: Int32
    ) -> String? {
        guard let (head, time) = splitParts(parameters, fileName: fileName),
            head == splitHead(parameters, patch: patch, epsg: epsg)
        else { return nil }
        return time
    }

    /// A split file's name without its time and what follows: `<stem>_<stem>_<patch>[_<sfx>]_UTM_<epsg>_`.
    static func splitHead(_ parameters: ExportMapsParameters, patch: String, epsg: Int32) -> String {
        "\(parameters.mapStem)_\(splitStem(parameters, patch: patch))_UTM_\(epsg)_"
    }

    /// The head and the time of a split file's name, or nil when it is not one.
    static func splitParts(_ parameters: ExportMapsParameters, fileName: String) -> (head: String, time: String)? {
        let tail = (parameters.interimSuffix.isEmpty ? "" : "_" + parameters.interimSuffix) + ".tiff"
        guard fileName.hasSuffix(tail), fileName.count > tail.count + timeLength else { return nil }
        let withoutTail = fileName.dropLast(tail.count)
        return (String(withoutTail.dropLast(timeLength)), String(withoutTail.suffix(timeLength)))
    }

    /// The split files of a zone folder: times by head, in time order.
    static func splitFiles(_ parameters: ExportMapsParameters, output: String, epsg: Int32, existing: Set<String>)
        -> [String: [String]]
    {
        let folder = "\(output)/UTM_\(epsg)/"
        var times: [String: [String]] = [:]
        for key in existing where key.hasPrefix(folder) {
            let name = key.dropFirst(folder.count)
            guard !name.contains("/"), let (head, time) = splitParts(parameters, fileName: String(name)) else {
                continue
            }
            times[head, default: []].append(time)
        }
        return times.mapValues { $0.sorted() }
    }

    /// The zone's map (at one time, when split).
    package static func mapKey(_ parameters: ExportMapsParameters, output: String, epsg: Int32, time: String?) -> String
    {
        "\(output)/UTM_\(epsg)/" + (time.map { $0 + "/" } ?? "") + parameters.mapName
    }

    private static func splitStem(_ parameters: ExportMapsParameters, patch: String) -> String {
        parameters.interimName(patch).replacingOccurrences(of: ".tiff", with: "")
    }
}

/// One map the head builds: a zone (and a time, when split) and its patches' files in the patch
/// list's order (where patches overlap, later ones are drawn over earlier ones, as gdalwarp does).
package struct MapMergeGroup: Sendable, Equatable {
    package var epsg: Int32
    package var time: String?
    package var keys: [String]
    package var mapKey: String
}

extension ExportMapsLayout {
    /// The maps to build from the finished patches (`patches`: name and zone, in patch-list
    /// order) and the keys that exist under the output folder. A patch whose files are all gone
    /// was merged by an earlier run of this step (the files go after every map is written);
    /// nil `epsg` means a patch outside an area grid, found by its `UTM_<epsg>` folder.
    package static func groups(
        _ parameters: ExportMapsParameters, output: String, patches: [(name: String, epsg: Int32)],
        existing: Set<String>
    ) -> (groups: [MapMergeGroup], missing: [String]) {
        var groups: [MapMergeGroup] = []
        var missing: [String] = []
        func add(_ epsg: Int32, _ time: String?, _ key: String) {
            if let index = groups.firstIndex(where: { $0.epsg == epsg && $0.time == time }) {
                groups[index].keys.append(key)
            } else {
                groups.append(
                    MapMergeGroup(
                        epsg: epsg, time: time, keys: [key],
                        mapKey: mapKey(parameters, output: output, epsg: epsg, time: time)))
            }
        }
        // Split files: each zone folder's names parsed once, by the part before the time.
        var timesByHead: [Int32: [String: [String]]] = [:]
        for patch in patches {
            if !parameters.splitsTime {
                let key = patchKey(parameters, output: output, patch: patch.name)
                if existing.contains(key) { add(patch.epsg, nil, key) } else { missing.append(patch.name) }
                continue
            }
            if timesByHead[patch.epsg] == nil {
                timesByHead[patch.epsg] = splitFiles(parameters, output: output, epsg: patch.epsg, existing: existing)
            }
            let times = timesByHead[patch.epsg]?[splitHead(parameters, patch: patch.name, epsg: patch.epsg)] ?? []
            if times.isEmpty { missing.append(patch.name) }
            for time in times {
                add(
                    patch.epsg, time,
                    splitKey(parameters, output: output, patch: patch.name, epsg: patch.epsg, time: time))
            }
        }
        groups.sort { ($0.epsg, $0.time ?? "") < ($1.epsg, $1.time ?? "") }
        return (groups, missing)
    }
}
