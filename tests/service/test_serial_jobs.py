"""The context's serial executor: one job at a time, in order; a newer job with the same key
drops an older one not yet started and marks a running one stale; close drains."""

from __future__ import annotations

import threading

from cspm.service.serial_jobs import SerialExecutor


def test_jobs_run_one_at_a_time_in_order_and_superseded_ones_are_dropped() -> None:
    jobs = SerialExecutor("test")
    gate, ran, active, most = threading.Event(), [], [0], [0]
    lock = threading.Lock()

    def job(name: str, wait: bool = False):
        def run() -> str:
            with lock:
                active[0] += 1
                most[0] = max(most[0], active[0])
            if wait:
                gate.wait(30)
            ran.append(name)
            with lock:
                active[0] -= 1
            return name

        return run

    first = jobs.submit(job("load 1", wait=True), supersede="load")
    dropped_calls: list[str] = []
    second = jobs.submit(job("load 2"), supersede="load")
    second.on_dropped = lambda: dropped_calls.append("load 2")
    write = jobs.submit(job("complete task"))
    third = jobs.submit(job("load 3"), supersede="load")
    assert first.superseded and first.cancelled.is_set()  # running: told to stop, stale
    assert second.superseded and second.future is not None and second.future.cancelled()
    assert dropped_calls == ["load 2"]
    gate.set()
    assert jobs.drain(30)
    assert ran == ["load 1", "complete task", "load 3"]
    assert most[0] == 1
    assert not third.superseded and third.future is not None and third.future.result() == "load 3"
    assert not write.superseded  # a job without a key is never dropped
    jobs.shutdown()


def test_shutdown_runs_what_was_queued_then_refuses_more() -> None:
    jobs = SerialExecutor("test")
    gate, ran = threading.Event(), []
    jobs.submit(lambda: gate.wait(30))
    jobs.submit(lambda: ran.append("queued write"))
    gate.set()
    jobs.shutdown()
    assert ran == ["queued write"]
    try:
        jobs.submit(lambda: None)
    except RuntimeError:
        pass
    else:
        raise AssertionError("a closed executor took a job")


def test_shutdown_from_its_own_job_does_not_wait_for_itself() -> None:
    jobs = SerialExecutor("test")
    job = jobs.submit(jobs.shutdown)
    assert job.future is not None and job.future.result(timeout=30) is None
    assert jobs.drain(1)
