/// The Python the client runs as the driver of an eo-grow pipeline (grow-head run / submit).
/// Written to a private temporary file for the run, removed afterwards.
enum DriverScript {
    static let source = #"""
"""grow's eo-grow driver: runs an eo-grow pipeline the way `eogrow CONFIG` does, except that the
per-patch executions run on grow's workers.

grow-head run and grow-head submit start it for a config whose pipeline grow does not implement
natively. It loads the config with eo-grow's config language, builds the pipeline and calls its
run(), so the steps before and after the executions (patch list, skip_existing, logging, reports,
merging maps...) are eo-grow's own. Only Pipeline.run_execution is replaced: the executions go
to grow as one job (`grow-head submit JOB --wait`, tiles named after the executions, in order),
and the job's records (finished.json, failed.json, pipeline-report.json) give eo-grow back its
(successful, failed, results).

    python grow_eogrow_driver.py --config CONFIG [--chain-index N] [-v name:value ...]
        --grow-head GROW_HEAD --address HOST:PORT [--token-file FILE]

Exit codes: 0 every execution finished, 1 some failed (or the pipeline raised), 2 the config or
the interpreter is the user's to fix.
"""

import argparse
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import types

# Keys of grow's own in an eo-grow config (eo-grow's schemas forbid unknown keys): taken out
# before eo-grow validates the config, and given to the grow job.
GROW_KEYS = ("max_attempts", "tile_timeout")

# Logged as eo-grow's run_execution logs (the method this driver replaces).
LOGGER = logging.getLogger("eogrow.core.pipeline")


class UserError(Exception):
    """A mistake to report in one line, exit code 2."""


class GrowJobError(Exception):
    """grow could not run the executions as a job; `status` is the exit code to end with."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def one_line(error):
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return f"{type(error).__name__}: {text}" if not isinstance(error, UserError) else text


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="grow_eogrow_driver")
    parser.add_argument("--config", required=True)
    parser.add_argument("--chain-index", type=int)
    parser.add_argument("-v", "--variable", action="append", default=[])
    parser.add_argument("--grow-head", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--token-file")
    return parser.parse_args(argv)


def load_config(arguments):
    """The config as eo-grow's CLI prepares it: imports and ${config_path}, then variables."""
    from eogrow.core.config import collect_configs_from_path, interpret_config_from_dict

    crude = collect_configs_from_path(arguments.config)
    if isinstance(crude, list):
        index = arguments.chain_index or 0
        if index >= len(crude) or "pipeline_config" not in crude[index]:
            raise UserError(f"{arguments.config}: the pipeline chain has no pipeline_config at [{index}]")
        crude = crude[index]["pipeline_config"]
    variables = {}
    for assignment in arguments.variable:
        # eo-grow's CLI: name and value split at the first ':'.
        match = re.match(r"(?P<name>.+?):(?P<value>.+)", assignment)
        if match is None:
            raise UserError(f'-v {assignment}: expected "name:value"')
        variables[match["name"]] = match["value"]
    return interpret_config_from_dict(crude, variables)


def import_folders(config_path, project_folder):
    """Where a custom pipeline's modules are found, besides the interpreter's own sys.path: the
    config's folder, a local project folder and the working folder (eo-grow imports class paths
    with importlib, from sys.path)."""
    folders = [os.path.dirname(os.path.abspath(config_path))]
    if project_folder and "://" not in project_folder:
        folders.append(os.path.abspath(project_folder))
    folders.append(os.getcwd())
    unique = []
    for folder in folders:
        if os.path.isdir(folder) and folder not in unique:
            unique.append(folder)
    return unique


def workflow_signature(workflow):
    return sorted(f"{type(node.task).__module__}.{type(node.task).__qualname__}:{node.name}" for node in workflow.get_nodes())


class Bridge:
    """Hands a pipeline's executions to grow and reads back what became of them."""

    def __init__(self, arguments, raw_config, grow_options, sys_path):
        self.arguments = arguments
        self.raw_config = raw_config
        self.grow_options = grow_options
        self.sys_path = sys_path
        self.failed_any = False

    def job(self, pipeline, workflow, names, execution_logs):
        job = {
            "pipeline": "eogrow",
            "name": pipeline._pipeline_name,
            "tiles": names,
            "eogrow": {
                "pipeline": self.raw_config["pipeline"],
                "config": json.dumps(self.raw_config),
                "sys_path": self.sys_path,
                "working_directory": os.getcwd(),
                "workflow": workflow_signature(workflow),
            },
        }
        if execution_logs:
            job["eogrow"]["execution_logs"] = execution_logs
        job.update(self.grow_options)
        if not pipeline.storage.is_on_s3():
            # grow's records next to eo-grow's logs; for a bucket they stay on the head.
            job["storage"] = {
                "project_folder": os.path.abspath(pipeline.storage.config.project_folder),
                "structure": {"logs": pipeline.storage.config.structure["logs"]},
            }
        return job

    def submit(self, job):
        """Runs `grow-head submit JOB --wait`, its output passed on; returns the records folder."""
        folder = tempfile.mkdtemp(prefix="grow-eogrow-job-")
        try:
            path = os.path.join(folder, "job.json")
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as file:
                json.dump(job, file)
            command = [self.arguments.grow_head, "submit", path, "--wait", "--address", self.arguments.address]
            if self.arguments.token_file:
                command += ["--token-file", self.arguments.token_file]
            records = None
            with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8") as process:
                for line in process.stdout:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                    found = re.search(r"(?:; records: |; records in )(.+)$", line.rstrip("\n"))
                    if found:
                        records = found.group(1)
                status = process.wait()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if status not in (0, 1):
            raise GrowJobError(f"grow-head submit ended with exit code {status}", 2 if status == 2 else 1)
        if records is None:
            raise GrowJobError("grow-head submit printed no records folder", 1)
        return records

