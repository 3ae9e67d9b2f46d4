"""Errors and findings a user can act on.

Every problem caused by input (a data file, a template, an option) is a `ReportgenError`
or a `Finding`: it knows its source file, line and column, and prints as
``file:line:col: lỗi CODE message``. Anything else escaping is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "lỗi"
WARNING = "cảnh báo"
#: a warning the data confirms (`confirmed: [code]`): shown, never an error under --strict
NOTE = "ghi chú"
QUOTE_LIMIT = 80  # characters of a value quoted in a message
MESSAGE_LIMIT = 600  # characters of one finding's message


def _cut(text: str, limit: int) -> str:
    tail = max(limit // 4, 1)
    return f"{text[:max(limit - tail - 1, 1)]}…{text[-tail:]}"


def _size(text: str) -> str:
    return f" ({len(text):,} ký tự)".replace(",", ".")


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` cut in the middle to about `limit` characters ('đầu…cuối (2.000.000 ký tự)'),
    so that a 2 MB value quoted in a message gives one readable line, not a 2 MB one."""
    return text if len(text) <= limit else _cut(text, limit) + _size(text)


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """repr() of a value from the input, shortened like `shorten`."""
    if isinstance(value, str) and len(value) > limit:
        return repr(_cut(value, limit)) + _size(value)
    return shorten(repr(value), limit)


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result: where, how bad, which rule, what to do."""

    file: str
    line: int
    column: int
    code: str
    severity: str = field(compare=False)
    message: str = field(compare=False)

    def __post_init__(self) -> None:
        # a safety net: any value quoted whole in a message is cut to a readable line
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", shorten(self.message, MESSAGE_LIMIT))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.severity} {self.code} {self.message}"


def display_path(path: str | Path) -> str:
    """A path relative to the working directory when possible (shorter messages)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


class ReportgenError(Exception):
    """Base of every error caused by user input. Carries an exit code and a location."""

    exit_code = 1
    code = "RG000"

    def __init__(self, message: str, file: str | Path | None = None, line: int = 0,
                 column: int = 0, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = display_path(file) if file else None
        self.line = line
        self.column = column
        if code:
            self.code = code

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{ERROR} {self.code} {self.message}"


class UsageError(ReportgenError):
    """A bad option or argument (unknown province, malformed period)."""

    exit_code = 2
    code = "RG001"


class DataError(ReportgenError):
    """Data files with errors: carries all the findings."""

    code = "RG100"

    def __init__(self, findings: list[Finding]):
        self.findings = list(findings)
        if not self.findings:  # never an empty error (nor an IndexError here)
            super().__init__(f"{ERROR} {self.code} số liệu có lỗi nhưng không có chi tiết: "
                             "chạy 'reportgen validate' để xem")
            return
        errors = [f for f in self.findings if f.is_error]
        first = errors[0] if errors else self.findings[0]
        super().__init__("\n".join(str(f) for f in self.findings), first.file, first.line,
                         first.column, first.code)

    def __str__(self) -> str:
        return self.message


class TemplateError(ReportgenError):
    """A template that cannot be rendered or emits something the writers cannot draw."""

    code = "RG300"


class WriteError(ReportgenError):
    """An output file could not be written."""

    code = "RG400"


# Operating-system errors in Vietnamese (Python's own texts, "[Errno 2] No such file or
# directory", are English): what happened and, after the colon, what to do.
_OS_REASONS = {
    "ENOENT": "không có tệp hay thư mục này: kiểm tra tên và đường dẫn",
    "ENOTDIR": "một phần của đường dẫn không phải thư mục: kiểm tra đường dẫn",
    "EACCES": "không có quyền truy cập: kiểm tra quyền của tệp hoặc thư mục",
    "EPERM": "không được phép: kiểm tra quyền của tệp hoặc thư mục",
    "EISDIR": "đây là một thư mục, không phải tệp: chọn một tệp",
    "EEXIST": "đã có tệp hay thư mục cùng tên: đổi tên hoặc chuyển tệp cũ đi",
    "ELOOP": "liên kết vòng: xoá liên kết",
    "ENOSPC": "đĩa đã đầy: giải phóng dung lượng rồi chạy lại",
    "EDQUOT": "hết hạn mức dung lượng: giải phóng dung lượng rồi chạy lại",
    "EROFS": "ổ đĩa chỉ đọc: chọn thư mục khác",
    "ENAMETOOLONG": "tên tệp quá dài: đặt tên ngắn hơn",
    "EMFILE": "mở quá nhiều tệp cùng lúc: chạy lại với ít tiến trình hơn (--jobs)",
    "EADDRINUSE": "cổng này đang được chương trình khác dùng: dùng --port KHÁC (hoặc --port 0)",
    "EADDRNOTAVAIL": "địa chỉ không dùng được trên máy này",
    "ECONNREFUSED": "không kết nối được",
    "EBUSY": "tệp đang bị chương trình khác dùng: đóng chương trình đó rồi chạy lại",
}


def os_reason(exc: OSError) -> str:
    """An OSError said in Vietnamese (errno name kept for searching), never the English text."""
    import errno as _errno
    name = _errno.errorcode.get(exc.errno or -1, "")
    text = _OS_REASONS.get(name)
    if text is None:
        text = "lỗi hệ điều hành" + (f" {name}" if name else "") + ": thử lại, hoặc báo lỗi"
    return text
