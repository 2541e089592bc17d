/// The Python the client runs as the driver of an eo-grow pipeline grow does not implement
/// natively (`EOGrowDriver`). Written to a private temporary file for the run, removed afterwards.
enum DriverScript {
    static let source = #"""
        """grow's eo-grow driver: runs an eo-grow pipeline as `eogrow CONFIG` does, with the per-patch
        executions on grow's workers instead of Ray's.

        grow-head run and grow-head submit start it for a config whose pipeline grow does not implement.
        It loads the config with eo-grow's own config language, builds the pipeline and calls its run(),
        so everything before and after the executions (patch list, skip_existing, logs and reports, map
        merging...) is eo-grow's own and happens here. Only Pipeline.run_execution is replaced: where
        eo-grow would hand its executions to Ray, they are pickled as Ray pickles them and submitted to
        grow as one job (`grow-head submit JOB --wait`, one tile per execution, in order); the job's
        records (finished.json, pipeline-report.json) tell eo-grow which executions failed and why.

            python grow_eogrow_driver.py --config CONFIG [--chain-index N ...] [-v name:value ...] [-t N ...] [--check]
                [--grow-head GROW_HEAD --address HOST:PORT [--token-file FILE]] [--interpreter NAME]

        --check only loads and validates the configs (every --chain-index given). Exit codes: 0 every
        execution finished (or some failed and raise_on_failure is false), 1 the pipeline failed, 2 a
        mistake to fix in the config or the installation, reported in one line.
        """

        import argparse
        import base64
        import dataclasses
        import datetime as dt
        import json
        import logging
        import os
        import re
        import shutil
        import subprocess
        import sys
        import tempfile
        import time
        import traceback
        import types
        import warnings

        # grow's own keys in an eo-grow config: eo-grow's schemas refuse unknown keys, so they are taken
        # out before eo-grow sees the config, and given to the grow job.
        GROW_KEYS = ("max_attempts", "tile_timeout")

        # What eo-grow's own Pipeline.run_execution logs under (the method this driver replaces).
        LOGGER = logging.getLogger("eogrow.core.pipeline")


        class UserError(Exception):
            """A mistake to report in one line, exit code 2."""


        class GrowJobError(Exception):
            """grow could not run the executions as a job; `status` is the exit code to end with."""

            def __init__(self, message, status):
                super().__init__(message)
                self.status = status


        def one_line(error):
            if isinstance(error, UserError):
                return str(error)
            errors = getattr(error, "errors", None)
            if type(error).__name__ == "ValidationError" and callable(errors):
                # pydantic's: each problem as "key.path: message", as grow reports its own keys.
                return "; ".join(f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in errors())
            text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
            return f"{type(error).__name__}: {text}"


        def parse_arguments(argv):
            parser = argparse.ArgumentParser(prog="grow_eogrow_driver")
            parser.add_argument("--config", required=True)
            parser.add_argument("--chain-index", type=int, action="append", default=[])
            parser.add_argument("-v", "--variable", action="append", default=[])
            parser.add_argument("-t", "--test", type=int, action="append", default=[])
            parser.add_argument("--check", action="store_true")
            parser.add_argument("--grow-head")
            parser.add_argument("--address")
            parser.add_argument("--token-file")
            parser.add_argument("--interpreter", help="the Python as the user named it, for messages")
            return parser.parse_args(argv)


        def cli_variables(assignments):
            """-v name:value as eo-grow's command line reads it: split at the first ':'."""
            variables = {}
            for assignment in assignments:
                match = re.match(r"(?P<name>.+?):(?P<value>.+)", assignment)
                if match is None:
                    raise UserError(f'-v {assignment}: expected "name:value"')
                variables[match["name"]] = match["value"]
            return variables


        def load_configs(arguments):
            """The configs as eo-grow's command line prepares them (imports and ${config_path}, then
            variables), each with where it is: the file, and in a chain the entry's position."""
            from eogrow.core.config import collect_configs_from_path, interpret_config_from_dict

            crude = collect_configs_from_path(arguments.config)
            variables = cli_variables(arguments.variable)

