"""The restricted environment in which every BPMN expression and script runs (never plain eval)."""

from __future__ import annotations

import ast
import functools
import re
import textwrap
import traceback
from collections.abc import Callable, Iterator, Mapping
from types import CodeType, ModuleType
from typing import Any, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.runtime.script_budget import run_with_budget
from engine.runtime.script_data import DATA_SCALARS, JSON_SCALARS, check_data, check_render
from engine.runtime.script_dates import DATE_SCALARS, DATE_TYPES, STAND_INS, iso_data
from engine.runtime.script_errors import (
    ScriptError,
    ScriptLimitError,
    ScriptSecurityError,
    ScriptTimeoutError,
)
from engine.runtime.script_guard import GUARDS
from engine.runtime.script_policy import FILENAME, Policy
from engine.runtime.script_scope import DEFINED, Printed, definer

__all__ = [
    "MotcuaScriptEngine",
    "SandboxEnvironment",
    "ScriptError",
    "ScriptLimitError",
    "ScriptSecurityError",
    "ScriptTimeoutError",
    "check_expression",
    "check_script",
    "make_script_engine",
    "normalize_timer_expression",
]

MAX_SOURCE = 100_000
DEFAULT_CPU_SECONDS = 0.5

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = (
    rf"P(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{4}-?W\d{2}-?\d)"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_TIMER_FORMS = (
    ("cycle", re.compile(rf"R\d*/(?:(?:{_DATE}|{_DURATION})/)?(?:{_DATE}|{_DURATION})", re.I)),
    ("duration", re.compile(_DURATION, re.I)),
    ("date", re.compile(_DATE, re.I)),
)


def _syntax_message(exc: SyntaxError) -> str:
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    return f"{where}: syntax error: {exc.msg}" if exc.lineno else f"syntax error: {exc.msg}"


def _prepare(source: str, mode: str) -> str:
    if len(source) > MAX_SOURCE:
        raise ScriptLimitError(f"the code is longer than {MAX_SOURCE} characters")
    # Expressions and scripts come from XML text, often indented with the element.
    return source.strip() if mode == "eval" else textwrap.dedent(source)


def _compile(source: str, mode: str) -> tuple[CodeType | None, list[str], type[ScriptError]]:
    try:
        tree = ast.parse(_prepare(source, mode), FILENAME, mode)
    except SyntaxError as exc:
        return None, [_syntax_message(exc)], ScriptError
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, [f"the code cannot be parsed: {exc}"], ScriptError
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(cast(Any, tree), filename=FILENAME, policy=Policy)
    except SyntaxError as exc:  # compile() itself refuses e.g. 'return' outside a function
        return None, [_syntax_message(exc)], ScriptError
    except RecursionError:
        return None, ["the code is nested too deeply"], ScriptLimitError
    return result.code, list(result.errors), ScriptSecurityError


@functools.lru_cache(maxsize=4096)
def compile_code(source: str, mode: str) -> CodeType:
    """Compile model code under the policy; refused code raises a ScriptError naming why."""
    code, errors, kind = _compile(source, mode)
    if errors or code is None:
        line = re.match(r"line (\d+)", errors[0]) if errors else None
        raise kind(
            "; ".join(errors) or "the code cannot be compiled",
            line=int(line.group(1)) if line else None,
        )
    return code


_PLAIN = DATA_SCALARS | {dict, list, tuple, set}
# What model code may hold while it runs; dates become ISO-8601 text before they are kept.
_RUN_SCALARS = DATA_SCALARS | DATE_SCALARS
_UNDATED_SCALARS = DATA_SCALARS - frozenset(DATE_TYPES)


def _keep_as_data(values: dict[str, Any], what: str) -> None:
    """Refuse values that are not plain data; turn the dates among them into ISO-8601 text.

    The common case, no date anywhere, costs the one walk check_data makes; a date found makes
    a second walk, which accepts model code's dates and then converts them.
    """
    try:
        check_data(values, what, _UNDATED_SCALARS)
    except ScriptSecurityError:  # a date, or something that is not data at all
        check_data(values, what, _RUN_SCALARS)
        iso_data(values)


def _is_data(value: Any) -> bool:
    # The ABC check (Iterator) is slow: most values are plainly data by their exact type.
    if type(value) in _PLAIN:
        return True
    return not (callable(value) or isinstance(value, (ModuleType, Iterator)))


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates and executes model code under RestrictedPython, with guards and a CPU budget."""

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        cpu_seconds: float = DEFAULT_CPU_SECONDS,
    ) -> None:
        helpers = dict(helpers or {})
        hidden = sorted(name for name in helpers if name.startswith("_"))
        if hidden:
            raise ValueError(f"helper names may not start with '_': {hidden}")
        # The date stand-ins come first: a helper of the same name replaces them, and task
        # data may too (a form field called `date` or `time` is common), unlike other helpers.
        super().__init__({**STAND_INS, **helpers})
        self.cpu_seconds = cpu_seconds
        self._fixed = frozenset(self.globals) - STAND_INS.keys()
        self._hidden = frozenset(GUARDS) | frozenset(self.globals) | {DEFINED}

    def _scope(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> dict[str, Any]:
        # Task data comes from users: only plain data may reach model code, never a callable.
        check_data(context, "task data field")
        if external:
            check_data(external, "task data field")
        # Guards go last: task data must never replace them.
        scope = {**self.globals, **external, **context, **GUARDS}
        hidden = self._hidden
        if not STAND_INS.keys().isdisjoint(context):
            hidden = hidden - context.keys()  # the data's own `date` is defined
        scope[DEFINED] = definer(scope, hidden)
        return scope

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """The value of an expression over the task data; it must be plain data."""
        code = compile_code(expression, "eval")
        scope = self._scope(context, external_context or {})
        value = self._run(eval, code, scope)
        if type(value) not in JSON_SCALARS:
            holder = {"value": value}
            _keep_as_data(holder, "the expression's")  # a timer, a payload: dates as text
            value = holder["value"]
        return value

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
        printed: Printed | None = None,
    ) -> bool:
        """Run a script; the data variables it leaves replace the task data; print() to `printed`."""
        external = external_context or {}
        clash = sorted((self._fixed | set(external) | {DEFINED}) & set(context))
        if clash:
            raise ScriptError(f"task data hides the helper(s) {clash}: rename the field(s)")
        code = compile_code(script, "exec")
        scope = self._scope(context, external)
        scope["_print_"] = (printed or Printed()).collector
        self._run(exec, code, scope)
        reserved = GUARDS.keys() | self._fixed | external.keys() | {DEFINED, "_print_"}
        # Functions, modules, iterators and the date stand-ins stay behind; data must be data.
        result = {k: v for k, v in scope.items() if k not in reserved and _is_data(v)}
        _keep_as_data(result, "script variable")
        for name in [name for name in context if name not in result]:
            del context[name]  # the script deleted it (or turned it into a function)
        context.update(result)
        return True

    def _run(self, run: Callable[..., Any], code: CodeType, scope: dict[str, Any]) -> Any:
        try:
            return run_with_budget(run, code, scope, cpu_seconds=self.cpu_seconds)
        except Exception as exc:
            substitute = presentable(exc)
            if substitute is exc:
                raise
        raise substitute  # outside the handler, so the huge original is not its __context__

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        """Service tasks need a connector, which the sandbox does not provide."""
        raise ScriptError(f"no connector for service operation {kwargs.get('operation_name')!r}")


def _script_line(err: BaseException) -> int:
    if isinstance(err, ScriptError) and err.line:
        return err.line
    line = 0
    for frame, lineno in traceback.walk_tb(err.__traceback__):
        if frame.f_code.co_filename == FILENAME:
            line = lineno
    return line


def presentable(err: Exception) -> Exception:
    """err, or a ScriptLimitError in its place when its message would be huge to render."""
    try:
        for arg in err.args:
            check_render(arg)
    except ScriptLimitError:
        # Model code may raise ValueError(x) with x built from aliased lists: drop x unread.
        substitute = ScriptLimitError(f"{type(err).__name__} with a message too long to show")
        return substitute.with_traceback(err.__traceback__)
    return err


def _wrapped(wrapper: Exception, err: Exception) -> Exception:
    # A SpiffWorkflowException comes back as itself; raising it "from" itself would loop.
    if wrapper is err:
        raise err
    return wrapper


class MotcuaScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """PythonScriptEngine that keeps the real error as __cause__ and reports sandbox lines."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        """Evaluate an expression over a task's data."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            err = presentable(exc)
            message = f"Error evaluating expression '{expression}': {err}"
            raise WorkflowTaskException(message, task=task, exception=err) from err

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        """Run a script over a task's data; what it prints goes to the log, with the task."""
        printed = Printed()
        try:
            return self.environment.execute(script, task.data, external_context or {}, printed)
        except Exception as exc:
            err = presentable(exc)
            raise _wrapped(self.create_task_exec_exception(task, script, err), err) from err
        finally:
            printed.log_for(task.task_spec.bpmn_id or task.task_spec.name, task.workflow.spec.name)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Call a service; the library's version raises NameError ('script') on failure."""
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as exc:
            raise _wrapped(self.create_task_exec_exception(task, "", exc), exc) from exc

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Wrap err; the library's version fails on non-str args and lineno=None."""
        line = _script_line(err)
        lines = textwrap.dedent(script).splitlines()
        error_line = lines[line - 1] if 0 < line <= len(lines) else ""
        if isinstance(err, SpiffWorkflowException):
            err.line_number, err.error_line = line, error_line
            err.add_note(f"Python script error on line {line}: '{error_line}'")
            return err
        return WorkflowTaskException(
            f"{type(err).__name__}: {err}",
            task=task,
            exception=err,
            line_number=line,
            error_line=error_line,
        )


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
) -> MotcuaScriptEngine:
    """A script engine whose every expression and script runs in the sandbox."""
    return MotcuaScriptEngine(environment=SandboxEnvironment(helpers, cpu_seconds))


def _bare_timer_kind(text: str) -> str | None:
    return next((kind for kind, form in _TIMER_FORMS if form.fullmatch(text)), None)


def normalize_timer_expression(source: str) -> str:
    """Quote a bare ISO-8601 duration, date or cycle as modellers type it; leave expressions alone."""
    text = source.strip()
    return repr(text) if _bare_timer_kind(text) else source


def check_expression(source: str) -> list[str]:
    """Problems of an expression (condition, timer, payload), found without running it."""
    text = source.strip()
    if not text:
        return ["the expression is empty"]
    kind = _bare_timer_kind(text)
    if kind:
        return [f"unquoted ISO-8601 {kind} '{text}': write it in quotes"]
    return _problems(text, "eval")


def check_script(source: str) -> list[str]:
    """Problems of a script task or pre/post script, found without running it."""
    return _problems(source, "exec") if source.strip() else []


def _problems(source: str, mode: str) -> list[str]:
    try:
        return _compile(source, mode)[1]
    except ScriptError as exc:
        return [str(exc)]
