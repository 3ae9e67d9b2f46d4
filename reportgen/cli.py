"""Command line: parses options and calls library functions. Imports are lazy so that
`reportgen --help` and `reportgen validate` never load WeasyPrint.

Every text a user reads is Vietnamese, click's own included (reportgen/cli_vi.py). The
project is found as git finds its repository: the nearest folder at or above the working
folder that holds ``data/`` (reportgen/project.py); ``--data``/``--templates`` (before or
after the command) or REPORTGEN_DATA/REPORTGEN_TEMPLATES name other folders."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli_vi
from .errors import ReportgenError
from .project import ENV_DATA, ENV_OUTPUT, ENV_TEMPLATES

cli_vi.install()  # before the options below are made (click translates some texts then)


def _project(ctx: click.Context):
    """The project of the options given before or after the command (the later wins),
    else of the environment, else found upward from the working folder."""
    from .project import located
    obj = ctx.find_object(dict) or {}
    return located(obj.get("data"), obj.get("templates"), obj.get("output"))


def _remember(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        ctx.ensure_object(dict)[param.name] = value
    return value


def _location_options(envvar: bool = False):
    """--data and --templates: on the group (with their environment variables) and again
    on each command that reads a project, so `reportgen validate --data x` works too."""
    def decorate(fn):
        fn = click.option("--templates", "templates", metavar="THƯ_MỤC", default=None,
                          type=click.Path(path_type=Path, file_okay=False),
                          envvar=ENV_TEMPLATES if envvar else None, show_envvar=envvar,
                          expose_value=False, callback=_remember,
                          help="Thư mục mẫu riêng của dự án, ghi đè từng tệp của mẫu có sẵn "
                               "(mặc định: templates/ cạnh data/).")(fn)
        fn = click.option("--data", "data", metavar="THƯ_MỤC", default=None,
                          type=click.Path(path_type=Path, file_okay=False),
                          envvar=ENV_DATA if envvar else None, show_envvar=envvar,
                          expose_value=False, callback=_remember,
                          help="Thư mục số liệu (mặc định: data/ ở thư mục hiện tại hoặc "
                               "thư mục cha gần nhất có nó).")(fn)
        return fn
    return decorate


def _interrupted(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C left: the files a build had already replaced by new ones, if any."""
    from .errors import display_path

    replaced = list(dict.fromkeys(getattr(exc, "replaced", None) or []))
    unfinished = getattr(exc, "unfinished", False)
    if not replaced:
        if unfinished:
            return ("đã dừng (Ctrl-C); mỗi tệp của báo cáo đang dựng là bản cũ hoặc bản mới "
                    "hoàn chỉnh, không có tệp dở dang")
        return "đã dừng (Ctrl-C); các tệp đã có không bị thay đổi"
    shown = ", ".join(display_path(p) for p in replaced[:6])
    more = f" và {len(replaced) - 6} tệp khác" if len(replaced) > 6 else ""
    rest = ("; mỗi tệp khác là bản cũ hoặc bản mới hoàn chỉnh" if unfinished
            else "; các tệp khác không bị thay đổi")
    return (f"đã dừng (Ctrl-C); {len(replaced)} tệp đã được thay bằng bản mới: {shown}{more}"
            f"{rest}; chạy lại lệnh để dựng nốt")


def run_safely(fn):
    """Show user errors as `file:line: message` with their exit code; never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ReportgenError as exc:
            click.echo(str(exc), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            click.echo(_interrupted(exc), err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: keep the traceback in a file, not on screen
            import tempfile
            import traceback
            fd, name = tempfile.mkstemp(prefix="reportgen-crash-", suffix=".txt")
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(traceback.format_exc())
            click.echo(f"lỗi nội bộ của reportgen ({type(exc).__name__}: {exc}); chi tiết ở {name}. "
                       "Vui lòng báo lỗi kèm tệp này.", err=True)
            sys.exit(70)
    return wrapper


def _version() -> str:
    from . import __version__
    return __version__


@click.group(cls=cli_vi.VnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@_location_options(envvar=True)
@click.version_option(_version(), "--version", prog_name="reportgen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """reportgen: báo cáo Sở Công Thương (PDF, DOCX, HTML) từ số liệu YAML.

    Bắt đầu một dự án mới: reportgen init THƯ_MỤC --province TỈNH. Hướng dẫn: README.md
    của dự án và https://pypi.org/project/reportgen-sct/."""
    ctx.ensure_object(dict)


