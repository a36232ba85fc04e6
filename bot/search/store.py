"""The search index on disk, so a start-up loads arrays instead of re-analysing every passage.

One ``.npz`` file per index key in a cache directory. The key names exactly what the index was
built from (the stored knowledge version, which covers the analysis version, and the documents'
database ids in index order), so a file can never be used for other knowledge: a process that
sees a new knowledge version looks for that version's file, and builds and writes it if missing.
Files are written to a temporary name and renamed into place, so a reader sees a whole file or
none, even with several bot processes sharing the directory; a file that fails to load for any
reason is treated as missing.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Bump when the arrays written here change meaning or layout.
FORMAT = "1"
KEEP_FILES = 2  # the current index and one before it, for a process still on the old version


def pack_strings(strings: list[str]) -> np.ndarray:
    """Strings as one UTF-8 byte array: compact, and loads without pickling."""
    if any("\n" in s for s in strings):
        raise ValueError("strings to pack must not contain newlines")
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def unpack_strings(packed: np.ndarray, count: int) -> list[str]:
    strings = packed.tobytes().decode("utf-8").split("\n") if count else []
    if len(strings) != count:
        raise ValueError(f"expected {count} strings, found {len(strings)}")
    return strings


class IndexStore:
    """A directory of index files named by key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / f"index-{key}.npz"

    def load(self, key: str) -> dict[str, np.ndarray] | None:
        """The arrays saved under ``key``, or None when missing, unreadable or for another key."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                arrays = {name: saved[name] for name in saved.files}
            if str(arrays.pop("format")) != FORMAT or str(arrays.pop("key")) != key:
                raise ValueError("written for another format or key")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("index file %s unusable (%s): rebuilding it", path, exc)
            return None
        return arrays

    def save(self, key: str, arrays: dict[str, np.ndarray]) -> Path:
        """Write atomically, then drop all but the newest files."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(key)
        handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, format=np.array(FORMAT), key=np.array(key), **arrays)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from other users' processes
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._prune(keep=path)
        return path

    def _prune(self, keep: Path) -> None:
        """Drop older files; another process may be pruning at the same time, so a file may
        vanish between listing and removing it."""
        dated = []
        for path in self.directory.glob("index-*.npz"):
            try:
                dated.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        older = sorted((d for d in dated if d[1] != keep), reverse=True)
        for _mtime, old in older[KEEP_FILES - 1 :]:
            old.unlink(missing_ok=True)
