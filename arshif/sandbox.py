"""What an archive's own templates and static files may reach.

An archive may come from anyone, and its `templates/` are code: they run in Jinja's
immutable sandbox, which refuses Python's internals (any `_` attribute, a function's
globals), methods that change a list or dict, and here also file paths (a source's
Path would give read_text and write_text). Templates are found only inside the
template folders (Jinja refuses `..`), and a file of the archive that is a link to
somewhere outside the archive is never read into the site.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import traceback
from pathlib import Path, PurePath

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .errors import BuildError, Problem

MAX_REPEAT = 1_000_000  # items or characters a template's `*` may make: more is an attack, not a page
MAX_EXPONENT = 1_000
_MISSING = object()
SANDBOX_HINT = "a template may show the values it is given and call the helpers it is given (see the README), nothing else: remove this"


def links_outside(path: Path, root: Path) -> bool:
    """Whether a path of the archive folder `root` is, or passes through, a link to somewhere
    outside the archive. A path that is not in the archive folder (arshif's own templates) is not."""
    if not _lexically_inside(path, root):
        return False
    real_root, real = root.resolve(), path.resolve()
    return real != real_root and real_root not in real.parents


def _lexically_inside(path: Path, root: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root))


class ArchiveLoader(jinja2.FileSystemLoader):
    """Finds templates as FileSystemLoader does (never above a template folder), and refuses
    a template of the archive's own that is a link to a file outside the archive."""

    def __init__(self, template_dirs: list[Path], archive_root: Path):
        super().__init__([str(d) for d in template_dirs])
        self.archive_root = archive_root

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        path = Path(filename)
        if links_outside(path, self.archive_root):
            raise BuildError([Problem(path, None, f"the template is a link to {path.resolve()}, outside the archive: not read",
                                      "copy the file into the archive's templates/ folder instead of linking it")])
        return source, filename, uptodate


class ArchiveSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox; a template also gets no file path (nor anything of one),
    and no `*` or `**` whose result would fill the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}
        self._is_data: dict[type, bool] = {}

    def is_safe_attribute(self, obj, attr, value):
        if isinstance(obj, PurePath) or isinstance(value, PurePath):
            return False
        # Jinja's answer depends on the object's type and the name only: asked once for each
        # pair, it keeps the sandbox's cost on a large site small (every attribute a page reads)
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def getattr(self, obj, attribute):
        # A field of a dataclass (the model, the views) is plain data, which the sandbox would give
        # as it is: given without its checks, which cost a third of the rendering time. Methods,
        # anything callable, file paths and "_" names still go through them.
        kind = type(obj)
        is_data = self._is_data.get(kind)
        if is_data is None:
            is_data = self._is_data[kind] = dataclasses.is_dataclass(kind)
        if is_data and not attribute.startswith("_"):
            value = getattr(obj, attribute, _MISSING)
            if value is not _MISSING and not callable(value) and not isinstance(value, PurePath):
                return value
        return super().getattr(obj, attribute)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        _check_arguments(getattr(__obj, "__name__", "a call"), (getattr(__obj, "__self__", None), *args, *kwargs.values()))
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context, operator, left, right):
        if operator == "*" and _repeat_size(left, right) > MAX_REPEAT:
            raise SecurityError(f"the result of {_short(left)} * {_short(right)} would be too large")
        if operator == "**" and isinstance(right, int) and right > MAX_EXPONENT and isinstance(left, (int, float)) and abs(left) > 1:
            raise SecurityError(f"the result of {_short(left)} ** {right} would be too large")
        return super().call_binop(context, operator, left, right)


_WIDE_FORMAT = re.compile(r"\d{7,}")  # a width or precision of a million or more: '%030000000d', '{:>30000000}'