            def prepared(config):
                config = interpret_config_from_dict(config, variables)
                if arguments.test:
                    config["test_subset"] = list(arguments.test)  # eo-grow's -t
                return config

            if isinstance(crude, dict):
                return [(arguments.config, prepared(crude))]
            configs = []
            for index in arguments.chain_index or [0]:
                where = f"{arguments.config}[{index}]"
                if index >= len(crude) or "pipeline_config" not in crude[index]:
                    raise UserError(f"{where}: the pipeline chain has no pipeline_config here")
                configs.append((where, prepared(crude[index]["pipeline_config"])))
            return configs


        def import_folders(config_path, project_folder):
            """Where a custom pipeline's modules are looked for beyond the interpreter's own sys.path
            (PYTHONPATH, installed packages), which is all eo-grow itself looks at: the working folder (as
            `python -m eogrow.cli` has it), the config's folder and a local project folder."""
            folders = [os.getcwd(), os.path.dirname(os.path.abspath(config_path))]
            if project_folder and "://" not in project_folder:
                folders.append(os.path.abspath(project_folder))
            unique = []
            for folder in folders:
                if os.path.isdir(folder) and folder not in unique:
                    unique.append(folder)
            return unique


        def build_pipeline(raw_config, config_path):
            """The pipeline object, as eo-grow builds it; returns it with grow's options and the import folders."""
            from eogrow.utils.meta import load_pipeline_class

            grow_options = {key: raw_config.pop(key) for key in GROW_KEYS if key in raw_config}
            project_folder = (raw_config.get("storage") or {}).get("project_folder") or os.environ.get(
                "eogrow_project_folder"
            )
            folders = import_folders(config_path, project_folder)
            for folder in folders:
                if folder not in sys.path:
                    sys.path.append(folder)
            pipeline = load_pipeline_class(raw_config).from_raw_config(raw_config)
            # The workers look where the pipeline's module was found, and where the driver looked.
            module = sys.modules.get(type(pipeline).__module__)
            module_file = getattr(module, "__file__", None)
            if module_file:
                top = os.path.dirname(os.path.abspath(module_file))
                for _ in range(type(pipeline).__module__.count(".")):
                    top = os.path.dirname(top)
                if top not in folders and not top.startswith(sys.prefix):
                    folders.append(top)
            return pipeline, grow_options, folders


        def cloudpickle_module():
            try:
                import cloudpickle
            except ImportError:
                from ray import cloudpickle  # eo-grow depends on Ray, which carries its own copy
            return cloudpickle


        class Bridge:
            """Hands a pipeline's executions to grow and reads back what became of them."""

            def __init__(self, arguments, raw_config, grow_options, sys_path):
                self.arguments = arguments
                self.raw_config = raw_config
                self.grow_options = grow_options
                self.sys_path = sys_path

            def job(self, pipeline, names, processing_args):
                # One copy of the filesystem's pickle for all executions (eo-learn makes one each).
                shared = processing_args[0].pickled_filesystem
                executions = {
                    name: dataclasses.replace(data, pickled_filesystem=shared) for name, data in zip(names, processing_args)
                }
                payload = base64.b64encode(cloudpickle_module().dumps(executions)).decode("ascii")
                storage = pipeline.storage.config
                job = {
                    "pipeline": "eogrow",
                    # Its records folder sits next to eo-grow's own (named after the pipeline too).
                    "name": f"{pipeline._pipeline_name}-executions",
                    "tiles": names,
                    "eogrow": {
                        "pipeline": self.raw_config["pipeline"],
                        "payload": payload,
                        "sys_path": self.sys_path,
                        "working_directory": os.getcwd(),
                    },
                    # grow's records go next to eo-grow's logs, in the project's logs folder.
                    "storage": {
                        "project_folder": storage.project_folder
                        if "://" in storage.project_folder
                        else os.path.abspath(storage.project_folder),
                        "structure": {"logs": storage.structure["logs"]},
                    },
                    # eo-grow's driver decides what failed executions mean; the grow job only reports them.
                    "raise_on_failure": False,
                }
                if storage.filesystem_kwargs:
                    job["storage"]["filesystem_kwargs"] = storage.filesystem_kwargs
                job.update(self.grow_options)
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
            def read_records(pipeline, records):
                """finished.json and the failed tiles' errors: from the records folder when it is here (the
                project is local, or the driver runs on the head), else from the copy in the project's logs."""
                import fs.errors
                import fs.path

