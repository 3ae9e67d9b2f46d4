"""`reportgen --help` and each command's `--help` load no heavy library: the command line
imports what a command needs only when that command runs (issue 17: `--help` ≤ 0,3 s, measured
in bench/bench.py; this test checks the cause, not the time), and the help stays complete and
Vietnamese."""
from __future__ import annotations

import json
import subprocess
import sys

from seeded import ROOT

# libraries that cost tens to hundreds of milliseconds to import, none needed to print help
HEAVY = ("weasyprint", "docx", "pikepdf", "jinja2", "ruamel", "yaml", "pydantic", "PIL",
         "pypdfium2", "pypdf", "openpyxl", "babel", "rich", "fontTools", "lxml", "pyhanko",
         "filelock", "cssselect2", "tinycss2", "defusedxml", "jsonschema", "markupsafe",
         "cryptography", "pandas", "matplotlib", "numpy")

_PROBE = """
import json, sys
from reportgen.cli import main
heavy = set(json.loads(sys.argv[1]))
out = {}
for args in [["--help"]] + [[name, "--help"] for name in sorted(main.commands)]:
    try:
        main(args, prog_name="reportgen")
    except SystemExit as exc:
        code = exc.code
    loaded = sorted({m.split(".")[0] for m in sys.modules} & heavy)
    out[" ".join(args)] = [code, loaded]
print(json.dumps(out), file=sys.stderr)
"""


def _probe() -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(HEAVY)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1]), proc.stdout


def test_help_of_every_command_imports_no_heavy_library():
    result, text = _probe()
    # every command was asked (the probe walks click's own list) and answered exit 0
    assert {"--help", "build --help", "preview --help", "validate --help", "sign --help",
            "import --help", "export --help"} <= set(result)
    for args, (code, loaded) in result.items():
        assert code == 0, args
        assert loaded == [], f"reportgen {args} imported {loaded}"
    # the help is still the whole Vietnamese help, not a shortened one
    assert "báo cáo Sở Công Thương (PDF, DOCX, HTML) từ số liệu YAML" in text
    for words in ("Dựng báo cáo PDF, DOCX, HTML vào output/.",
                  "Kiểm tra số liệu: cú pháp, lược đồ, số học.",
                  "Xem trước báo cáo đúng như bản in",
                  "Số tiến trình song song",
                  "Ký số PAdES báo cáo PDF"):
        assert words in text, words
