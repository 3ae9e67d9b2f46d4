"""Findings for people and for CI: `reportgen validate --format text|json|github`.

- text: one ``file:line:col: lỗi CODE message`` per finding (editors and terminals
  understand it);
- json: one object ``{"findings": [...], "reports": n, "errors": e, "warnings": w}``; each
  finding has file, line, column (0 when unknown), code, severity (``error``, ``warning``,
  or ``notice`` for a warning the data confirms, `confirmed:`) and message;
- github: workflow commands (``::error file=…,line=…,col=…,title=CODE::message``) that
  GitHub shows on the lines of a pull request, escaped as GitHub's documentation of
  workflow commands asks (``%``, CR and LF in the message; also ``:`` and ``,`` in values).
"""
from __future__ import annotations

import json
from typing import Iterable

from .errors import NOTE, Finding

FORMATS = ("text", "json", "github")


def severity_name(f: Finding) -> str:
    """error | warning | notice (GitHub's three levels; a note is a confirmed warning)."""
    return "error" if f.is_error else "notice" if f.severity == NOTE else "warning"


def as_dict(f: Finding) -> dict:
    return {"file": f.file, "line": f.line, "column": f.column, "code": f.code,
            "severity": severity_name(f), "message": f.message}


def to_json(findings: Iterable[Finding], reports: int) -> str:
    items = [as_dict(f) for f in findings]
    errors = sum(1 for i in items if i["severity"] == "error")
    notices = sum(1 for i in items if i["severity"] == "notice")
    return json.dumps({"findings": items, "reports": reports, "errors": errors,
                       "warnings": len(items) - errors - notices, "notices": notices},
                      ensure_ascii=False, indent=1)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(f: Finding) -> str:
    props = [f"file={escape_property(f.file)}"] if f.file else []
    if f.line:
        props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
    props.append(f"title={escape_property(f.code)}")
    return f"::{severity_name(f)} {','.join(props)}::{escape_data(f.message)}"
