"""Values on the wire between the judge and the student's kernel.

This module is standalone (numpy and the standard library only): the judge imports it, and the
student's kernel runs a read-only copy of it to answer one call at a time.

A value travels as a JSON *spec* plus an ``.npz`` of arrays saved without pickle, so nothing that
comes back from the kernel can carry code. Specs:

- ``{"t": "json", "v": 3}``: a bool, int, float, str or None;
- ``{"t": "array", "key": "a0"}``: a numpy array (or numpy scalar, as a 0-d array);
- ``{"t": "list" | "tuple", "items": [spec, ...]}`` and ``{"t": "dict", "items": {k: spec}}``;
- ``{"t": "rng", "seed": 7}``: a fresh ``numpy.random.default_rng(7)`` (inputs only);
- ``{"t": "rows", "name": "mnist_train_images", "start": 0, "stop": 500, "scale": 255.0}``:
  rows of a uint8 dataset file next to this module, divided by ``scale`` (inputs only);
- ``{"t": "handle", "id": "h0"}``: an object a call kept in the kernel (see ``keep``); the
  object never leaves the kernel, and passing the handle back as an argument passes it;
- ``{"t": "function", "name": "f", "module": None}``: a function of the kernel's, the notebook's
  own or, with ``module``, one of a judge-owned module beside this file (inputs only);
- ``{"t": "other", "type": "Foo"}``: anything else the student returned (kept as a type name).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import stat
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_ITEMS = 10_000  # more containers than this in one value is not an answer
MAX_DEPTH = 8
MAX_ERROR_CHARS = 600


@dataclass(frozen=True)
class Seeded:
    """A random generator the callee should receive as ``np.random.default_rng(seed)``."""

    seed: int


@dataclass(frozen=True)
class Rows:
    """Rows ``start:stop`` of a dataset the kernel can read, divided by ``scale`` if set."""

    name: str
    start: int
    stop: int
    scale: float | None = None


@dataclass(frozen=True)
class Other:
    """Something that is not numbers: only its type name crosses the wire."""

    type: str


@dataclass(frozen=True)
class Handle:
    """An object kept in the student's kernel by an earlier call."""

    id: str


@dataclass(frozen=True)
class KernelFunction:
    """A function in the kernel: the notebook's ``name``, or ``name`` from the judge-owned
    ``module`` (a file ``<module>.py`` shipped read-only beside this one)."""

    name: str
    module: str | None = None


@dataclass(frozen=True)
class Raised:
    """An exception (or a warning turned into one) that a call raised, as data."""

    type: str
    message: str


class WireError(ValueError):
    """A value that cannot be sent or read back."""


class NotDefined(WireError):
    """A call names a function of the notebook's that the notebook does not define."""

    def __init__(self, name: str):
        super().__init__(f"the notebook defines no {name}")
        self.name = name


def not_defined(error: NotDefined) -> dict:
    """The answer to a call that names a function the notebook does not define."""
    return {"status": "missing", "error": {"type": "NotDefined", "message": error.name},
            "result": None, "args_after": None, "calls": {}, "seconds": 0.0}


