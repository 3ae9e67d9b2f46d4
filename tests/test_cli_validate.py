"""`reportgen validate` and `reportgen list` from the outside: exit codes, the
`path:line:col: lỗi RGxxx …` lines, no traceback for any file of the bad-data corpus
(tests/bad/), and nothing in the tree written or changed."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import commands

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad"
LINE_RE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<sev>lỗi|cảnh báo) "
                     r"(?P<code>RG\d{3}) (?P<msg>\S.*)$")
NO_LINE_RE = re.compile(r"^(?P<file>[^\s:][^:]*): lỗi (?P<code>RG\d{3}) \S.*$")


def finding_lines(output: str) -> list[re.Match]:
    return [m for m in map(LINE_RE.match, output.splitlines()) if m]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and modification time."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def no_traceback(result) -> None:
    text = result.output + (result.stderr or "")
    assert "Traceback" not in text and "lỗi nội bộ" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# ---------------------------------------------------------------------------------------
# exit codes


def test_valid_data_exit_0(tree):
    tree.write()
    result = tree.cli("validate", "--all")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "không có phát hiện nào (1 báo cáo)"
    for args in (("validate",), ("validate", "--province", "tinh-mau"),
                 ("validate", "-p", "tinh-mau", "--year", "2022"),
                 ("validate", "--province", "tinh-mau", "--period", "2022")):
        result = tree.cli(*args)
        assert (result.exit_code, "không có phát hiện nào" in result.stdout) == (0, True), args


def test_errors_exit_1_with_file_line_col(tree):
    text = tree.edit(tree.edit(tree.period_text, "        growth: 10", "        growth: 12"),
                     "value: '34,410'", "value: '34,400'")
    tree.write(text)
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1
    no_traceback(result)
    lines = finding_lines(result.stdout)
    assert [m["code"] for m in lines] == ["RG202", "RG201"]  # in file order
    for m in lines:
        assert Path(m["file"]) == tree.province_dir / "2022.yaml"
        assert m["sev"] == "lỗi"
    assert (int(lines[0]["line"]), int(lines[0]["col"])) == tree.pos(text, "growth: 12", "12")
    assert "sửa growth thành '10,00'" in lines[0]["msg"]
    assert (int(lines[1]["line"]), int(lines[1]["col"])) == tree.pos(text, "'34,400'")
    assert "2 lỗi, 0 cảnh báo (1 báo cáo)" in result.stderr
    # every line of stdout is a finding
    assert len(lines) == len(result.stdout.splitlines())


def test_strict_turns_a_warning_into_exit_1(tree):
    tree.write(tree.edit(tree.period_text, "same_period: '5.000'", "same_period: 400"))
    result = tree.cli("validate", "--all")
    assert result.exit_code == 0, result.output
    [m] = finding_lines(result.stdout)
    assert (m["sev"], m["code"]) == ("cảnh báo", "RG301")
    assert "0 lỗi, 1 cảnh báo" in result.stderr
    result = tree.cli("validate", "--all", "--strict")
    assert result.exit_code == 1
    [m] = finding_lines(result.stdout)
    assert (m["sev"], m["code"]) == ("lỗi", "RG301")


@pytest.mark.parametrize("args,message", [
    (("validate", "--province", "khong-co"), "không có tỉnh 'khong-co'"),
    (("validate", "--province", "Bac_Kan"), "không hợp lệ"),
    (("validate", "--province", "tinh-mau", "--year", "2030"), "không có số liệu kỳ 2030"),
    (("validate", "--province", "tinh-mau", "--period", "2023-h3"), "không hợp lệ"),
    (("validate", "--year", "2022", "--period", "q3"), "--period 'q3' không hợp lệ"),
    (("validate", "--year", "hai"), "hai"),
    (("validate", "--bogus"), "--bogus"),
])
def test_usage_errors_exit_2(tree, args, message):
    tree.write()
    result = tree.cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert finding_lines(result.output) == []
    no_traceback(result)


@pytest.mark.parametrize("slug", ["../../etc", "..", "/etc", "tinh-mau/../../x", "a\x00b", ""])
def test_path_like_province_is_refused_before_any_path_is_built(tree, monkeypatch, slug):
    tree.write()

    def must_not_run(*args, **kwargs):
        raise AssertionError("a path was built from the option")

    monkeypatch.setattr(commands, "find_entries", must_not_run)
    monkeypatch.setattr(commands, "load_inputs", must_not_run)
    result = tree.cli("validate", "--province", slug)
    assert result.exit_code == 2, result.output
    assert "không hợp lệ" in result.output and "bac-kan" in result.output
    no_traceback(result)


def test_a_province_yaml_finding_shared_by_two_periods_is_shown_and_counted_once(tree):
    tree.write(name="2023.yaml")
    tree.write(province=tree.edit(tree.province_text, "place: Tỉnh Mẫu", "plase: Tỉnh Mẫu"))
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1
    codes = [m["code"] for m in finding_lines(result.stdout)]
    assert sorted(codes) == ["RG120", "RG122"]
    assert "2 lỗi, 0 cảnh báo (2 báo cáo)" in result.stderr


def test_province_without_periods_exit_2(tree):
    tree.write(period=None)
    result = tree.cli("validate", "--province", "tinh-mau")
    assert result.exit_code == 2
    assert "chưa có tệp số liệu kỳ nào" in result.output


def test_missing_data_folder_exit_2(tree):
    result = tree.cli("validate", "--all")  # tree.write() never called: no data/
    assert result.exit_code == 2
    assert "không có thư mục số liệu" in result.output


def test_province_folder_without_province_yaml_is_rg130_not_silence(tree):
    tree.write(province=None)
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1
    assert NO_LINE_RE.match(result.stdout.splitlines()[0])["code"] == "RG130"


def test_oversized_file_via_cli(tree):
    """The 50 MB file is made here, in tmp_path, and never committed."""
    tree.write(period=None)
    with open(tree.province_dir / "2022.yaml", "wb") as fh:
        fh.write(b"a: b\n" * (10 * 1024 * 1024))
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1
    no_traceback(result)
    [line] = result.stdout.splitlines()
    m = NO_LINE_RE.match(line)
    assert m and m["code"] == "RG106" and Path(m["file"]) == tree.province_dir / "2022.yaml"


def test_unreadable_path_via_cli(tree):
    tree.write(period=None)
    (tree.province_dir / "2022.yaml").mkdir()
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1
    assert NO_LINE_RE.match(result.stdout.splitlines()[0])["code"] == "RG100"


# ---------------------------------------------------------------------------------------
# the installed script, in a real process


def test_installed_script_in_a_subprocess(tree):
    script = Path(sys.executable).parent / "reportgen"
    if not script.exists():
        pytest.skip(f"{script} not installed")
    text = tree.edit(tree.period_text, "status: ước đạt", "status: uoc dat")
    tree.write(text)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run([str(script), "--data", "data", "--templates", "templates", "validate",
                           "--all"], cwd=tree.root, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    line, col = tree.pos(text, "status: uoc dat", "uoc")
    assert proc.stdout.splitlines() == [
        f"data/tinh-mau/2022.yaml:{line}:{col}: lỗi RG123 'status' = 'uoc dat' không hợp lệ: ý bạn "
        "là 'ước đạt'? chọn một trong 'đạt', 'ước đạt', 'ước thực hiện', 'dự kiến đạt', "
        "'phấn đấu đạt' (viết có dấu)"]
    assert proc.stderr.strip() == "1 lỗi, 0 cảnh báo (1 báo cáo)"


def test_python_dash_m_reportgen(tree):
    tree.write()
    proc = subprocess.run([sys.executable, "-m", "reportgen", "--data", "data", "--templates",
                           "templates", "validate"], cwd=tree.root, capture_output=True,
                          text=True, encoding="utf-8", timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (proc.returncode, proc.stdout.strip()) == (0, "không có phát hiện nào (1 báo cáo)"), \
        proc.stderr


# ---------------------------------------------------------------------------------------
# reportgen list


def test_list_shows_provinces_periods_counts_and_findings(tree):
    tree.write()
    tree.write(tree.edit(tree.period_text, "        growth: 10", "        growth: 12"),
               name="2023.yaml")
    tree.slug = "tinh-loi"
    tree.write(tree.edit(tree.period_text, "        growth: 10", "        growht: 10"),
               province=tree.edit(tree.province_text, "name: Tỉnh Mẫu", "name: Tỉnh Lỗi"))
    result = tree.cli("list")
    assert result.exit_code == 1, result.output  # it shows errors: a script must not see success
    no_traceback(result)
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["Tỉnh", "Kỳ", "Chỉ", "tiêu", "Lỗi", "Cảnh", "báo"]
    assert rows[1:] == [
        ["tinh-loi", "(tinh-loi)", "2022", "-", "1", "0"],  # no report: name unknown
        ["tinh-mau", "(Tỉnh", "Mẫu)", "2022", "8", "0", "0"],
        ["tinh-mau", "(Tỉnh", "Mẫu)", "2023", "8", "1", "0"],
    ]


def test_list_exits_0_when_it_shows_no_error(tree):
    tree.write()
    result = tree.cli("list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split()[-3:] == ["8", "0", "0"]


def test_an_empty_data_folder_is_a_finding_not_a_clean_result(tree):
    tree.data.mkdir()
    for args in (["list"], ["validate", "--all"], ["validate"]):
        result = tree.cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "RG131" in result.output and "chưa có báo cáo nào" in result.output
        assert "reportgen init" in result.output
        assert "không có phát hiện nào" not in result.output


# ---------------------------------------------------------------------------------------
# the corpus of bad files


def corpus_table() -> dict[str, str]:
    text = (BAD / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \| (RG\d{3}) \|", text, re.M))


def test_corpus_and_its_table_agree():
    table = corpus_table()
    files = {p.name for p in BAD.glob("*.yaml")}
    assert set(table) == files
    assert len(files) >= 30
    # no committed file is near the size limit (the 50 MB one is made at test time)
    assert max((BAD / f).stat().st_size for f in files) < 100_000


@pytest.mark.parametrize("name,code", sorted(corpus_table().items()))
def test_corpus_file(tree, name, code):
    raw = (BAD / name).read_bytes()
    tree.write(raw)
    out_file = tree.root / "output" / "tinh-mau" / "2022" / "bao-cao.html"
    out_file.parent.mkdir(parents=True)
    out_file.write_text("<p>báo cáo cũ</p>\n", encoding="utf-8")
    before = snapshot(tree.root)

    args = ["validate", "--all"] + (["--strict"] if code.startswith("RG3") else [])
    result = tree.cli(*args)
    no_traceback(result)
    assert result.exit_code == 1, result.output
    lines = [m for m in finding_lines(result.stdout) if m["code"] == code]
    assert lines, f"{code} not in:\n{result.output}"
    m = lines[0]
    assert Path(m["file"]) == tree.province_dir / "2022.yaml"
    assert int(m["line"]) >= 1 and int(m["col"]) >= 1
    assert m["sev"] == "lỗi"
    assert snapshot(tree.root) == before  # the data, the output, nothing written or touched
