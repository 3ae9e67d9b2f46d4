"""The build record (``<out>/.reportgen-build.json``) and the lock of an output folder.

The record says, for each report, which inputs produced the files on disk and what those
files are::

    {"bac-kan/2022": {"input": "<sha256 of every input>",
                      "outputs": {"pdf": "<sha256 of the PDF written>", …}}}

The input hash is computed before rendering and travels with the result (from a worker
process too), so a data edit during a build can never be recorded against files rendered
from the old data. A report is skipped only when its input hash matches AND every output on
disk still has the recorded hash (an output replaced, edited or removed by anything else is
rebuilt).

A record that cannot be read or has the wrong shape (``[]``, ``"x"``, ``null``, a folder)
is treated as empty, with a warning: every report is rebuilt, nothing crashes.

One build at a time per output folder: `folder_lock` takes ``<out>/.reportgen-build.lock``
(filelock) for the whole build and refuses at once, in Vietnamese, when another build holds
it.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..errors import ReportgenError, display_path

RECORD = ".reportgen-build.json"
LOCK = ".reportgen-build.lock"

Warn = Callable[[str], None]


class BusyError(ReportgenError):
    """Another build holds the output folder."""

    code = "RG403"


def _valid_entry(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("input"), str)
            and isinstance(value.get("outputs"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value["outputs"].items()))


def load_record(out: Path, warn: Optional[Warn] = None) -> dict[str, dict]:
    """The record of `out`, with only well-formed entries; {} (and a warning) when the file
    cannot be read or is not a JSON object."""
    path = out / RECORD
    shown = display_path(path)

    def bad(why: str) -> dict:
        if warn is not None:
            warn(f"{shown}: cảnh báo RG404 bản ghi dựng {why}: coi như trống, mọi báo cáo được "
                 "dựng lại (tệp được ghi lại khi dựng xong)")
        return {}

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        return bad("là một thư mục")
    except (OSError, UnicodeDecodeError) as exc:
        return bad(f"không đọc được ({getattr(exc, 'strerror', None) or exc})")
    try:
        data = json.loads(text)
    except ValueError:
        return bad("không phải JSON hợp lệ")
    if not isinstance(data, dict):
        return bad(f"sai dạng (cần một bảng JSON {{…}}, không phải {type(data).__name__})")
    # an entry of another shape (an older reportgen wrote a bare hash): that report is rebuilt
    return {k: v for k, v in data.items() if isinstance(k, str) and _valid_entry(v)}


def save_record(out: Path, record: dict, warn: Optional[Warn] = None) -> None:
    from ..fileio import atomic_write

    path = out / RECORD
    try:
        if path.is_dir() and not path.is_symlink():
            raise IsADirectoryError(21, "là một thư mục", str(path))
        atomic_write(path, json.dumps(record, indent=1, sort_keys=True).encode())
    except OSError as exc:
        if warn is not None:
            warn(f"{display_path(path)}: cảnh báo RG404 không lưu được bản ghi dựng "
                 f"({exc.strerror or exc}): các báo cáo đã dựng vẫn đúng, lần sau sẽ dựng lại")


def file_hash(path: Path) -> Optional[str]:
    """sha256 of a regular file, None when it is missing or not a regular file."""
    try:
        if not path.is_file():
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def data_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_current(entry: Optional[dict], digest: str, targets: dict[str, Path]) -> bool:
    """Whether the files on disk are the ones this input produced: the recorded input hash
    is `digest` and every target has its recorded output hash."""
    if entry is None or entry.get("input") != digest:
        return False
    outputs = entry.get("outputs") or {}
    return all(fmt in outputs and file_hash(path) == outputs[fmt]
               for fmt, path in targets.items())


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for one build; BusyError at once if another build holds it."""
    from filelock import FileLock, Timeout

    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BusyError(f"thư mục kết quả {display_path(out)} đang được một lần dựng khác dùng "
                        f"(khoá {display_path(path)}): chờ lần dựng đó xong rồi chạy lại, hoặc "
                        "dựng vào thư mục khác bằng --out") from None
    try:
        yield
    finally:
        lock.release()