def _select_options(fn):
    fn = click.option("--province", "-p", metavar="TỈNH", help="Mã tỉnh, ví dụ bac-kan.")(fn)
    fn = click.option("--year", "-y", type=int, metavar="NĂM", help="Năm báo cáo, ví dụ 2022.")(fn)
    fn = click.option("--period", metavar="KỲ",
                      help="h1 (6 tháng đầu năm) hoặc kỳ đầy đủ như 2023-h1.")(fn)
    fn = click.option("--all", "all_", is_flag=True, help="Mọi tỉnh và mọi kỳ trong data/.")(fn)
    return fn


@main.command()
@_select_options
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, metavar="[text|json|github]",
              help="text: mỗi phát hiện một dòng; json: cho công cụ khác đọc; github: chú thích "
                   "hiện trên dòng tương ứng của pull request (GitHub Actions).")
@_location_options()
@click.pass_context
@run_safely
def validate(ctx, province, year, period, all_, strict, fmt):
    """Kiểm tra số liệu: cú pháp, lược đồ, số học. Mã thoát 1 nếu có lỗi."""
    from .commands import period_option, validate as run

    summary = run(_project(ctx), province, period_option(year, period), all_ or not province, strict)
    n = len(summary.results)
    if fmt == "json":
        from .findings import to_json
        click.echo(to_json(summary.findings, n))
        sys.exit(1 if summary.errors else 0)
    if fmt == "github":
        from .findings import to_github
        for finding in summary.findings:
            click.echo(to_github(finding))
    else:
        for finding in summary.findings:
            click.echo(str(finding))
    if not summary.findings:
        click.echo(f"không có phát hiện nào ({n} báo cáo)")
    else:
        notes = f", {summary.notes} ghi chú" if summary.notes else ""
        click.echo(f"{summary.errors} lỗi, {summary.warnings} cảnh báo{notes} ({n} báo cáo)", err=True)
    sys.exit(1 if summary.errors else 0)


@main.command(name="list")
@_location_options()
@click.pass_context
@run_safely
def list_(ctx):
    """Liệt kê các tỉnh, kỳ báo cáo, số chỉ tiêu và số phát hiện. Mã thoát 1 nếu có lỗi
    (như validate), để một kịch bản không coi danh sách có lỗi là thành công."""
    from .commands import validate as run
    from rich.console import Console
    from rich.table import Table

    summary = run(_project(ctx), all_=True)
    table = Table("Tỉnh", "Kỳ", "Chỉ tiêu", "Lỗi", "Cảnh báo", box=None)
    for r in summary.results:
        name = r.report.province.name if r.report else r.slug
        count = str(r.report.indicator_count) if r.report else "-"
        errs = sum(1 for f in r.findings if f.is_error)
        table.add_row(f"{r.slug} ({name})", r.period.slug, count, str(errs),
                      str(len(r.findings) - errs))
    Console(width=100).print(table)
    for finding in summary.extra:  # an empty data set
        click.echo(str(finding), err=True)
    sys.exit(1 if summary.errors else 0)


@main.command()
@_select_options
@click.option("--format", "formats", default="pdf,docx,html", show_default=True, metavar="DẠNG",
              help="Định dạng, cách nhau bởi dấu phẩy: pdf,docx,html.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None, metavar="THƯ_MỤC",
              envvar=ENV_OUTPUT, show_envvar=True,
              help="Thư mục kết quả (mặc định: output/ cạnh data/; output/<tỉnh>/<kỳ>/…).")
@click.option("--force", is_flag=True, help="Dựng lại cả báo cáo không thay đổi.")
@click.option("--check", is_flag=True, help="Không ghi gì; mã thoát 1 nếu tệp trên đĩa khác kết quả dựng.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="SỐ",
              help="Số tiến trình song song (mặc định: số lõi CPU).")
@_location_options()
@click.option("--strict", is_flag=True,
              help="Bản phát hành: coi cảnh báo là lỗi, không dựng bản DỰ THẢO (chưa có người ký).")
