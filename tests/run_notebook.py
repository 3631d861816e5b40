"""Run a notebook top to bottom the way a student's "Restart Kernel and Run All Cells" does.

    python run_notebook.py NOTEBOOK.ipynb

Standalone (nbclient and nbformat only), so that it runs with a student's Python: the kernel is
that Python's own. The notebook runs in its own folder; the executed copy is written beside it as
``<name>.executed.ipynb`` with each code cell's wall-clock seconds in its metadata
(``run_seconds``), and the run stops at the first cell that fails, as Run All does.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CELL_TIMEOUT_S = 1800


def main(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        # Local sockets rather than TCP ports: nothing listens on the network, and the kernel
        # does not warn about unencrypted TCP.
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT_S,
                                resources={"metadata": {"path": str(path.parent)}})
        failed = run_all(client, notebook)
    nbformat.write(notebook, path.with_name(f"{path.stem}.executed.ipynb"))
    return failed


def run_all(client: NotebookClient, notebook: nbformat.NotebookNode) -> int:
    """Execute every cell in order, timing each; 1 at the first that fails (the rest do not
    run), else 0."""
    failed = 0
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            started = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except CellExecutionError:
                failed = 1
            cell.metadata["run_seconds"] = round(time.perf_counter() - started, 2)
            if failed:
                break
    return failed


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
