"""Rendering for the web server: worker processes, a bounded number of jobs, a time limit on each.

Rendering a PDF is CPU-bound, so it never runs on the server's event loop:
each job goes to one of a fixed set of worker processes (one per core by
default), each a single-process executor of its own, so that a job past its
time limit can be ended by killing its one worker, which is then replaced,
without disturbing the jobs of the others. At most `queue` jobs are accepted
at a time, running or waiting; one more is refused at once (Busy), so a rush
of requests costs a 503, never unbounded memory. Workers are forked from a
fork server that has imported the engine already, so a new one is ready in
moments, and never inherit the server's threads or sockets.
"""

import asyncio
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

PRELOAD = ["leafletpress.build", "leafletpress.preview", "leafletpress.engines.weasyprint"]


class Busy(Exception):
    """Every place for a job is taken: the client should try again shortly."""


class TimedOut(Exception):
    """A job ran past the time limit; its worker was ended and replaced."""


class WorkerLost(Exception):
    """A worker died during a job (out of memory, say); it was replaced."""


def start_worker() -> None:
    """In each worker: Ctrl-C on the server is the server's to handle; the engine is loaded once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .engines import load

    load("weasyprint")


def ready() -> bool:
    return True


class RenderPool:
    """workers processes; at most queue jobs at once; each job at most timeout seconds."""

    def __init__(self, workers: int, queue: int, timeout: float):
        if workers < 1 or queue < 1 or timeout <= 0:
            raise ValueError("workers and queue must be 1 or more, the timeout more than 0")
        self.workers, self.queue, self.timeout = workers, queue, timeout
        self.in_flight = 0
        self.replaced = 0
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.executors: list[ProcessPoolExecutor] = []
        self.idle: asyncio.Queue[ProcessPoolExecutor] = asyncio.Queue()

    def start(self) -> None:
        """Start every worker and wait until each has loaded the engine."""
        for _ in range(self.workers):
            self.idle.put_nowait(self.new_executor())

    def new_executor(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(1, mp_context=self.context, initializer=start_worker)
        executor.submit(ready).result()  # started now, not on the first request
        self.executors.append(executor)
        return executor

    def pids(self) -> list[int]:
        return sorted(pid for executor in self.executors for pid in executor._processes)  # noqa: SLF001

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """function(*args) in a worker; Busy when the queue is full, TimedOut past the time limit."""
        if self.in_flight >= self.queue:
            raise Busy()
        self.in_flight += 1
        try:
            executor = await self.idle.get()
            future: Future | None = None
            try:
                future = executor.submit(function, *args)
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError:
                executor, future = await self.replace(executor), None
                raise TimedOut() from None
            except BrokenProcessPool:
                executor, future = await self.replace(executor), None
                raise WorkerLost() from None
            finally:
                self.give_back(executor, future)
        finally:
            self.in_flight -= 1

    def give_back(self, executor: ProcessPoolExecutor, future: Future | None) -> None:
        """The worker is free again once its job is done (a cancelled request's job runs to its end)."""
        if future is None or future.done() or executor not in self.executors:
            self.idle.put_nowait(executor)
            return
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(self.idle.put_nowait, executor))

    async def replace(self, executor: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """End the executor's worker at once and start another in its place."""
        for process in list(executor._processes.values()):  # noqa: SLF001 (no public way to end one worker)
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        self.executors.remove(executor)
        self.replaced += 1
        return await asyncio.to_thread(self.new_executor)

    def close(self) -> None:
        for executor in self.executors:
            executor.shutdown(wait=False, cancel_futures=True)
        self.executors.clear()