def pack(value, arrays: dict[str, np.ndarray], depth: int = 0) -> dict:
    """Turn ``value`` into a JSON spec, storing its arrays in ``arrays``."""
    if depth > MAX_DEPTH or len(arrays) > MAX_ITEMS:
        return {"t": "other", "type": "deeply nested value"}
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, str):
            value = value[:MAX_ERROR_CHARS]
        return {"t": "json", "v": value}
    if isinstance(value, Seeded):
        return {"t": "rng", "seed": int(value.seed)}
    if isinstance(value, Rows):
        return {"t": "rows", "name": value.name, "start": value.start, "stop": value.stop,
                "scale": value.scale}
    if isinstance(value, Other):
        return {"t": "other", "type": value.type}
    if isinstance(value, Handle):
        return {"t": "handle", "id": value.id}
    if isinstance(value, KernelFunction):
        return {"t": "function", "name": value.name, "module": value.module}
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype.hasobject:
            return {"t": "other", "type": "array of Python objects"}
        key = f"a{len(arrays)}"
        arrays[key] = array
        return {"t": "array", "key": key}
    if isinstance(value, list | tuple):
        kind = "list" if isinstance(value, list) else "tuple"
        return {"t": kind, "items": [pack(item, arrays, depth + 1) for item in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"t": "dict", "items": {k: pack(v, arrays, depth + 1) for k, v in value.items()}}
    return {"t": "other", "type": type(value).__name__[:80]}


@dataclass
class KernelSide:
    """What only the kernel can resolve: the notebook's namespace and the objects kept there."""

    namespace: dict
    kept: dict
    modules: Path  # the folder of judge-owned modules


def unpack(spec: dict, arrays, rows_dir: Path | None = None, kernel: KernelSide | None = None):
    """Rebuild a value from its spec; ``arrays`` maps keys to arrays (an open npz works)."""
    kind = spec.get("t")
    if kind in ("handle", "function"):  # resolved in the kernel; names of them elsewhere
        if kernel is not None:
            return resolve(spec, kernel)
        if kind == "handle":
            return Handle(spec["id"])
        return KernelFunction(spec["name"], spec["module"])
    if kind == "json":
        return spec["v"]
    if kind == "array":
        return np.asarray(arrays[spec["key"]])
    if kind in ("list", "tuple"):
        items = [unpack(s, arrays, rows_dir, kernel) for s in spec["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {k: unpack(s, arrays, rows_dir, kernel) for k, s in spec["items"].items()}
    if kind == "rng":
        return np.random.default_rng(spec["seed"])
    if kind == "rows":
        if rows_dir is None:
            raise WireError("rows need a dataset folder")
        data = np.load(Path(rows_dir) / f"{spec['name']}.npy", mmap_mode="r")
        block = data[spec["start"]:spec["stop"]]
        if spec.get("scale"):
            return np.divide(block, spec["scale"], dtype=np.float64)
        return np.array(block, dtype=np.int64)
    if kind == "other":
        return Other(spec["type"])
    raise WireError(f"unknown spec {kind!r}")


def resolve(spec: dict, kernel: KernelSide):
    """The kept object or the kernel function a spec names; WireError if there is none."""
    if spec["t"] == "handle":
        if spec["id"] not in kernel.kept:
            raise WireError(f"no object kept as {spec['id']}")
        return kernel.kept[spec["id"]]
    if spec["module"] is None:
        if spec["name"] not in kernel.namespace:
            raise NotDefined(spec["name"])
        return kernel.namespace[spec["name"]]
    return judge_module(kernel, spec["module"])[spec["name"]]


def judge_module(kernel: KernelSide, name: str) -> dict:
    """The namespace of the judge-owned module ``<name>.py`` beside this file, freshly run."""
    return runpy.run_path(str(kernel.modules / f"{Path(name).name}.py"))


def call_target(function: str | KernelFunction) -> tuple[str, str | None]:
    """(name, judge-owned module or None) of what a call asks to run."""
    if isinstance(function, KernelFunction):
        return function.name, function.module
    return function, None


def named_in_messages(function: str | KernelFunction, args, kwargs) -> str:
    """The name a student's message gives a call: the function itself, or for a judge-owned
    function the notebook functions it is handed (``"train_model"``), else its own name."""
    name, module = call_target(function)
    if module is None:
        return name
    handed = [a.name for a in [*args, *kwargs.values()]
              if isinstance(a, KernelFunction) and a.module is None]
    return " and ".join(handed) or name


def save(path: Path, **values) -> None:
    """Write named values as ``path`` (JSON specs) and ``path.npz`` (arrays, no pickle)."""
    arrays: dict[str, np.ndarray] = {}
    specs = {name: pack(value, arrays) for name, value in values.items()}
    np.savez(Path(f"{path}.npz"), **arrays)
    Path(path).write_text(json.dumps(specs))


def read_plain_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link, pipe or device) of at most
    ``max_bytes``: the kernel writes its answers where it could plant anything else."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(handle, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise WireError(f"{Path(path).name} is not a regular file")
        if status.st_size > max_bytes:
            raise WireError(f"{Path(path).name} is larger than {max_bytes} bytes")
        return file.read(max_bytes + 1)[:max_bytes]


def load(path: Path, rows_dir: Path | None = None, max_bytes: int = 100_000_000,
         kernel: KernelSide | None = None) -> dict:
    """Read what :func:`save` wrote, refusing pickles, links and oversized files."""
    specs = json.loads(read_plain_file(path, max_bytes))
    npz = io.BytesIO(read_plain_file(Path(f"{path}.npz"), max_bytes))
    with np.load(npz, allow_pickle=False) as arrays:
        return {name: unpack(spec, arrays, rows_dir, kernel) for name, spec in specs.items()}


def describe_exception(error: BaseException) -> dict:
    """The type, message and innermost student line of an exception, as small JSON."""
    frames = traceback.extract_tb(error.__traceback__)
    student = [f for f in frames if f.filename != __file__]
    where = (f"{student[-1].lineno}" + (f": {student[-1].line}" if student[-1].line else "")
             if student else "")
    return {"type": type(error).__name__, "message": str(error)[:MAX_ERROR_CHARS],
            "where": where[:200]}


def answer_call(namespace: dict, function: str, args: list, kwargs: dict, return_args: list,
                kept: dict | None = None, keep: bool = False, warnings_as_errors: bool = False,
                count_calls: list | tuple = (), notebook: dict | None = None) -> dict:
    """Call ``namespace[function](*args, **kwargs)`` and describe what happened.

    Returns ``status`` ("ok", "missing", "not_callable", "raised"), ``error``, ``result`` (a
    :class:`Handle` to it, kept in ``kept``, if ``keep``), ``args_after`` (the arguments at
    ``return_args`` after the call, for in-place updates), ``calls`` (how many times each
    function of ``notebook``, by default ``namespace``, named in ``count_calls`` ran during the
    call) and ``seconds``.
    With ``warnings_as_errors``, a warning raised during the call is an exception of its class.
    """
    target = namespace.get(function)
    out = {"status": "ok", "error": None, "result": None, "args_after": None,
           "calls": dict.fromkeys(count_calls, 0), "seconds": 0.0}
    if target is None:
        out["status"] = "missing"
    elif not callable(target):
        out["status"] = "not_callable"
    else:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings(), counting(notebook or namespace, out["calls"]):
                if warnings_as_errors:
                    warnings.simplefilter("error")
                result = target(*args, **kwargs)
            out["args_after"] = [args[i] for i in return_args]
            if keep:
                out["result"] = Handle(f"h{len(kept)}")
                kept[out["result"].id] = result
            else:
                out["result"] = result
        except BaseException as error:  # noqa: BLE001 - SystemExit and friends are answers too
            out["status"] = "raised"
            out["error"] = describe_exception(error)
        out["seconds"] = time.perf_counter() - start
    return out


@contextlib.contextmanager
def counting(namespace: dict, calls: dict):
    """While inside, each callable of ``namespace`` named in ``calls`` adds 1 to its count
    whenever it runs (functions of the notebook look each other up in ``namespace``)."""
    originals = {name: namespace[name] for name in calls if callable(namespace.get(name))}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    namespace.update({name: counted(name, f) for name, f in originals.items()})
    try:
        yield
    finally:
        namespace.update(originals)


def answer_value(namespace: dict, name: str) -> dict:
    """The value the notebook holds under ``name``, described like :func:`answer_call`'s."""
    out = {"status": "ok", "error": None, "result": namespace.get(name), "args_after": None,
           "calls": {}, "seconds": 0.0}
    if name not in namespace:
        out["status"] = "missing_value"
    return out


CALL_REQUEST = "coursekit_call_request"  # the shell message a call travels as


def listen() -> None:
    """Run in the student's kernel: answer each :data:`CALL_REQUEST` shell message (content
    ``{"request": path, "response": path}``) with :func:`serve_call`. What the call raises
    outside the student's function goes out as an ``error`` message, as a cell's error would.
    """
    from IPython import get_ipython

    kernel = get_ipython().kernel

    def answer(stream, idents, message) -> None:
        try:
            serve_call(message["content"]["request"], message["content"]["response"])
        except Exception as error:  # noqa: BLE001 - e.g. a MemoryError: the judge decides
            kernel.session.send(kernel.iopub_socket, "error", {
                "ename": type(error).__name__, "evalue": str(error)[:MAX_ERROR_CHARS],
                "traceback": []}, parent=message)

    kernel.shell_handlers[CALL_REQUEST] = answer


def serve_call(request: str, response: str) -> None:
    """Run in the student's kernel: answer the call a request file names, save the answer."""
    from IPython import get_ipython

    shell = get_ipython()
    here = Path(__file__).parent
    kernel = KernelSide(shell.user_ns, shell.__dict__.setdefault("coursekit_kept", {}), here)
    try:
        call = load(Path(request), rows_dir=here, kernel=kernel)
    except NotDefined as error:
        save(Path(response), **not_defined(error))
        return
    if call["verb"] == "forget":
        kernel.kept.clear()
        out = answer_value({}, "")
    elif call["verb"] == "value":
        out = answer_value(kernel.namespace, call["function"])
    else:
        namespace = judge_module(kernel, call["module"]) if call["module"] else kernel.namespace
        out = answer_call(namespace, call["function"], list(call["args"]),
                          call["kwargs"], call["return_args"], kernel.kept, call["keep"],
                          call["warnings_as_errors"], call["count_calls"], kernel.namespace)
    try:
        save(Path(response), **out)
    except Exception as error:  # noqa: BLE001 - e.g. a result too odd to save
        save(Path(response), status="unsendable", error=describe_exception(error), result=None,
             args_after=None, calls=out["calls"], seconds=out["seconds"])
