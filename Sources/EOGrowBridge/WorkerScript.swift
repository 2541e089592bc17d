/// The Python each worker slot runs for eo-grow's executions (`PythonWorkerProcess`), kept for
/// many tiles. Written to a private temporary file when the worker starts its first one.
enum WorkerScript {
    static let source = #"""
        """grow's eo-grow process: runs executions of eo-grow pipelines for one slot of grow-worker.

        grow-worker starts it on the slot's first eo-grow tile and keeps it for the tiles after, so eo-grow
        and the pipeline's modules are imported once and each job's executions are unpickled once. One
        JSON object per line: requests on stdin, answers on the stdout it was started with (whatever the
        pipeline prints goes to stderr instead).

            at start  {"ready": true, "eogrow": "1.7.15", "python": "3.11.2", "pid": 123}
                      or {"ready": false, "error": "ModuleNotFoundError: No module named 'eogrow'"}
            request   {"job": KEY, "execution": NAME}, with "task": {the job's "eogrow" member} when asked
            answer    {"ok": true, "detail": TEXT}, {"ok": false, "retryable": BOOL, "error": TEXT}
                      or {"need": "task"} (this process has not seen the job yet)

        The end of stdin means grow-worker is gone: the process then kills its own process group at once,
        so no execution of a lost worker goes on writing while the head hands its tile to another.
        """

        import base64
        import os
        import queue
        import signal
        import sys
        import threading
        import time
        import traceback
        from collections import OrderedDict

        import json

        # Jobs whose unpickled executions are kept (a worker seldom runs more than one or two at once).
        JOBS_KEPT = 4
        ERROR_LIMIT = 1500


        class JobError(Exception):
            """The job cannot run here at all (its executions do not unpickle): retrying gives the same."""


        def last_line(text):
            lines = [line.strip() for line in str(text).splitlines() if line.strip()]
            line = lines[-1] if lines else "(no message)"
            return line if len(line) <= ERROR_LIMIT else line[:ERROR_LIMIT] + "..."


        def exception_line(error):
            return last_line("".join(traceback.format_exception_only(type(error), error)))


        def read_requests(requests):
            """stdin, line by line, into `requests`; at its end the whole group goes (grow-worker died or quit)."""
            for line in sys.stdin:
                if line.strip():
                    requests.put(line)
            os.killpg(os.getpgrp(), signal.SIGKILL)


        def watch_parent():
            """A second guard: a parent that is gone while stdin stays open (a leaked descriptor)."""
            parent = os.getppid()
            while True:
                time.sleep(1)
                if os.getppid() != parent:
                    os.killpg(os.getpgrp(), signal.SIGKILL)


        def cloudpickle_module():
            try:
                import cloudpickle
            except ImportError:
                from ray import cloudpickle  # eo-grow depends on Ray, which carries its own copy
            return cloudpickle


        class Job:
            """A job's executions, as the driver's EOExecutor prepared them (eo-learn's _ProcessingData)."""

            def __init__(self, task):
                for folder in task.get("sys_path") or []:
                    if os.path.isdir(folder) and folder not in sys.path:
                        sys.path.append(folder)
                self.working_directory = task.get("working_directory")
                self.enter()
                try:
                    self.executions = cloudpickle_module().loads(base64.b64decode(task["payload"]))
                except Exception as error:
                    raise JobError(
                        f"cannot load the executions of {task.get('pipeline')} here: {exception_line(error)}"
                        f" (sys.path: {', '.join(sys.path[1:])})"
                    ) from error

            def enter(self):
                if self.working_directory and os.path.isdir(self.working_directory):
                    os.chdir(self.working_directory)

            def run(self, name):
                from eolearn.core import EOExecutor

                data = self.executions.get(name)
                if data is None:
                    raise JobError(f"the job has no execution named {name}")
                self.enter()
                return EOExecutor._execute_workflow(data)


        def answer(jobs, request):
            key, name = request["job"], request["execution"]
            job = jobs.get(key)
            if job is None:
                task = request.get("task")
                if task is None:
                    return {"need": "task"}
                job = Job(task)
                jobs[key] = job
                while len(jobs) > JOBS_KEPT:
                    jobs.popitem(last=False)
            jobs.move_to_end(key)
            started = time.monotonic()
            results = job.run(name)
            if results.workflow_failed():
                stats = results.stats[results.error_node_uid]
                info = stats.exception_info
                text = info.traceback or "".join(traceback.format_exception_only(type(info.exception), info.exception))
                print(f"execution {name} failed in node {stats.node_name}:\n{text}", file=sys.stderr, flush=True)
                # Like eo-grow's executors: an execution that raised is failed, not tried again.
                return {"ok": False, "retryable": False, "error": f"{last_line(text)} (in {stats.node_name})"}
            return {"ok": True, "detail": f"{name} in {time.monotonic() - started:.2f} s (pid {os.getpid()})"}


        def main():
            answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
            os.dup2(2, 1)

            def send(message):
                answers.write(json.dumps(message) + "\n")
                answers.flush()

            requests = queue.Queue()
            threading.Thread(target=read_requests, args=(requests,), name="grow-requests", daemon=True).start()
            threading.Thread(target=watch_parent, name="grow-parent", daemon=True).start()
            try:
                import eogrow
                import eolearn.core  # noqa: F401

                cloudpickle_module()
            except BaseException as error:
                send({"ready": False, "error": exception_line(error)})
                return 3
            send({"ready": True, "eogrow": eogrow.__version__, "python": sys.version.split()[0], "pid": os.getpid()})

            jobs = OrderedDict()
            while True:
                line = requests.get()
                try:
                    reply = answer(jobs, json.loads(line))
                except JobError as error:
                    reply = {"ok": False, "retryable": False, "error": str(error)}
                except Exception as error:
                    traceback.print_exc()
                    reply = {"ok": False, "retryable": True, "error": exception_line(error)}
                send(reply)


        if __name__ == "__main__":
            sys.exit(main())
        """#
}
