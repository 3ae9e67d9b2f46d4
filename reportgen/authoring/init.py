"""`reportgen init [FOLDER] --province SLUG`: a working project folder for one office.

It writes, and never overwrites (any of these files already there: nothing is written):

* ``data/<slug>/province.yaml`` and ``data/<slug>/<year>.yaml``: skeletons with blanks that
  `reportgen validate` lists (RG124), made by `reportgen new` (reportgen/authoring/scaffold.py);
* ``schema/*.schema.json`` and ``.vscode/settings.json`` binding them to the data files
  (VS Code's YAML extension then completes keys and underlines mistakes), plus
  ``.vscode/extensions.json`` recommending that extension;
* ``requirements.txt`` pinning this version of reportgen (an upgrade is a reviewed commit);
* ``.github/workflows/reports.yml``: validate (annotations), check committed reports, build,
  upload the reports as an artifact;
* ``README.md`` for the staff (Vietnamese) and ``templates/README.md``: the empty folder
  where a file of the same name as one of the theme overrides it.

Nothing else is needed: the templates, layout, stylesheet and schemas ship in the package.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..data.dataset import check_slug
from ..data.period import Period
from ..errors import display_path
from ..project import Project, theme_dir
from .scaffold import ScaffoldError, new_period, write_new

DISTRIBUTION = "reportgen-sct"  # the name on PyPI; the command and the import stay `reportgen`

#: system packages the PDF needs on Debian/Ubuntu (scripts/setup.sh installs the same;
#: tests/test_init.py checks the two lists agree)
APT_PACKAGES = ("fonts-liberation2", "fonts-croscore", "libharfbuzz-subset0", "libpango-1.0-0",
                "libpangoft2-1.0-0")

WORKFLOW = """\
# Kiểm tra số liệu, kiểm tra báo cáo đã lưu còn khớp, rồi dựng mọi báo cáo (tạo bởi reportgen init).
# The check runs before the build: after a build the files are current and it could never fail.
name: reports

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: reports-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  reports:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v6
        with:
          persist-credentials: false
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
          cache: pip
          cache-dependency-path: requirements.txt
      - name: Fonts and Pango for the PDF
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends {apt}
      - name: Install reportgen (the version in requirements.txt)
        run: python -m pip install -r requirements.txt
      - name: Validate the data (findings shown on the changed lines)
        run: reportgen validate --all --strict --format github
      - name: Committed reports are current (only when output/ is committed)
        if: hashFiles('output/**/*.pdf') != ''
        run: reportgen build --all --check
      - name: Build every report
        run: reportgen build --all
      - uses: actions/upload-artifact@v6
        with:
          name: reports
          path: output/
          if-no-files-found: error
"""

README = """\
# Báo cáo của Sở Công Thương ({slug})

Thư mục này là một dự án [reportgen]({url}): số liệu của Sở (tệp YAML trong `data/`) được
dựng thành báo cáo *"Kết quả thực hiện nhiệm vụ năm …"* dạng PDF (để ban hành), DOCX (để
sửa) và HTML, đúng thể thức Nghị định 30/2020/NĐ-CP.

## Cài đặt (một lần trên mỗi máy)

```sh
python -m pip install -r requirements.txt     # hoặc: pipx install {dist}
```

Gói trên PyPI tên là `{dist}`; lệnh vẫn là `reportgen`. Trên Windows và macOS cần cài thêm
thư viện Pango cho PDF: xem mục "Cài đặt trên Windows và macOS" trong hướng dẫn của reportgen.

## Việc mỗi kỳ báo cáo

1. Điền số liệu vào `data/{slug}/province.yaml` (một lần) và `data/{slug}/{period}.yaml`:
   các chỗ trống là những dòng kết thúc bằng dấu hai chấm, có chú thích `# điền: …`.
   Số kiểu Việt Nam đặt trong dấu nháy: `'1.586,397'`.
2. `reportgen validate`: liệt kê chỗ còn trống (mã RG124) và lỗi, kèm tên tệp và số dòng.
3. `reportgen build --all`: báo cáo nằm trong `output/{slug}/<kỳ>/` (PDF, DOCX, HTML).
4. `reportgen preview --province {slug}`: xem trước trên trình duyệt, tự tải lại khi sửa tệp.

Kỳ sau: `reportgen new --province {slug} --year NĂM` tạo tệp mới từ kỳ trước (số liệu kỳ
trước thành số cùng kỳ). Lệnh chạy được ở thư mục này hoặc bất kỳ thư mục con nào.

## Các thư mục

- `data/`: số liệu. Mỗi tỉnh một thư mục; `province.yaml` (tên cơ quan, người ký, nơi nhận)
  và mỗi kỳ một tệp (`2024.yaml`, `2024-h1.yaml` cho 6 tháng đầu năm).
- `templates/`: để trống là dùng mẫu có sẵn. Muốn đổi một phần, đặt vào đây tệp cùng tên
  (xem `templates/README.md`).
- `schema/`: lược đồ để trình soạn thảo gợi ý khoá và gạch chân lỗi khi gõ (VS Code với tiện
  ích YAML của Red Hat; cấu hình ở `.vscode/settings.json`). Sau khi nâng cấp reportgen,
  chạy `reportgen schema` để cập nhật.