    @staticmethod
    def read_records(records):
        def read(name):
            try:
                with open(os.path.join(records, name), encoding="utf-8") as file:
                    return json.load(file)
            except OSError as error:
                raise GrowJobError(
                    f"cannot read grow's records in {records} ({error.strerror}): the driver must run where the head"
                    " keeps them (grow-head run, or grow-head submit CLUSTER PIPELINE, which runs it on the head)",
                    1,
                ) from error

        finished = set(read("finished.json"))
        errors = {name: "failed" for name in read("failed.json")}
        for tile in read("pipeline-report.json").get("failed_tiles", []):
            errors[tile["name"]] = tile.get("error") or "failed"
        return finished, errors

    def run_execution(self, pipeline, workflow, execution_kwargs, **executor_run_params):
        """eo-grow's Pipeline.run_execution, with grow as the executor."""
        from eogrow.core.logging import EOExecutionFilter, EOExecutionHandler

        LOGGER.info("Starting processing for %d EOPatches", len(execution_kwargs))
        list_of_kwargs, execution_names = [], []
        for name, kwargs in execution_kwargs.items():
            list_of_kwargs.append(kwargs)
            execution_names.append(name)
        executor = grow_executor_class()(
            workflow,
            list_of_kwargs,
            execution_names=execution_names,
            save_logs=pipeline.logging_manager.config.save_logs,
            logs_folder=pipeline.logging_manager.get_pipeline_logs_folder(pipeline.current_execution_name),
            filesystem=pipeline.storage.filesystem,
            logs_filter=EOExecutionFilter(ignore_packages=pipeline.logging_manager.config.eoexecution_ignore_packages),
            logs_handler_factory=EOExecutionHandler,
            raise_on_temporal_mismatch=pipeline.config.raise_on_temporal_mismatch,
        )
        executor.bridge = self
        executor.pipeline = pipeline
        execution_results = executor.run()

        successful = [execution_names[index] for index in executor.get_successful_executions()]
        failed = [execution_names[index] for index in executor.get_failed_executions()]
        self.failed_any = self.failed_any or bool(failed)
        LOGGER.info(
            "%s finished with %d / %d success rate",
            type(executor).__name__,
            len(successful),
            len(successful) + len(failed),
        )
        if pipeline.logging_manager.config.save_logs:
            executor.make_report(include_logs=pipeline.logging_manager.config.include_logs_to_report)
            LOGGER.info("Saved EOExecution report to %s", executor.get_report_path(full_path=True))
        return successful, failed, execution_results


def grow_executor_class():
    from eolearn.core import EOExecutor
    from eolearn.core.eonode import ExceptionInfo, NodeStats
    from eolearn.core.eoworkflow import WorkflowResults

    class GrowTileError(RuntimeError):
        """A tile grow ran and failed (the worker's error text)."""

    class GrowExecutor(EOExecutor):
        """EOExecutor whose executions are the tiles of a grow job."""

        def _run_execution(self, processing_args, run_params):
            names = self.execution_names
            if not names:
                return []
            start = dt.datetime.now()
            job = self.bridge.job(self.pipeline, self.workflow, names, self.report_folder if self.save_logs else None)
            finished, errors = self.bridge.read_records(self.bridge.submit(job))
            end = dt.datetime.now()
            nodes = {node.name: node.uid for node in self.workflow.get_nodes()}
            results = []
            for name in names:
                stats = {}
                if name not in finished:
                    error = errors.get(name, "not run: the grow job ended without it (cancelled)")
                    # "<node name>: <traceback's last lines>" from the worker names the failed node.
                    node_name = error.split(":", 1)[0]
                    uid = nodes.get(node_name, "grow")
                    stats[uid] = NodeStats(
                        node_uid=uid,
                        node_name=node_name if uid != "grow" else "grow",
                        start_time=start,
                        end_time=end,
                        exception_info=ExceptionInfo(GrowTileError(error), traceback=error, origin=f"grow tile {name}"),
                    )
                results.append(WorkflowResults(outputs={}, start_time=start, end_time=end, stats=stats))
            return results

    return GrowExecutor


def main(argv):
    arguments = parse_arguments(argv)
    try:
        import eogrow  # noqa: F401
        from eogrow.core.pipeline import PipelineExecutionError
        from eogrow.utils.meta import load_pipeline_class
    except ImportError as error:
        print(
            f"grow-head: {sys.executable} cannot import eogrow ({one_line(error)}): install eo-grow into it"
            " (pip install eo-grow) or name a Python that has it with --python or GROW_EOGROW_PYTHON",
            file=sys.stderr,
        )
        return 2
    try:
        raw_config = load_config(arguments)
        grow_options = {key: raw_config.pop(key) for key in GROW_KEYS if key in raw_config}
        project_folder = (raw_config.get("storage") or {}).get("project_folder")
        sys_path = import_folders(arguments.config, project_folder)
        for folder in sys_path:
            if folder not in sys.path:
                sys.path.append(folder)
        pipeline = load_pipeline_class(raw_config).from_raw_config(raw_config)
    except Exception as error:
        print(f"grow-head: {arguments.config}: {one_line(error)}", file=sys.stderr)
        return 2

    bridge = Bridge(arguments, raw_config, grow_options, sys_path)
    pipeline.run_execution = types.MethodType(bridge.run_execution, pipeline)
    try:
        pipeline.run()
    except GrowJobError as error:
        print(f"grow-head: {error}", file=sys.stderr)
        return error.status
    except PipelineExecutionError as error:
        print(f"grow-head: {error}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    return 1 if bridge.failed_any else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
"""#
}
