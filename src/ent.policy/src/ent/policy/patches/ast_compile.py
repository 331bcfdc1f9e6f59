"""One thread at a time turns source into a Python AST, or an AST into code (CPython gh-106905).

On CPython 3.11 (3.11.7 here) the conversion of the parser's tree into `ast` objects keeps
its recursion depth in state shared by every thread of the interpreter. When a thread
switch happens in the middle of a conversion (a garbage collection runs a finalizer, which
lets another thread take the GIL) and the other thread converts a tree too, the depths get
mixed and `compile(..., ast.PyCF_ONLY_AST)` — `ast.parse` — raises
``SystemError: AST constructor recursion depth mismatch``. Chameleon (page templates, their
TALES expressions) and RestrictedPython parse this way the first time a template is
rendered, so concurrent first renders under waitress's threads answered 500.

`install()` replaces `builtins.compile` with a wrapper that holds one lock while an AST is
made (the ONLY_AST flag) or compiled (an `ast.AST` given as source); compiling source text
straight to code touches no shared state and takes no lock. Every caller that matters looks
`compile` up in the builtins at call time (`ast.parse`, `chameleon.astutil.parse`,
RestrictedPython), so wrapping the builtin covers them. The lock is reentrant: a finalizer
run during a parse may itself parse. Parsing happens once per template and expression
(Chameleon keeps the result, in memory and in var/cache), so the lock costs nothing once
the pages have been rendered.
"""

import ast
import builtins
import sys
import threading


#: The first CPython whose AST conversion keeps its depth per call (gh-106905 was fixed on
#: its main branch); below it, the lock.
FIXED_IN = (3, 13)

_lock = threading.RLock()
_original = builtins.compile


def needs_lock(source, flags) -> bool:
    return bool(flags & ast.PyCF_ONLY_AST) or isinstance(source, ast.AST)


def compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **options):  # noqa: A001
    """`builtins.compile`, one thread at a time when an AST is made or compiled."""
    if needs_lock(source, flags):
        with _lock:
            return _original(source, filename, mode, flags, dont_inherit, optimize, **options)
    return _original(source, filename, mode, flags, dont_inherit, optimize, **options)


def installed() -> bool:
    return builtins.compile is compile


def install(force: bool = False) -> bool:
    """Wrap `builtins.compile` (once) on the Pythons that have the bug; say whether it is."""
    if not installed() and (force or sys.version_info < FIXED_IN):
        builtins.compile = compile
    return installed()


def uninstall() -> None:
    """Put the builtin back (for the test that shows the bug without the fix)."""
    builtins.compile = _original
