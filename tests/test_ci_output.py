"""`reportgen validate --format json|github` over every file of the bad-input corpus."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reportgen.errors import ERROR, WARNING, Finding
from reportgen.findings import escape_data, escape_property, to_github

BAD = Path(__file__).resolve().parent / "bad"
ANNOTATION = re.compile(r"^::(?P<sev>error|warning) (?P<props>[^:]*)::(?P<msg>.*)$")


def corpus() -> list[tuple[str, str]]:
    text = (BAD / "README.md").read_text(encoding="utf-8")
    return sorted(re.findall(r"^\| `([^`]+)` \| (RG\d{3}) \|", text, re.M))


def unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def props(text: str) -> dict[str, str]:
    return {k: unescape(v) for k, v in (p.split("=", 1) for p in text.split(","))}


@pytest.mark.parametrize("name,code", corpus())
def test_json_and_github_agree_with_the_text_for_each_corpus_file(tree, name, code):
    tree.write((BAD / name).read_bytes())
    strict = ["--strict"] if code.startswith("RG3") else []
    text = tree.cli("validate", "--all", *strict)
    as_json = tree.cli("validate", "--all", "--format", "json", *strict)
    github = tree.cli("validate", "--all", "--format", "github", *strict)
    assert text.exit_code == as_json.exit_code == github.exit_code == 1

    report = json.loads(as_json.stdout)  # the whole of stdout is one JSON document
    assert report["reports"] == 1 and report["errors"] >= 1
    findings = report["findings"]
    assert report["errors"] + report["warnings"] == len(findings)
    for f in findings:
        assert set(f) == {"file", "line", "column", "code", "severity", "message"}
        assert f["severity"] in ("error", "warning") and re.fullmatch(r"RG\d{3}", f["code"])
    hit = next(f for f in findings if f["code"] == code)
    assert hit["file"].endswith("tinh-mau/2022.yaml") and hit["line"] >= 1 and hit["column"] >= 1
    assert hit["severity"] == "error"
    # the text lines say the same
    assert text.stdout.count(" RG") == len(findings)
    assert f":{hit['line']}:{hit['column']}: lỗi {code} {hit['message']}" in text.stdout

    lines = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert len(lines) == len(findings)
    parsed = [ANNOTATION.match(line) for line in lines]
    assert all(parsed), lines
    for m, f in zip(parsed, findings):
        p = props(m["props"])
        assert m["sev"] == f["severity"] and p["title"] == f["code"] and p["file"] == f["file"]
        assert int(p.get("line", 0)) == f["line"] and int(p.get("col", 0)) == f["column"]
        assert unescape(m["msg"]) == f["message"]


def test_github_escaping_follows_the_workflow_command_rules():
    f = Finding("data/a,b:c.yaml", 3, 7, "RG201", ERROR, "50% lệch\ndòng 2\r: x, y")
    line = to_github(f)
    assert line == ("::error file=data/a%2Cb%3Ac.yaml,line=3,col=7,title=RG201::"
                    "50%25 lệch%0Adòng 2%0D: x, y")
    assert "\n" not in line
    assert escape_data("%0A") == "%250A"  # a literal escape is not decoded by the runner
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
    w = to_github(Finding("data/x.yaml", 0, 0, "RG302", WARNING, "âm"))
    assert w == "::warning file=data/x.yaml,title=RG302::âm"  # no line when none is known


def test_empty_data_set_in_json_is_one_error(tree):
    tree.data.mkdir()
    result = tree.cli("validate", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["reports"] == 0 and report["errors"] == 1
    assert report["findings"][0]["code"] == "RG131"