                remote = "://" in pipeline.storage.config.project_folder and not os.path.isdir(records)

                def read(name):
                    try:
                        if not remote:
                            with open(os.path.join(records, name), encoding="utf-8") as file:
                                return json.load(file)
                        path = fs.path.join(pipeline.storage.get_logs_folder(), os.path.basename(records), name)
                        # The head copies a job's records to object storage just after the job ends.
                        for delay in [0.2] * 10 + [1.0] * 120:
                            try:
                                return json.loads(pipeline.storage.filesystem.readtext(path))
                            except fs.errors.ResourceNotFound:
                                time.sleep(delay)
                        return json.loads(pipeline.storage.filesystem.readtext(path))
                    except Exception as error:
                        raise GrowJobError(f"cannot read grow's {name} in {records}: {one_line(error)}", 1) from error

                finished = set(read("finished.json"))
                report = read("pipeline-report.json")
                errors = {tile["name"]: tile.get("error") or "failed" for tile in report.get("failed_tiles", [])}
                return finished, errors

            def run_execution(self, pipeline, workflow, execution_kwargs, **executor_run_params):
                """eo-grow's Pipeline.run_execution, with grow's workers where Ray's would be."""
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
                LOGGER.info(
                    "%s finished with %d / %d success rate", type(executor).__name__, len(successful), len(successful) + len(failed)
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
                """A tile grow ran and that failed (the worker's error text)."""

            class GrowExecutor(EOExecutor):
                """EOExecutor whose executions are the tiles of a grow job."""

                def _run_execution(self, processing_args, run_params):
                    names = self.execution_names
                    if not names:
                        return []
                    start = dt.datetime.now()
                    job = self.bridge.job(self.pipeline, names, processing_args)
                    finished, errors = self.bridge.read_records(self.pipeline, self.bridge.submit(job))
                    end = dt.datetime.now()
                    nodes = {node.name: node.uid for node in self.workflow.get_nodes()}
                    results = []
                    for name in names:
                        stats = {}
                        if name not in finished:
                            error = errors.get(name, "not run: the grow job ended without it (cancelled)")
                            # The worker ends an execution's error with "(in NODE NAME)".
                            found = re.search(r" \(in ([^()]*)\)$", error)
                            node_name = found.group(1) if found else "grow"
                            uid = nodes.get(node_name, "grow")
                            stats[uid] = NodeStats(
                                node_uid=uid,
                                node_name=node_name,
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
                # Warnings of imports and validation would make a one-line error several lines.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    import eogrow  # noqa: F401
                    from eogrow.core.pipeline import PipelineExecutionError

                    cloudpickle_module()
            except ImportError as error:
                print(
                    f"grow-head: {arguments.interpreter or sys.executable} cannot run eo-grow ({one_line(error)}):"
                    " install eo-grow into it"
                    " (pip install eo-grow) or name a Python that has it with --python or GROW_EOGROW_PYTHON",
                    file=sys.stderr,
                )
                return 2
            where = arguments.config
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    configs = load_configs(arguments)
                    built = []
                    for where, config in configs:
                        built.append(build_pipeline(config, arguments.config))
            except Exception as error:
                message = one_line(error)
                print(f"grow-head: {message if message.startswith(where) else where + ': ' + message}", file=sys.stderr)
                return 2
            if arguments.check:
                return 0
            if len(built) != 1 or not (arguments.grow_head and arguments.address):
                print("grow-head: the driver runs one config, with --grow-head and --address", file=sys.stderr)
                return 2

            pipeline, grow_options, folders = built[0]
            bridge = Bridge(arguments, configs[0][1], grow_options, folders)
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
            return 0


        if __name__ == "__main__":
            sys.exit(main(sys.argv[1:]))
        """#
}
