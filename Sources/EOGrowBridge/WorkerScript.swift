/// The Python each eo-grow worker process runs (one per worker slot, reused across tiles).
/// Written to a private temporary file when a worker starts its first such process.
enum WorkerScript {
    static let source = #"""
"""grow's eo-grow worker process: runs executions of eo-grow pipelines for one slot of grow-worker.

grow-worker starts one per slot on the first eo-grow tile and keeps it for the tiles after, so
eo-grow is imported once and each job's pipeline and workflow are built once. It speaks one
JSON object per line: requests on stdin, answers on the stdout it was started with (anything the
pipeline prints goes to stderr instead).

    at start  {"ready": true, "eogrow": "1.7.15", "python": "3.11.2", "pid": 123}
              or {"ready": false, "error": "ModuleNotFoundError: No module named 'eogrow'"}
    request   {"job": KEY, "execution": NAME, "eogrow": {"pipeline", "config", "sys_path",
               "execution_logs", "working_directory", "workflow"}} (the job spec's "eogrow" task)
    answer    {"ok": true, "detail": TEXT} or {"ok": false, "retryable": BOOL, "error": TEXT}

It ends at the end of stdin, and kills itself (and its process group) when grow-worker is gone.
"""

import json
import os
import sys
import threading
import time
import traceback
from collections import OrderedDict

# A tile's error: the last lines of the traceback, at most this many characters.
ERROR_LIMIT = 1500
# Jobs whose pipeline and workflow are kept (a worker seldom runs more than one or two at once).
JOBS_KEPT = 4


class ConfigError(Exception):
    """A problem with the pipeline or its config: another attempt gives the same result."""


def short_error(text, lines=4):
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    joined = "\n".join(kept)
    return joined if len(joined) <= ERROR_LIMIT else "..." + joined[-ERROR_LIMIT:]


def exception_text(error):
    return short_error("".join(traceback.format_exception(type(error), error, error.__traceback__)))


def watch_parent():
    """grow-worker killed outright cannot stop this process: it stops itself when its parent goes."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os.killpg(os.getpgrp(), 9)

    threading.Thread(target=watch, name="grow-parent-watch", daemon=True).start()


def workflow_signature(workflow):
    """What the workflow is made of, to check that build_workflow() here builds what the driver ran."""
    return sorted(f"{type(node.task).__module__}.{type(node.task).__qualname__}:{node.name}" for node in workflow.get_nodes())


class Job:
    """A job's pipeline, rebuilt here from the config the driver validated, and its workflow."""

    def __init__(self, task):
        import pydantic

        from eogrow.utils.meta import import_object

        for folder in task.get("sys_path") or []:
            if os.path.isdir(folder) and folder not in sys.path:
                sys.path.append(folder)
        self.working_directory = task.get("working_directory")
        self.enter()
        config = json.loads(task["config"])
        try:
            pipeline_class = import_object(task["pipeline"])
            self.pipeline = pipeline_class.from_raw_config(config)
        except (ImportError, SyntaxError, pydantic.ValidationError) as error:
            raise ConfigError(f"cannot build {task['pipeline']}: {exception_text(error)}") from error
        build = getattr(self.pipeline, "build_workflow", None)
        if build is None:
            raise ConfigError(f"{task['pipeline']} has no build_workflow(): grow rebuilds the workflow with it")
        try:
            self.workflow = build()
        except TypeError as error:
            raise ConfigError(
                f"{task['pipeline']}.build_workflow() needs arguments grow cannot give: {exception_text(error)}"
            ) from error
        expected = task.get("workflow")
        if expected is not None and workflow_signature(self.workflow) != sorted(expected):
            raise ConfigError(
                f"{task['pipeline']}.build_workflow() builds another workflow than the one the pipeline ran"
                f" ({', '.join(sorted(expected))})"
            )
        self.execution_logs = task.get("execution_logs")
        self._patches = None

    def enter(self):
        """Relative paths in the config mean what they meant for the driver (when its folder is here)."""
        if self.working_directory and os.path.isdir(self.working_directory):
            os.chdir(self.working_directory)

    def patch(self, name):
        if self._patches is None:
            self._patches = dict(self.pipeline.area_manager.get_patch_list())
        if name not in self._patches:
            raise ConfigError(f"{name} is not a patch of the pipeline's area manager")
        return self._patches[name]

    def run(self, name):
        """One execution, as eo-learn's EOExecutor runs it (its log file, its warning filters)."""
        from eolearn.core import EOExecutor
        from eolearn.core.eoexecution import _ProcessingData
        from eolearn.core.utils.fs import pickle_fs

        from eogrow.core.logging import EOExecutionFilter, EOExecutionHandler

        import fs.path

        self.enter()
        kwargs = self.pipeline.get_execution_arguments(self.workflow, [(name, self.patch(name))])
        if name in kwargs:
            node_kwargs = kwargs[name]
        elif len(kwargs) == 1:
            node_kwargs = next(iter(kwargs.values()))
        else:
            raise ConfigError(f"get_execution_arguments gives no execution named {name}")
        logging_config = self.pipeline.logging_manager.config
        data = _ProcessingData(
            workflow=self.workflow,
            workflow_kwargs=node_kwargs,
            pickled_filesystem=pickle_fs(self.pipeline.storage.filesystem),
            log_path=fs.path.combine(self.execution_logs, f"eoexecution-{name}.log") if self.execution_logs else None,
            filter_logs_by_thread=False,
            logs_filter=EOExecutionFilter(ignore_packages=logging_config.eoexecution_ignore_packages),
            logs_handler_factory=EOExecutionHandler,
            raise_on_temporal_mismatch=self.pipeline.config.raise_on_temporal_mismatch,
        )
        return EOExecutor._execute_workflow(data)


def answer_for(jobs, request):
    key = request["job"]
    job = jobs.get(key)
    if job is None:
        job = Job(request["eogrow"])
        jobs[key] = job
        while len(jobs) > JOBS_KEPT:
            jobs.popitem(last=False)
    jobs.move_to_end(key)
    name = request["execution"]
    started = time.monotonic()
    results = job.run(name)
    if results.workflow_failed():
        stats = results.stats[results.error_node_uid]
        info = stats.exception_info
        text = info.traceback or repr(info.exception)
        return {"ok": False, "retryable": True, "error": f"{stats.node_name}: {short_error(text)}"}
    return {"ok": True, "detail": f"{name} in {time.monotonic() - started:.2f} s (pid {os.getpid()})"}


def main():
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def send(message):
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    watch_parent()
    try:
        import eogrow
        import eolearn.core  # noqa: F401
    except BaseException as error:
        send({"ready": False, "error": short_error(f"{type(error).__name__}: {error}", lines=1)})
        return 3
    send({"ready": True, "eogrow": eogrow.__version__, "python": sys.version.split()[0], "pid": os.getpid()})

    jobs = OrderedDict()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = answer_for(jobs, json.loads(line))
        except ConfigError as error:
            answer = {"ok": False, "retryable": False, "error": short_error(str(error), lines=6)}
        except Exception as error:
            answer = {"ok": False, "retryable": True, "error": exception_text(error)}
        send(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
"""#
}