@click.pass_context
@run_safely
def build(ctx, province, year, period, all_, formats, out, force, check, jobs, strict):
    """Dựng báo cáo PDF, DOCX, HTML vào output/."""
    from .build.batch import build as run
    from .build.pipeline import parse_formats
    from .commands import period_option, select_entries
    from .errors import UsageError

    if not province and not all_:
        raise UsageError("chọn --province TỈNH [--year NĂM] hoặc --all")
    from .build.pipeline import source_date
    source_date()  # a bad SOURCE_DATE_EPOCH stops the build before any report (exit 2)
    import dataclasses
    project = dataclasses.replace(_project(ctx), strict=strict)
    out = out if out is not None else project.output
    fmts = parse_formats(formats)
    if "pdf" in fmts:
        from .writers.fonts import check_fonts
        check_fonts()  # no report fonts: exit 2 with the packages to install
    # with --all a province linked outside data/ fails alone (build_one checks each one)
    entries = select_entries(project, province, period_option(year, period), all_,
                             check_links=not all_)
    if not entries:
        raise UsageError("không có báo cáo nào để dựng trong thư mục data/")
    if jobs is None:  # one per core (a single report uses a second core for its PDF)
        from .build.overlap import cores
        jobs = cores()
    results = _run_with_progress(run, project, entries, fmts, out, force, check, jobs)
    _summary(results)
    failed = [r for r in results if r.status == "failed"]
    differs = [r for r in results if r.status == "differs"]
    for r in failed:
        click.echo(r.error, err=True)
    for r in differs:
        for f in r.files:
            click.echo(f"khác với số liệu hiện tại: {f}", err=True)
    if failed:
        click.echo(f"{len(failed)}/{len(results)} báo cáo không dựng được (xem các lỗi ở trên); "
                   "các báo cáo khác đã dựng", err=True)
    sys.exit(70 if any(r.internal for r in failed) else 1 if failed or differs else 0)


def _warn(message: str) -> None:
    click.echo(message, err=True)


def _run_with_progress(run, project, entries, fmts, out, force, check, jobs):
    """Rich progress bar on a terminal, one plain line per report otherwise."""
    if sys.stderr.isatty():
        from rich.progress import Progress
        with Progress(transient=True) as progress:
            task = progress.add_task("Dựng báo cáo", total=len(entries))
            return run(project, entries, fmts, out, force, check, jobs,
                       progress=lambda r: progress.advance(task), warn=_warn)
    return run(project, entries, fmts, out, force, check, jobs,
               progress=lambda r: click.echo(f"{r.entry.slug} {r.entry.period.slug}: {r.status_word}",
                                             err=True),
               warn=_warn)


