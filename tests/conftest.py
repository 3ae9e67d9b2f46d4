"""Shared fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

# --- a minimal valid data tree for the validation tests (tests/test_findings.py,
# tests/test_cli_validate.py): one province, one period, a layout of three sections.

VALID_PROVINCE = """\
name: Tỉnh Mẫu
parent_agency: UBND TỈNH MẪU
place: Tỉnh Mẫu
signer:
  authority: [GIÁM ĐỐC]
  name: Người Ký Thử
recipients:
  - Lưu VT
"""

VALID_LAYOUT = """\
parts:
  - title: 'KẾT QUẢ {period_upper}'
    sections:
      - key: cong_nghiep
        title: Sản xuất công nghiệp
      - key: xuat_nhap_khau
        title: Xuất nhập khẩu
      - key: quan_ly_nha_nuoc
        title: Công tác quản lý nhà nước
"""

# Every rule of reportgen.data.validate has something to check here, and nothing is wrong:
# 1.100 / 1.000 = +10 % and 110 % of plan; 5.300 / 5.000 = +6 %; 22,003 + 12,407 = 34,410; 115 + 5 = 120 hồ sơ,
# +20 % on 100.
VALID_PERIOD = """\
# Số liệu mẫu cho kiểm thử
document:
  number: 1
  date: 2023-01-05
sections:
  cong_nghiep:
    indicators:
      gtsx:
        label: Giá trị sản xuất công nghiệp
        unit: tỷ đồng
        status: ước đạt
        value: '1.100'
        same_period: '1.000'
        growth: 10
        plan: '1.000'
        plan_completion: 110
      san_luong_dien:
        label: Sản lượng điện
        unit: triệu kWh
        value: '5.300'
        same_period: '5.000'
  xuat_nhap_khau:
    indicators:
      tong_kim_ngach:
        label: Tổng kim ngạch xuất nhập khẩu
        unit: triệu USD
        value: '34,410'
        parts: [xuat_khau, nhap_khau]
      xuat_khau:
        label: Kim ngạch xuất khẩu
        unit: triệu USD
        value: '22,003'
      nhap_khau:
        label: Kim ngạch nhập khẩu
        unit: triệu USD
        value: '12,407'
  quan_ly_nha_nuoc:
    counts:
      ho_so:
        label: hồ sơ tiếp nhận
        value: 120
        same_period: 100
        change: 20
        parts: [ho_so_dung_han, ho_so_qua_han]
      ho_so_dung_han:
        label: hồ sơ giải quyết đúng hạn
        value: 115
        total: 120
      ho_so_qua_han:
        label: hồ sơ quá hạn
        value: 5
        total: 120
"""


class DataTree:
    """A data/ and templates/ tree under tmp_path, written from the texts above."""

    province_text = VALID_PROVINCE
    period_text = VALID_PERIOD
    layout_text = VALID_LAYOUT
    slug = "tinh-mau"

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.templates = root / "templates"
        self.templates.mkdir(parents=True, exist_ok=True)
        (self.templates / "layout.yaml").write_text(VALID_LAYOUT, encoding="utf-8")

    @property
    def province_dir(self) -> Path:
        return self.data / self.slug

    def write(self, period: str | bytes | None = VALID_PERIOD,
              province: str | bytes | None = VALID_PROVINCE, name: str = "2022.yaml") -> Path:
        """Write province.yaml and one period file (None: leave that file out)."""
        self.province_dir.mkdir(parents=True, exist_ok=True)
        for fname, content in (("province.yaml", province), (name, period)):
            if content is None:
                continue
            target = self.province_dir / fname
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return self.province_dir / name

    def project(self):
        from reportgen.project import Project
        return Project(data=self.data, templates=self.templates, output=self.root / "output")

    def findings(self, strict: bool = False):
        """Every finding `reportgen validate --all` would print."""
        from reportgen.commands import validate
        return validate(self.project(), all_=True, strict=strict).findings

    def cli(self, *args: str):
        """Run `reportgen --data … --templates … ARGS` in-process."""
        from click.testing import CliRunner
        from reportgen.cli import main
        return CliRunner().invoke(main, ["--data", str(self.data), "--templates",
                                         str(self.templates), *args])

    @staticmethod
    def pos(text: str, line_has: str, at: str | None = None) -> tuple[int, int]:
        """(line, column), 1-based, of `at` (default `line_has`) on the one line containing
        `line_has`."""
        hits = [(no, line) for no, line in enumerate(text.split("\n"), 1) if line_has in line]
        assert len(hits) == 1, f"{line_has!r} is on {len(hits)} lines"
        no, line = hits[0]
        col = line.index(at if at is not None else line_has)
        return no, col + 1

    @staticmethod
    def edit(text: str, old: str, new: str) -> str:
        """Replace the one occurrence of `old`."""
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)


@pytest.fixture
def tree(tmp_path: Path) -> DataTree:
    """An empty data tree with a layout; `tree.write()` adds the valid province and period."""
    return DataTree(tmp_path)


# --- nothing in a test run writes into the repository: every file of the project (not the
# virtualenv, caches or the user's output/) is hashed before the session and after it.
_REPO = Path(__file__).resolve().parent.parent
_SKIP = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "output", "build",
         "reportgen.egg-info"}


def _repo_state() -> dict[str, str]:
    import hashlib
    import os

    state: dict[str, str] = {}
    for folder, dirs, files in os.walk(_REPO):
        dirs[:] = [d for d in dirs if d not in _SKIP and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            try:
                state[str(path.relative_to(_REPO))] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                state[str(path.relative_to(_REPO))] = "unreadable"
    return state


def pytest_sessionstart(session):
    session.config._repo_before = _repo_state()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_repo_before", None)
    if before is None:
        return
    after = _repo_state()
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if changed:
        import sys
        print(f"\nthe test run changed files of the repository: {changed[:20]}", file=sys.stderr)
        session.exitstatus = 1