- `.github/workflows/reports.yml`: khi đưa thư mục lên GitHub, mỗi lần đẩy thay đổi sẽ kiểm
  tra số liệu (lỗi hiện ngay trên dòng bị sai), kiểm tra báo cáo đã lưu còn khớp số liệu, rồi
  dựng báo cáo; tải về ở mục *Artifacts* của lần chạy.
- `output/`: báo cáo đã dựng (tạo khi chạy `reportgen build`).
"""

TEMPLATES_README = """\
# Mẫu riêng của dự án

Thư mục này để trống thì reportgen dùng mẫu có sẵn trong gói. Muốn thay một phần, chép tệp
cùng tên từ mẫu có sẵn vào đây (giữ nguyên đường dẫn con) rồi sửa; các tệp không có ở đây
vẫn lấy từ mẫu có sẵn. Thứ tự tìm: `data/<tỉnh>/templates/` (riêng một tỉnh), thư mục này,
rồi mẫu có sẵn.

Mẫu có sẵn (reportgen {version}) nằm ở:

    {theme}

Các tệp có thể thay:

{files}

Cách viết mẫu, các biến và bộ lọc: tài liệu `docs/templates.md` và `docs/filters.md` của
reportgen.
"""


def _settings() -> str:
    period_globs = ["data/*/[0-9][0-9][0-9][0-9].yaml", "data/*/[0-9][0-9][0-9][0-9]-h[12].yaml"]
    settings = {
        "yaml.schemas": {
            "./schema/province.schema.json": ["data/*/province.yaml"],
            "./schema/period.schema.json": period_globs,
            "./schema/layout.schema.json": ["templates/layout.yaml", "data/*/layout.yaml"],
        },
        "files.encoding": "utf8",
        "files.eol": "\n",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2,
                   "editor.detectIndentation": False},
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


@dataclass
class Initialised:
    folder: Path
    files: list[Path] = field(default_factory=list)
    blanks: int = 0
    period: str = ""


def static_files(folder: Path, slug: str, period: Period) -> dict[Path, str]:
    theme = theme_dir()
    names = sorted(p.relative_to(theme).as_posix() for p in theme.rglob("*")
                   if p.is_file() and p.suffix in (".html", ".yaml", ".css"))
    return {
        folder / "README.md": README.format(slug=slug, period=period.slug, dist=DISTRIBUTION,
                                            url=f"https://pypi.org/project/{DISTRIBUTION}/"),
        folder / "templates" / "README.md": TEMPLATES_README.format(
            version=__version__, theme=theme, files="\n".join(f"- `{n}`" for n in names)),
        folder / "requirements.txt": f"{DISTRIBUTION}=={__version__}\n",
        folder / ".github" / "workflows" / "reports.yml": WORKFLOW.format(
            apt=" ".join(APT_PACKAGES)),
        folder / ".vscode" / "settings.json": _settings(),
        folder / ".vscode" / "extensions.json": json.dumps(
            {"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n",
    }


def init_project(folder: Path, slug: str, year: int) -> Initialised:
    """Create the project; all or nothing, never overwriting a file."""
    from .schema import KINDS, file_name, render

    check_slug(slug)
    period = Period(year=year)
    files = static_files(folder, slug, period)
    schemas = {folder / "schema" / file_name(k): render(k).decode("utf-8") for k in KINDS}
    data_files = [folder / "data" / slug / "province.yaml",
                  folder / "data" / slug / f"{period.slug}.yaml"]
    taken = [p for p in [*files, *schemas, *data_files] if p.exists() or p.is_symlink()]
    if taken:
        shown = ", ".join(display_path(p) for p in taken)
        raise ScaffoldError(f"đã có {shown}: reportgen init không ghi đè tệp nào; chọn thư mục "
                            "khác (reportgen init THƯ_MỤC_MỚI --province TỈNH), hoặc dùng "
                            "'reportgen new' để thêm tỉnh hay kỳ vào dự án này", taken[0])
    created: list[Path] = []
    made_dirs = [d for d in (folder, folder / "data") if not d.exists()]
    try:
        for path, text in {**files, **schemas}.items():
            write_new(path, text)
            created.append(path)
        (folder / "data").mkdir(parents=True, exist_ok=True)
        project = Project(data=folder / "data", templates=folder / "templates",
                          output=folder / "output")
        done = new_period(project, slug, period, schema_dir=folder / "schema")
        created.extend(done.files)
    except BaseException:
        for path in created:  # all or nothing
            path.unlink(missing_ok=True)
        for d in sorted({p.parent for p in created} | set(made_dirs), key=lambda p: -len(p.parts)):
            _remove_empty(d, folder)
        raise
    return Initialised(folder, created, done.blanks, period.slug)


def _remove_empty(folder: Path, stop: Path) -> None:
    """Remove `folder` and its empty parents up to and including `stop`, if empty."""
    try:
        while True:
            folder.rmdir()
            if folder == stop:
                break
            folder = folder.parent
    except OSError:
        pass
