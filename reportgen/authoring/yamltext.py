"""How reportgen writes values into a data file (`reportgen new`, `reportgen import`): one
policy for numbers and strings.

Numbers: a whole number is written plain (``6760``, ``-5``: YAML reads it back exactly);
anything with decimals as a quoted Vietnamese number (``'1.586,397'``, ``'-6,76'``), since an
unquoted ``1.586`` would be read as 1,586. Strings are plain when YAML would read them back as
the same string, else double-quoted.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal

from ..vnformat import format_number

_PLAIN_UNSAFE = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: |\s#|:$|\s$|^$")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?[0-9][0-9_.,:eE+-]*|~|null|true|false|yes|no|on|off|y|n)$",
                          re.IGNORECASE)


def yaml_str(text: str) -> str:
    """A YAML scalar for `text`: plain when safe, else double-quoted (JSON escaping)."""
    if "\n" in text or _PLAIN_UNSAFE.search(text) or _LOOKS_TYPED.match(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def is_whole(d: Decimal | int) -> bool:
    """Whether the number is written plain: a whole number without decimals written."""
    if isinstance(d, int):
        return True
    return d == d.to_integral_value() and d.as_tuple().exponent >= 0


def vn_number(d: Decimal | int) -> str:
    """The Vietnamese digits of a number, with a plain minus: '1.586,397', '-6,76'."""
    d = Decimal(d)
    return ("-" if d < 0 else "") + format_number(d.copy_abs())


def yaml_number(d: Decimal | int) -> str:
    """A number as YAML text: `6760`, `'1.586,397'`."""
    return str(int(d)) if is_whole(d) else f"'{vn_number(d)}'"
