"""Click's own texts in Vietnamese ("Usage:", "Show this message and exit.", "No such
option", "Did you mean …?", "Missing option", "Invalid value …").

Click marks its texts for gettext (``from gettext import gettext as _`` in each of its
modules) and leaves the translation to the application. Instead of a compiled catalogue and
a process-wide locale (staff machines run with any LANG), `install()` points those module
names at a lookup in the small catalogue below; a text it does not know stays as click wrote
it, and tests/test_vietnamese.py fails when one reaches a user.

`VnGroup` and `VnCommand` give the usage line Vietnamese placeholders ("[TUỲ_CHỌN]",
"LỆNH [THAM_SỐ]...").
"""
from __future__ import annotations

import gettext
import importlib

import click

CATALOGUE: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tuỳ chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "No such option {name!r}.": "Không có tuỳ chọn {name!r}.",
    "No such option: {name}": "Không có tuỳ chọn {name}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Missing command.": "Thiếu lệnh.",
    "Missing option": "Thiếu tuỳ chọn",
    "Missing argument": "Thiếu tham số",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tuỳ chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} nhận {nargs} giá trị.",
    "Invalid start character for option ({option})": "Tuỳ chọn bắt đầu bằng ký tự không hợp lệ ({option})",
    # click passes English names ("integer", "file") as {number_type} / {name}: left out
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "{name} {filename!r} does not exist.": "{filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp (cần thư mục).",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục (cần tệp).",
    "{name} {filename!r} is not readable.": "{filename!r} không đọc được (quyền truy cập).",
    "{name} {filename!r} is not writable.": "{filename!r} không ghi được (quyền truy cập).",
    "{name} {filename!r} is not executable.": "{filename!r} không chạy được.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "required": "bắt buộc",
    "deprecated": "không còn dùng",
    "(dynamic)": "(tự xác định)",
    "Aborted!": "Đã dừng.",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận, không hỏi lại.",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai giá trị nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục...",
    "unknown error": "lỗi không rõ",
}

PLURALS: dict[tuple[str, str], str] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        "(Ý bạn là: {possibilities}?)",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        "Thừa tham số ({args})",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        "Tuỳ chọn {name!r} cần {nargs} giá trị.",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        "{value!r} không hợp lệ; chọn: {choices}.",
    ("{value!r} does not match the format {format}.",
     "{value!r} does not match the formats {formats}."):
        "{value!r} không đúng dạng {formats}.",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        "Cần {nargs} giá trị nhưng có {len}.",
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        "Cần {len_type} giá trị nhưng có {len_value}.",
}


def vi_gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def vi_ngettext(singular: str, plural: str, n: int) -> str:
    text = PLURALS.get((singular, plural))
    if text is None:
        return singular if n == 1 else plural
    if "{choice}" in singular:  # one choice: click formats {choice}, not {choices}
        text = text.replace("{choices}", "{choice}")
    if "{format}" in singular and n == 1:
        text = text.replace("{formats}", "{format}")
    if "{possibility}" in singular and n == 1:
        text = text.replace("{possibilities}", "{possibility}")
    if "{nargs}" in text and "{nargs}" not in (singular if n == 1 else plural):
        text = text.replace("{nargs}", "1")
    return text


_MODULES = ("core", "exceptions", "formatting", "parser", "types", "decorators", "termui",
            "utils", "shell_completion")


def install() -> None:
    """Point click's gettext names at the catalogue (only names still bound to the standard
    library's functions: another application's translation is left alone)."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a click without this module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = vi_gettext
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = vi_ngettext


class VnCommand(click.Command):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TUỲ_CHỌN]")
        super().__init__(*args, **kwargs)


class VnGroup(click.Group):
    command_class = VnCommand

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TUỲ_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM_SỐ]...")
        super().__init__(*args, **kwargs)
