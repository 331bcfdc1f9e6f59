"""The notification modules import one another in one direction: the queue and the digest
never import the worker (it registers itself to be woken: `jobs.set_waker`)."""

import subprocess
import sys


def test_queue_and_digest_do_not_import_the_worker():
    code = (
        "import sys\n"
        "import ent.policy.notifications.queue, ent.policy.notifications.digest\n"
        "print('ent.policy.notifications.worker' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_queued_job_wakes_the_registered_worker():
    from ent.policy.notifications import jobs

    woken = []
    previous = jobs._waker
    jobs.set_waker(lambda: woken.append(True))
    try:
        jobs.job_queued()
    finally:
        jobs.set_waker(previous)
    assert woken == [True]
