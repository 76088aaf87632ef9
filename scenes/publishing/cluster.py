"""Chapters of a course as tasks on a Dask cluster (dask.distributed).

    render.py course course.toml --scheduler tcp://HOST:8786     (or --scheduler-file FILE)

Each chapter is one task, run by whichever worker the scheduler picks; Dask's dashboard shows
the work, and a chapter whose worker dies is run again on another (the scheduler's own
rescheduling, and `retries` for a chapter that raised). A task carries everything it needs:
the settings, and the trace files' bytes (a worker need not see this machine's files). It
renders into a private folder on the worker and returns the chapter's files as bytes, or
leaves them in a folder both sides see (`shared_dir`, the same path on every machine); they
are written into the lesson's folder here, where the lessons are joined. While a chapter
draws, its worker sends its frame count every half second as a Dask event (Worker.log_event,
read here with Client.subscribe_topic), so the progress line moves with the drawing.

Workers need nextword installed, the same code as here: checked at the start (check_workers),
and again by every task, which refuses to draw with other chapter code.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

from scenes.files import atomic_path, file_digest
from scenes.publishing.workers import ChapterJob, ChapterRecord

RETRIES = 2  # a chapter that raised is tried this many more times
WAIT_FOR_WORKERS = 60  # seconds to wait for a first worker to join the scheduler
PROGRESS_POLL = 0.3  # seconds between looks at finished chapters and workers' progress events

# Sent to every worker by value (cloudpickle pickles functions of an unimported module whole), so
# that it runs even where nextword cannot be imported, and says so.
_PROBE_SOURCE = '''
def probe():
    import importlib.metadata
    try:
        version = importlib.metadata.version("nextword")
    except importlib.metadata.PackageNotFoundError:
        version = None
    try:
        from scenes.publishing.course import code_fingerprint
        code = code_fingerprint()
    except Exception as e:
        return {"version": version, "error": f"{type(e).__name__}: {e}"}
    return {"version": version, "code": code}
'''


class ClusterError(RuntimeError):
    """The cluster cannot be used: one sentence saying why (and, for a worker, naming it)."""


def _probe():
    namespace = {"__name__": "nextword_probe"}
    exec(_PROBE_SOURCE, namespace)
    return namespace["probe"]


def local_version() -> str | None:
    """This machine's nextword version (None when it is not installed, only checked out)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("nextword")
    except importlib.metadata.PackageNotFoundError:
        return None


def check_workers(client, address: str) -> list[str]:
    """Every worker of the cluster, checked: it imports nextword, at the same version and with the
    same chapter code as this machine. Returns their addresses; raises ClusterError (one sentence
    naming the first worker that differs) otherwise."""
    from scenes.publishing.course import code_fingerprint

    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except Exception:  # a timeout, in whatever form this version raises it
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers after {WAIT_FOR_WORKERS} s: "
            f"start some (`dask worker {address} --nthreads 1`)."
        ) from None
    version, code = local_version(), code_fingerprint()
    answers = client.run(_probe(), on_error="return")
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            problem = f"{type(answer).__name__}: {answer}"
            raise ClusterError(f"worker {worker} could not run the check ({problem}).")
        if "error" in answer:
            raise ClusterError(
                f"worker {worker} cannot import nextword ({answer['error']}): install nextword "
                f"{version or ''} there (`pip install -e .` in this checkout) and start the worker again."
            )
        if answer["version"] != version:
            raise ClusterError(
                f"worker {worker} has nextword {answer['version']} and this machine {version}: "
                "install the same version on every worker."
            )
        if answer["code"] != code:
            raise ClusterError(
                f"worker {worker} has other chapter code than this machine (nextword {version} on both): "
                "install the same checkout on every worker and start the workers again."
            )
    return sorted(answers)


# ---- on a worker ------------------------------------------------------------------------------
_drawing = threading.Lock()  # manim's config is global to a process: one chapter at a time in each