def _summary(results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("Tỉnh", "Kỳ", "Kết quả", "Trang", "Giây", box=None)
    for r in results:
        table.add_row(r.entry.slug, r.entry.period.slug, r.status_word, str(r.pages or ""),
                      f"{r.seconds:.2f}".replace(".", ","))  # 13,86 giây
    Console(width=100, stderr=False).print(table)


# ------------------------------------------------------------------ authoring: new, schema, preview
@main.command()
@click.argument("folder", type=click.Path(path_type=Path, dir_okay=True, file_okay=False),
                default=".", metavar="[THƯ_MỤC]")
@click.option("--province", "-p", required=True, metavar="TỈNH",
              help="Mã tỉnh: chữ thường không dấu, nối bằng gạch ngang, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, default=None, metavar="NĂM",
              help="Năm của tệp số liệu đầu tiên (mặc định: năm nay).")
@run_safely
def init(folder, province, year):
    """Tạo dự án mới cho một Sở: data/ (tệp để điền), mẫu trống để ghi đè, cấu hình
    trình soạn thảo, quy trình GitHub và hướng dẫn. Không bao giờ ghi đè tệp đã có."""
    import datetime as dt
    from .errors import display_path
    from .authoring.init import init_project

    done = init_project(folder, province, year or dt.date.today().year)
    for path in done.files:
        click.echo(f"đã tạo {display_path(path)}")
    where = display_path(folder)
    go = "" if where == "." else f"cd {where} && "
    click.echo(f"  {done.blanks} chỗ cần điền trong data/{province}/; tiếp theo: điền rồi chạy "
               f"{go}reportgen validate, sau đó reportgen build --all")


@main.command()
@click.option("--province", "-p", required=True, metavar="TỈNH", help="Mã tỉnh, ví dụ bac-kan (tỉnh mới: tạo cả province.yaml).")
@click.option("--year", "-y", type=int, required=True, metavar="NĂM", help="Năm của kỳ mới, ví dụ 2023.")
@click.option("--period", metavar="KỲ", help="h1 hoặc h2 cho báo cáo 6 tháng; bỏ trống cho báo cáo năm.")
@_location_options()
@click.pass_context
@run_safely
def new(ctx, province, year, period):
    """Tạo tệp số liệu kỳ mới từ kỳ trước (không bao giờ ghi đè tệp đã có)."""
    from .commands import period_option
    from .data.dataset import check_period
    from .errors import display_path
    from .authoring.scaffold import new_period
    from .vnformat import TARGET_STATUS

    wanted = check_period(period_option(year, period))
    done = new_period(_project(ctx), province, wanted)
    for path in done.files:
        click.echo(f"đã tạo {display_path(path)}")
    if done.source is not None:
        click.echo(f"  cấu trúc lấy từ {display_path(done.source)}"
                   + ("; số liệu kỳ đó thành same_period" if done.same_period else ""))
    if done.targets_from is not None:
        click.echo(f"  {done.plans} kế hoạch (plan/plan_growth) lấy từ chỉ tiêu "
                   f"'{TARGET_STATUS}' trong {display_path(done.targets_from)}")
    if done.unmatched_targets:
        click.echo("  chỉ tiêu phấn đấu không khớp mã nào: " + ", ".join(done.unmatched_targets))
    click.echo(f"  {done.blanks} chỗ cần điền; tiếp theo: điền rồi chạy reportgen validate "
               f"--province {province} --period {wanted.slug}")


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=None, metavar="THƯ_MỤC",
              help="Thư mục ghi các tệp *.schema.json (mặc định: schema/ cạnh data/ của dự án, "
                   "hoặc ở thư mục hiện tại).")
@click.option("--check", is_flag=True, help="Không ghi gì; mã thoát 1 nếu tệp trên đĩa khác lược đồ.")
@run_safely
def schema(out, check):
    """Ghi JSON Schema của tệp số liệu (period, province, layout) cho trình soạn thảo."""
    from .errors import display_path
    from .authoring.schema import write_schemas

    if out is None:
        from .project import find_root
        root = find_root()
        out = Path("schema") if root is None or root == Path.cwd().resolve() else root / "schema"
    files = write_schemas(out, check=check)
    if check:
        for path in files:
            click.echo(f"lược đồ cũ hoặc thiếu: {display_path(path)} (chạy reportgen schema)", err=True)
        sys.exit(1 if files else 0)
    for path in files:
        click.echo(f"đã ghi {display_path(path)}")


@main.command()
@click.option("--province", "-p", required=True, metavar="TỈNH", help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, metavar="NĂM", help="Năm báo cáo (bỏ trống nếu tỉnh chỉ có một kỳ).")
@click.option("--period", metavar="KỲ", help="h1 (6 tháng đầu năm) hoặc kỳ đầy đủ như 2023-h1.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="CỔNG",
              help="Cổng trên 127.0.0.1 (0: cổng trống bất kỳ).")