def _check_arguments(name: str, values) -> None:
    """A call's widths and counts (center(30000000), indent, a format's width) stay below
    what would fill the memory: refused before the call makes its result."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_REPEAT:
            raise SecurityError(f"{name} with {value} would make a result too large")
        if isinstance(value, str) and len(value) < 10_000 and ("%" in value or "{" in value) and _WIDE_FORMAT.search(value):
            raise SecurityError(f"{name} with the format {_short(value)} would make a result too large")


MAX_VALUE = 10_000_000  # characters or items of one value a call or a filter makes: ten times the largest page


def _check_result(result):
    if isinstance(result, (str, list, tuple)) and len(result) > MAX_VALUE:
        raise SecurityError(f"a value of {len(result):,} characters or items would be too large for a page")
    return result


def _bounded_filter(name: str, function):
    @functools.wraps(function)  # keeps Jinja's marks (pass_context...) on the filter
    def bounded(*args, **kwargs):
        _check_arguments(f"the filter {name}", (*args, *kwargs.values()))
        return _check_result(function(*args, **kwargs))
    return bounded


def _repeat_size(left, right) -> int:
    for items, times in ((left, right), (right, left)):
        if isinstance(items, (str, list, tuple)) and isinstance(times, int):
            return len(items) * times
    return 0


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def make_environment(template_dirs: list[Path], archive_root: Path, sandboxed: bool = True) -> jinja2.Environment:
    """The templates' environment: Jinja's sandbox (ArchiveSandbox) when any template may be the
    archive's; a plain one for arshif's own theme alone, which is tested code, not a visitor's,
    and renders the same bytes without the sandbox's checks (a quarter of the rendering time)."""
    env = (ArchiveSandbox if sandboxed else jinja2.Environment)(
        loader=ArchiveLoader(template_dirs, archive_root),
        autoescape=True,  # article text is untrusted: every value is escaped unless marked safe here
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lasts one build: no need to stat each template at every include (100,000 stats)
    )
    if sandboxed:  # filters are called directly by the compiled template, not through the sandbox's call()
        env.filters = {name: _bounded_filter(name, function) for name, function in env.filters.items()}
    return env


def render(env: jinja2.Environment, name: str, **context) -> str:
    """The template rendered; a template's own fault (a refused attribute, a syntax error, an
    include of no template...) becomes a BuildError naming its file and line. A BuildError pickles
    whole, so it reaches the build from a worker process as well."""
    try:
        return env.get_template(name).render(**context)
    except BuildError:  # the loader's: it names the file already
        raise
    except Exception as exc:  # MemoryError and RecursionError too: a template can cause them
        problem = template_problem(exc, env.loader)
        if problem is None:
            raise
        raise BuildError([problem]) from None


def template_problem(exc: BaseException, loader: ArchiveLoader) -> Problem | None:
    """Where in which template `exc` arose, and what is wrong; None when it is not a template's fault:
    Jinja's errors and exhaustion always are; any other error is when it passed through a template
    of the archive's own (arshif's templates are tested; the archive's may call a helper wrongly)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename) if exc.filename else None
        return Problem(path, exc.lineno, f"the template cannot be read: {exc.message}",
                       "fix the template's syntax (see the Jinja documentation)")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if any(_lexically_inside(Path(f.filename), d) for d in loader.searchpath)]
    own = [f for f in frames if _lexically_inside(Path(f.filename), loader.archive_root)]
    if isinstance(exc, (jinja2.TemplateError, MemoryError, RecursionError, OverflowError)):
        where = frames[-1:]
    else:
        where = own[-1:]
        if not where:
            return None  # through arshif's own templates only: a bug of arshif's
    path, line = (Path(where[0].filename), where[0].lineno) if where else (None, None)
    return Problem(path, line, _what_is_wrong(exc), _hint(exc))


def _what_is_wrong(exc: BaseException) -> str:
    if isinstance(exc, SecurityError) or isinstance(exc, OverflowError) and "sandbox" in str(exc):
        return f"the template does what templates are not allowed to do: {exc}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template {exc.name!r} in the template folders (a template may include or extend only another template there)"
    if isinstance(exc, jinja2.UndefinedError):
        return f"the template uses a value it is not given: {exc.message}"
    if isinstance(exc, (MemoryError, RecursionError)):
        return f"the template needs more than the build can give ({type(exc).__name__}): not allowed"
    return f"the template fails: {type(exc).__name__}: {exc}"


def _hint(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return "name a template of the archive's templates/ folder or of arshif's own, without '..' or a leading '/'"
    if isinstance(exc, jinja2.UndefinedError):
        return "use only the values the page is given (see the default template of the same name)"
    if isinstance(exc, (SecurityError, OverflowError, MemoryError, RecursionError)):
        return SANDBOX_HINT
    return "fix the template at that line"