def _local_trace(digest: str, data: bytes) -> Path:
    """A trace file on this worker with these bytes (kept for later chapters of the same run)."""
    path = Path(tempfile.gettempdir()) / "nextword-course-traces" / f"{digest}.npz"
    if not path.is_file():
        with atomic_path(path) as part:
            part.write_bytes(data)
    return path


def _remove_orphans() -> None:
    """Remove the working folders of worker processes on this machine that died mid-chapter."""
    for folder in Path(tempfile.gettempdir()).glob("nextword-chapter-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # alive, another user's


class _LoggedEvents:
    """A worker's progress events (see scenes.publishing.workers) sent to the client as Dask
    events under `topic` (Worker.log_event; the client reads them with subscribe_topic)."""

    def __init__(self, topic: str):
        self.topic = topic

    def put_nowait(self, item) -> None:
        from distributed import get_worker

        get_worker().log_event(self.topic, list(item))


def render_chapter_task(job: ChapterJob, traces: dict, code: str, shared_dir: str | None,
                        tag: int | None = None, topic: str | None = None) -> dict:
    """Run on a Dask worker: render one chapter. `traces` maps each trace's name ("main" or a
    comparison run's) to (SHA-256, bytes); `code` is the client's code_fingerprint. Returns
    {"record": the ChapterRecord as a dict, "files": {path relative to the lesson: bytes}}, or
    with `shared_dir` {"record": ..., "folder": where the files are, under shared_dir}. With
    `topic`, progress events (("frames", tag, frames drawn so far) every half second) go to the
    client as Dask events under that topic.
    Raises RuntimeError when this worker's chapter code differs from the client's."""
    from scenes.publishing.course import code_fingerprint
    from scenes.publishing.workers import init_worker, render_chapter_job
    from scenes.rendering.settings import DEFAULT_SPEECH_DIR

    if code_fingerprint() != code:
        raise RuntimeError(f"this worker ({os.uname().nodename}) has other chapter code than the client.")
    local = {name: _local_trace(digest, data) for name, (digest, data) in traces.items()}
    settings = job.settings.replace(
        trace=local["main"],
        comparisons=tuple((name, local[name]) for name, _ in job.settings.comparisons),
        speech_dir=DEFAULT_SPEECH_DIR,  # this worker's own speech cache
    )
    _remove_orphans()
    with _drawing, tempfile.TemporaryDirectory(prefix=f"nextword-chapter-{os.getpid()}-") as tmp:
        if shared_dir:
            out = Path(shared_dir) / f"{job.key[:16]}-{job.stem}"
            shutil.rmtree(out, ignore_errors=True)  # left by a worker that died here before
        else:
            out = Path(tmp) / "out"
        here = dataclasses.replace(job, settings=settings, out_dir=out, media_dir=Path(tmp) / "media")
        init_worker(_LoggedEvents(topic) if topic else None)  # one chapter draws at a time (_drawing)
        record = render_chapter_job(here, tag)
        if shared_dir:
            return {"record": record, "folder": str(out)}
        files = [record[k] for k in ("video", "subtitles", "webvtt") if record[k]]
        return {"record": record, "files": {rel: (out / rel).read_bytes() for rel in files}}


# ---- on the machine running `course` ----------------------------------------------------------
class DaskCluster:
    """A course backend: each chapter a task on a Dask cluster (see the module's notes)."""

    name = "dask"

    def __init__(self, client, *, address: str = "", shared_dir: Path | None = None, retries: int = RETRIES):
        self.client, self.address, self.retries = client, address, retries
        self.shared_dir = Path(shared_dir).resolve() if shared_dir else None

    @classmethod
    def connect(
        cls, address: str | None = None, scheduler_file: Path | None = None, **kwargs
    ) -> "DaskCluster":
        """Connect to a scheduler (its address, or the file `dask scheduler --scheduler-file` wrote)
        and check every worker (check_workers). Raises ClusterError with one sentence."""
        from distributed import Client

        where = address or f"the scheduler in {scheduler_file}"
        if scheduler_file is not None and not Path(scheduler_file).is_file():
            raise ClusterError(f"the scheduler file {scheduler_file} does not exist.")
        try:
            if scheduler_file is not None:
                client = Client(scheduler_file=str(scheduler_file), timeout="10s")
            else:
                client = Client(address, timeout="10s")
        except Exception as e:  # an unreachable address, a refused connection, a bad file
            problem = f"{type(e).__name__}: {e}"
            raise ClusterError(f"cannot reach the Dask scheduler at {where} ({problem}).") from None
        cluster = cls(client, address=client.scheduler.address if address is None else address, **kwargs)
        try:
            check_workers(client, cluster.address)
        except BaseException:
            client.close()
            raise
        return cluster

    def close(self) -> None:
        self.client.close()

    @property
    def dashboard(self) -> str | None:
        """The address of Dask's dashboard, when the scheduler runs one."""
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return None
            return self.client.dashboard_link
        except Exception:
            return None

    def run(self, tasks: list, progress) -> Iterator[tuple[object, object]]:
        """Yield (task, ChapterRecord) for each chapter, its files written into its lesson's folder,
        or (task, exception) for one that failed on every try. Workers' frame counts reach
        `progress` (frames_drawn) while they draw, as Dask events."""
        from distributed import as_completed

        from scenes.publishing.course import code_fingerprint

        if not tasks:
            return
        code = code_fingerprint()
        payloads: dict[Path, tuple[str, bytes]] = {}

        def trace(path: Path) -> tuple[str, bytes]:
            if path not in payloads:
                payloads[path] = (file_digest(path), Path(path).read_bytes())
            return payloads[path]

        heard: queue.SimpleQueue = queue.SimpleQueue()  # filled by the client's event thread
        topic = f"nextword-progress-{uuid.uuid4().hex}"
        self.client.subscribe_topic(topic, lambda event: heard.put(event[1]))

        def drain() -> None:
            while True:
                try:
                    kind, number, value = heard.get_nowait()
                except queue.Empty:
                    return
                except (TypeError, ValueError):  # not ours: skipped
                    continue
                if kind == "frames":
                    progress.frames_drawn(number, value)

        futures = {}
        for task in tasks:
            settings = task.job.settings
            traces = {"main": trace(settings.trace), **{name: trace(p) for name, p in settings.comparisons}}
            future = self.client.submit(
                render_chapter_task,
                task.job,
                traces,
                code,
                str(self.shared_dir) if self.shared_dir else None,
                task.number,
                topic,
                key=f"chapter-{task.label.replace('/', '-')}-{task.job.key[:8]}-{time.time_ns()}",
                retries=self.retries,
                pure=False,
            )
            futures[future] = task
        done = as_completed(futures)
        try:
            while not done.is_empty():
                ready = done.next_batch(block=False) if done.has_ready() else []
                drain()
                if not ready:
                    time.sleep(PROGRESS_POLL)
                for future in ready:
                    task = futures.pop(future)
                    try:
                        answer = future.result()
                        record = ChapterRecord(**answer["record"])
                        self._place(task.job, answer)
                    except Exception as e:  # reported for its lesson; the others go on
                        yield task, e
                        continue
                    yield task, record
        except BaseException:
            self.client.cancel(list(futures))
            raise
        finally:
            self.client.unsubscribe_topic(topic)

    def _place(self, job: ChapterJob, answer: dict) -> None:
        """The chapter's files into the lesson's folder, each whole or not at all."""
        if "folder" in answer:
            folder = Path(answer["folder"])
            record = answer["record"]
            for rel in (record["video"], record["subtitles"], record["webvtt"]):
                if rel:
                    with atomic_path(job.out_dir / rel) as part:
                        shutil.copyfile(folder / rel, part)
            shutil.rmtree(folder, ignore_errors=True)
            return
        for rel, data in answer["files"].items():
            with atomic_path(job.out_dir / rel) as part:
                part.write_bytes(data)
