"""Concurrent first renders of page templates (CPython gh-106905, issue 15 "Concurrency").

On Python 3.11 two threads that turn source into an AST at the same time could mix the
interpreter's shared recursion depth: the first render of a template, when Chameleon parses
it, then failed with ``SystemError: AST constructor recursion depth mismatch`` and the page
answered 500 (seen on the control panels that share prefs_main_template, under waitress's
four threads). ent.policy.patches.ast_compile makes one thread at a time parse.
"""

from concurrent.futures import ThreadPoolExecutor
from ent.policy.patches import ast_compile
from support.instance_process import free_port
from support.instance_process import Instance

import ast
import gc
import pytest
import requests
import secrets
import sys
import threading


MISMATCH = "recursion depth mismatch"

#: Pages a fresh site renders for the first time when its administrator opens them: most
#: share prefs_main_template, which every request then compiles at once.
FIRST_PAGES = (
    "@@overview-controlpanel",
    "@@mail-controlpanel",
    "@@site-controlpanel",
    "@@navigation-controlpanel",
    "@@search-controlpanel",
    "@@security-controlpanel",
    "@@language-controlpanel",
    "@@markup-controlpanel",
    "@@editing-controlpanel",
    "@@imaging-controlpanel",
    "@@content-controlpanel",
    "@@dateandtime-controlpanel",
)


class Litter:
    """Garbage whose finalizer runs Python code: a collection in the middle of a parse then
    lets another thread take the interpreter, as Zope's own garbage does under load."""

    def __del__(self):
        sum(range(20))


SOURCE = "\n".join(
    f"def f{i}(a, b):\n    return [a + b * {i} for _ in range(3)] if a else {{'k': (a, b)}}" for i in range(120)
)


def parse_in_threads(threads=6, rounds=12) -> list[str]:
    errors = []

    def work():
        for _ in range(rounds):
            litter = [Litter() for _ in range(50)]
            litter.append(litter)  # a cycle: only the collector frees it, in the middle of a parse
            del litter
            try:
                ast.parse(SOURCE)
            except SystemError as error:
                errors.append(str(error))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def test_ent_policy_installs_the_lock():
    assert ast_compile.installed() or sys.version_info >= ast_compile.FIXED_IN


def test_threads_parsing_at_once_all_get_their_tree():
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    try:
        errors = parse_in_threads()
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
    assert errors == []


def test_compile_keeps_its_behaviour():
    tree = compile("x = 1 + 2", "<test>", "exec", ast.PyCF_ONLY_AST)
    assert isinstance(tree, ast.Module)
    namespace = {}
    exec(compile(tree, "<test>", "exec"), namespace)
    exec(compile("y = x * 2", "<test>", "exec"), namespace)
    assert namespace["y"] == 6
    with pytest.raises(SyntaxError):
        compile("x = (", "<test>", "exec")


@pytest.fixture(scope="module")
def fresh_instance(project, tmp_path_factory):
    """A new site served as `make run` serves it: no template compiled yet (var/cache empty)."""
    password = secrets.token_urlsafe(16)
    instance = Instance(
        project,
        tmp_path_factory.mktemp("first-renders") / "var",
        free_port(),
        ENT_DEMO="0",
        ENT_ADMIN_PASSWORD=password,
    )
    instance.start()
    instance.password = password
    yield instance
    instance.stop()


def test_concurrent_first_requests_all_render(fresh_instance):
    def fetch(view):
        answer = requests.get(f"{fresh_instance.url}/{view}", auth=("admin", fresh_instance.password), timeout=180)
        return view, answer.status_code

    with ThreadPoolExecutor(8) as pool:
        answers = dict(pool.map(fetch, FIRST_PAGES))
    log = (fresh_instance.var / "log" / "event.log").read_text(errors="replace")
    assert MISMATCH not in log
    assert {view: status for view, status in answers.items() if status != 200} == {}