@_location_options()
@click.option("--no-open", "no_open", is_flag=True, help="Không tự mở trình duyệt.")
@click.pass_context
@run_safely
def preview(ctx, province, year, period, port, no_open):
    """Xem trước báo cáo đúng như bản in (trang A4 của bản PDF) trên trình duyệt; tự dựng
    lại khi lưu số liệu, mẫu hay bảng định kiểu."""
    from .commands import period_option, select_entries
    from .errors import UsageError
    from .authoring.preview import PreviewServer

    from .build.pipeline import source_date
    source_date()  # a bad SOURCE_DATE_EPOCH: exit 2 before the server starts
    entries = select_entries(_project(ctx), province, period_option(year, period))
    if len(entries) != 1:
        known = ", ".join(e.period.slug for e in entries)
        raise UsageError(f"tỉnh '{province}' có nhiều kỳ ({known}): chọn một bằng --year [--period]")
    try:
        server = PreviewServer(_project(ctx), entries[0], port)
    except OSError as exc:
        from .errors import os_reason
        raise UsageError(f"không mở được cổng {port} trên 127.0.0.1: {os_reason(exc)}") from None
    click.echo(f"xem trước {entries[0].slug} {entries[0].period.slug} tại {server.url} "
               "(Ctrl-C để dừng)", err=True)

    def open_browser() -> None:
        import os
        import threading
        import webbrowser
        if (sys.platform.startswith("linux") and not os.environ.get("BROWSER")
                and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
            # no desktop: webbrowser would start a text browser in this terminal
            click.echo(f"không có màn hình đồ hoạ: mở {server.url} trong trình duyệt", err=True)
            return

        def run() -> None:
            if not webbrowser.open(server.url):
                click.echo(f"không mở được trình duyệt: mở {server.url} bằng tay", err=True)
        threading.Thread(target=run, daemon=True, name="preview-open").start()

    server.serve_forever(on_ready=None if no_open else open_browser)


def _one_period(province, year, period):
    """The Period named by --year/--period (required) for a spreadsheet command."""
    from .commands import period_option
    from .data.dataset import check_period, check_slug
    from .errors import UsageError

    check_slug(province)
    slug = period_option(year, period)
    if not slug:
        raise UsageError("chọn kỳ bằng --year NĂM [--period h1|h2]")
    return check_period(slug)


@main.command()
@click.option("--province", "-p", required=True, metavar="TỈNH", help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, metavar="NĂM", help="Năm báo cáo, ví dụ 2022.")
@click.option("--period", metavar="KỲ", help="h1 hoặc h2 cho báo cáo 6 tháng.")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path, dir_okay=False), metavar="TỆP",
              help="Ghi bảng chỉ tiêu của kỳ vào tệp .xlsx này.")
@click.option("--template-xlsx", "template_xlsx", type=click.Path(path_type=Path, dir_okay=False),
              metavar="TỆP",
              help="Ghi biểu mẫu trống (danh sách chỉ tiêu của tỉnh) để cán bộ điền số liệu.")
@_location_options()
@click.option("--force", is_flag=True, help="Thay tệp .xlsx đã có (không bao giờ thay tệp loại khác).")
@click.pass_context
@run_safely
def export(ctx, province, year, period, xlsx, template_xlsx, force):
    """Xuất bảng chỉ tiêu ra Excel (.xlsx): số liệu của một kỳ, hoặc biểu mẫu trống."""
    from .errors import UsageError

    if bool(xlsx) == bool(template_xlsx):
        raise UsageError("chọn một trong --xlsx TỆP (số liệu một kỳ) hoặc --template-xlsx TỆP "
                         "(biểu mẫu trống)")
    from .errors import display_path
    from .authoring.spreadsheet_export import export_template, export_workbook

    project = _project(ctx)
    if xlsx:
        n = export_workbook(project, province, _one_period(province, year, period), xlsx, force)
        click.echo(f"đã ghi {display_path(xlsx)} ({n} chỉ tiêu)")
    else:
        chosen = _one_period(province, year, period) if (year or period) else None
        n = export_template(project, province, chosen, template_xlsx, force)
        click.echo(f"đã ghi biểu mẫu {display_path(template_xlsx)} ({n} chỉ tiêu)")


@main.command(name="import")
@click.argument("book", type=click.Path(path_type=Path, dir_okay=False), metavar="TỆP_XLSX")
@click.option("--province", "-p", required=True, metavar="TỈNH", help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, metavar="NĂM", help="Năm báo cáo, ví dụ 2022.")
@click.option("--period", metavar="KỲ", help="h1 hoặc h2 cho báo cáo 6 tháng.")
@_location_options()
@click.pass_context
@run_safely
def import_(ctx, book, province, year, period):
    """Nhập tệp Excel đã điền vào tệp số liệu YAML (giữ nguyên chú thích và phần khác)."""
    from .errors import display_path
    from .authoring.spreadsheet_import import import_workbook

    result = import_workbook(_project(ctx), book, province, _one_period(province, year, period))
    for w in result.warnings:
        click.echo(w, err=True)
    if not result.wrote:
        click.echo(f"không có gì thay đổi: {display_path(result.path)} giữ nguyên")
    elif result.created:
        click.echo(f"đã tạo {display_path(result.path)} ({len(result.changed)} chỉ tiêu)")
    else:
        click.echo(f"đã cập nhật {display_path(result.path)}: {len(result.changed)} thay đổi")


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--pkcs12", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp khoá PKCS#12 (.p12/.pfx) của người ký.")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Tệp chứa mật khẩu PKCS#12 hoặc mã PIN token (dòng đầu); '-': đọc từ đầu "
                   "vào chuẩn. Không có tùy chọn này thì hỏi (không hiện ký tự gõ). Không có "
                   "cách ghi mã PIN trên dòng lệnh.")
