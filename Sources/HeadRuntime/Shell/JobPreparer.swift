import GrowJob
import JobRecords
import Logging
import ProjectStorage
import TileScheduler

/// What a submitted job needs before its tiles go out, all of it blocking IO the head runs on
/// its thread pool: the records folder, and with `skip_existing` a listing of the outputs
/// already there (over S3 a listing can take seconds, with retries).
enum JobPreparer {
    static func prepare(_ job: JobID, _ spec: JobSpec, records place: RecordsPlace, logger: Logger)
        -> (folder: RecordsFolder?, result: Result<JobPreparation, JobPreparationFailure>)
    {
        let folder: RecordsFolder
        do {
            folder = try RecordsKeeper.open(place, settings: spec.storageSettings, logger: logger)
        } catch {
            return (nil, .failure(JobPreparationFailure("\(error)")))
        }
        guard spec.skipExisting else { return (folder, .success(JobPreparation())) }
        do {
            let plan = try spec.planTilesAgainstExistingOutputs(job: job)
            let note =
                plan.skipped.isEmpty ? [] : ["skip_existing: \(plan.skipped.count) tiles already have their output"]
            return (folder, .success(JobPreparation(skipped: plan.skipped, notes: note)))
        } catch {
            let note = "skip_existing: cannot look for existing outputs, running every tile: \(error)"
            return (folder, .success(JobPreparation(notes: [note])))
        }
    }
}