@click.option("--pkcs11-lib", help="Thư viện PKCS#11 của token USB (ví dụ /usr/lib/…/libxxx.so).")
@click.option("--token-label", help="Nhãn token PKCS#11.")
@click.option("--key-label", help="Nhãn khoá/chứng thư trên token (khi token có nhiều khoá).")
@click.option("--agency", is_flag=True,
              help="Chữ ký số của cơ quan (sau chữ ký người có thẩm quyền): hình dấu trùm 1/3 "
                   "bên trái chữ ký, kèm tên cơ quan và thời gian ký.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp đã ký (mặc định: <tên>-ky-so.pdf cạnh tệp gốc).")
@click.option("--in-place", is_flag=True, help="Ghi đè chính tệp đầu vào (cập nhật gia tăng).")
@click.pass_context
@run_safely
def sign(ctx, pdf, pkcs12, password_file, pkcs11_lib, token_label, key_label, agency, out, in_place):
    """Ký số PAdES báo cáo PDF theo Nghị định 30/2020/NĐ-CP (không sửa tệp gốc)."""
    from .errors import UsageError
    from .publish.keys import KeySource, read_password
    from .publish.sign import default_out, sign_file

    if bool(pkcs12) == bool(pkcs11_lib):
        raise UsageError("chọn một nguồn khoá: --pkcs12 TỆP.p12 hoặc --pkcs11-lib THƯ_VIỆN "
                         "--token-label NHÃN")
    if pkcs11_lib and not token_label:
        raise UsageError("--pkcs11-lib cần --token-label (nhãn token)")
    if in_place and out:
        raise UsageError("--in-place và --out không dùng cùng nhau")
    target = pdf if in_place else (out or default_out(pdf))
    if not in_place and target.resolve() == pdf.resolve():
        raise UsageError(f"{target} là chính tệp đầu vào: thêm --in-place nếu muốn ghi đè")
    secret = read_password(password_file, "mã PIN token" if pkcs11_lib else "mật khẩu tệp khoá")
    key = KeySource(pkcs12=pkcs12, password=secret,
                    pkcs11_lib=pkcs11_lib, token_label=token_label, key_label=key_label)
    done = sign_file(pdf, target, key, _project(ctx).data, agency=agency)
    who = "cơ quan" if agency else "người có thẩm quyền"
    click.echo(f"đã ký ({who}: {done['signer']}, {done['time']}) → {done['out']}")


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--trust", "trust", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Chứng thư gốc tin cậy (PEM hoặc DER); dùng nhiều lần được.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: kết quả cho CI.")
@click.pass_context
@run_safely
def verify(ctx, pdf, trust, fmt):
    """Kiểm tra báo cáo đã công bố: chữ ký số, PDF/A, số liệu đính kèm dựng lại đúng văn bản.
    Mã thoát 0 chỉ khi mọi điều kiện đều đạt."""
    import json
    from .publish.verify import load_roots, verify_file

    verdict = verify_file(pdf, load_roots(trust), _project(ctx).templates)
    if fmt == "json":
        click.echo(json.dumps(verdict.as_json(), ensure_ascii=False, indent=1))
    else:
        for c in verdict.checks:
            click.echo(f"{'đạt  ' if c.ok else 'KHÔNG'} {c.message}")
        click.echo("kết luận: " + ("mọi điều kiện đều đạt" if verdict.ok else
                                   "có điều kiện không đạt"), err=not verdict.ok)
    sys.exit(0 if verdict.ok else 1)
