"""Command line: parses options and calls library functions. Imports are lazy so that
`reportgen --help` and `reportgen validate` never load WeasyPrint."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ReportgenError


def _project(ctx: click.Context):
    from .project import Project
    return Project(**ctx.obj)


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
        except KeyboardInterrupt:
            click.echo("đã dừng (Ctrl-C); các tệp đã có không bị thay đổi", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data", type=click.Path(path_type=Path), default="data", show_default=True,
              help="Thư mục số liệu.")
@click.option("--templates", "templates", type=click.Path(path_type=Path), default="templates",
              show_default=True, help="Thư mục mẫu báo cáo.")
@click.version_option(package_name="reportgen")
@click.pass_context
def main(ctx: click.Context, data: Path, templates: Path) -> None:
    """reportgen: báo cáo Sở Công Thương (PDF, DOCX, HTML) từ số liệu YAML."""
    ctx.obj = {"data": data, "templates": templates}


def _select_options(fn):
    fn = click.option("--province", "-p", help="Mã tỉnh, ví dụ bac-kan.")(fn)
    fn = click.option("--year", "-y", type=int, help="Năm báo cáo, ví dụ 2022.")(fn)
    fn = click.option("--period", help="h1 (6 tháng đầu năm) hoặc kỳ đầy đủ như 2023-h1.")(fn)
    fn = click.option("--all", "all_", is_flag=True, help="Mọi tỉnh và mọi kỳ trong data/.")(fn)
    return fn


@main.command()
@_select_options
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.pass_context
@run_safely
def validate(ctx, province, year, period, all_, strict):
    """Kiểm tra số liệu: cú pháp, lược đồ, số học. Mã thoát 1 nếu có lỗi."""
    from .commands import period_option, validate as run

    summary = run(_project(ctx), province, period_option(year, period), all_ or not province, strict)
    for finding in summary.findings:
        click.echo(str(finding))
    n = len(summary.results)
    if not summary.findings:
        click.echo(f"không có phát hiện nào ({n} báo cáo)")
    else:
        click.echo(f"{summary.errors} lỗi, {summary.warnings} cảnh báo ({n} báo cáo)", err=True)
    sys.exit(1 if summary.errors else 0)


@main.command(name="list")
@click.pass_context
@run_safely
def list_(ctx):
    """Liệt kê các tỉnh, kỳ báo cáo, số chỉ tiêu và số phát hiện."""
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
    if not summary.results:
        click.echo("không có số liệu trong thư mục data/")


@main.command()
@_select_options
@click.option("--format", "formats", default="pdf,docx,html", show_default=True,
              help="Định dạng, cách nhau bởi dấu phẩy: pdf,docx,html.")
@click.option("--out", "out", type=click.Path(path_type=Path), default="output", show_default=True,
              help="Thư mục kết quả (output/<tỉnh>/<kỳ>/…).")
@click.option("--force", is_flag=True, help="Dựng lại cả báo cáo không thay đổi.")
@click.option("--check", is_flag=True, help="Không ghi gì; mã thoát 1 nếu tệp trên đĩa khác kết quả dựng.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Số tiến trình song song (mặc định: số lõi CPU).")
@click.pass_context
@run_safely
def build(ctx, province, year, period, all_, formats, out, force, check, jobs):
    """Dựng báo cáo PDF, DOCX, HTML vào output/."""
    import os
    from .build.pipeline import build as run, parse_formats
    from .commands import period_option, select_entries
    from .errors import UsageError

    if not province and not all_:
        raise UsageError("chọn --province TỈNH [--year NĂM] hoặc --all")
    project = _project(ctx)
    fmts = parse_formats(formats)
    entries = select_entries(project, province, period_option(year, period), all_)
    if not entries:
        raise UsageError("không có báo cáo nào để dựng trong thư mục data/")
    jobs = jobs or min(len(entries), os.cpu_count() or 1)
    results = _run_with_progress(run, project, entries, fmts, out, force, check, jobs)
    _summary(results)
    failed = [r for r in results if r.status == "failed"]
    differs = [r for r in results if r.status == "differs"]
    for r in failed:
        click.echo(r.error, err=True)
    for r in differs:
        for f in r.files:
            click.echo(f"khác với số liệu hiện tại: {f}", err=True)
    sys.exit(1 if failed or differs else 0)


def _run_with_progress(run, project, entries, fmts, out, force, check, jobs):
    """Rich progress bar on a terminal, one plain line per report otherwise."""
    if sys.stderr.isatty():
        from rich.progress import Progress
        with Progress(transient=True) as progress:
            task = progress.add_task("Dựng báo cáo", total=len(entries))
            return run(project, entries, fmts, out, force, check, jobs,
                       progress=lambda r: progress.advance(task))
    return run(project, entries, fmts, out, force, check, jobs,
               progress=lambda r: click.echo(f"{r.entry.slug} {r.entry.period.slug}: {r.status}", err=True))


def _summary(results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("Tỉnh", "Kỳ", "Kết quả", "Trang", "Giây", box=None)
    for r in results:
        table.add_row(r.entry.slug, r.entry.period.slug, r.status, str(r.pages or ""),
                      f"{r.seconds:.2f}")
    Console(width=100, stderr=False).print(table)


# ------------------------------------------------------------------ authoring: new, schema, preview
@main.command()
@click.option("--province", "-p", required=True, help="Mã tỉnh, ví dụ bac-kan (tỉnh mới: tạo cả province.yaml).")
@click.option("--year", "-y", type=int, required=True, help="Năm của kỳ mới, ví dụ 2023.")
@click.option("--period", help="h1 hoặc h2 cho báo cáo 6 tháng; bỏ trống cho báo cáo năm.")
@click.pass_context
@run_safely
def new(ctx, province, year, period):
    """Tạo tệp số liệu kỳ mới từ kỳ trước (không bao giờ ghi đè tệp đã có)."""
    from .commands import period_option
    from .data.dataset import check_period
    from .errors import display_path
    from .authoring.scaffold import new_period

    wanted = check_period(period_option(year, period))
    done = new_period(_project(ctx), province, wanted)
    for path in done.files:
        click.echo(f"đã tạo {display_path(path)}")
    if done.source is not None:
        click.echo(f"  cấu trúc lấy từ {display_path(done.source)}"
                   + ("; số liệu kỳ đó thành same_period" if done.same_period else ""))
    if done.targets_from is not None:
        click.echo(f"  {done.plans} kế hoạch (plan/plan_growth) lấy từ chỉ tiêu 'phấn đấu đạt' "
                   f"trong {display_path(done.targets_from)}")
    if done.unmatched_targets:
        click.echo("  chỉ tiêu phấn đấu không khớp mã nào: " + ", ".join(done.unmatched_targets))
    click.echo(f"  {done.blanks} chỗ cần điền; tiếp theo: điền rồi chạy reportgen validate "
               f"--province {province} --period {wanted.slug}")


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default="schema", show_default=True,
              help="Thư mục ghi các tệp *.schema.json.")
@click.option("--check", is_flag=True, help="Không ghi gì; mã thoát 1 nếu tệp trên đĩa khác lược đồ.")
@run_safely
def schema(out, check):
    """Ghi JSON Schema của tệp số liệu (period, province, layout) cho trình soạn thảo."""
    from .errors import display_path
    from .authoring.schema import write_schemas

    files = write_schemas(out, check=check)
    if check:
        for path in files:
            click.echo(f"lược đồ cũ hoặc thiếu: {display_path(path)} (chạy reportgen schema)", err=True)
        sys.exit(1 if files else 0)
    for path in files:
        click.echo(f"đã ghi {display_path(path)}")


@main.command()
@click.option("--province", "-p", required=True, help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, help="Năm báo cáo (bỏ trống nếu tỉnh chỉ có một kỳ).")
@click.option("--period", help="h1 (6 tháng đầu năm) hoặc kỳ đầy đủ như 2023-h1.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Cổng trên 127.0.0.1 (0: cổng trống bất kỳ).")
@click.pass_context
@run_safely
def preview(ctx, province, year, period, port):
    """Xem trước báo cáo HTML trên trình duyệt, tự tải lại khi sửa số liệu hay mẫu."""
    from .commands import period_option, select_entries
    from .errors import UsageError
    from .authoring.preview import PreviewServer

    entries = select_entries(_project(ctx), province, period_option(year, period))
    if len(entries) != 1:
        known = ", ".join(e.period.slug for e in entries)
        raise UsageError(f"tỉnh '{province}' có nhiều kỳ ({known}): chọn một bằng --year [--period]")
    try:
        server = PreviewServer(_project(ctx), entries[0], port)
    except OSError as exc:
        raise UsageError(f"không mở được cổng {port} trên 127.0.0.1 ({exc.strerror or exc}): "
                         "dùng --port KHÁC (hoặc --port 0)") from None
    click.echo(f"xem trước {entries[0].slug} {entries[0].period.slug} tại {server.url} "
               "(Ctrl-C để dừng)", err=True)
    server.serve_forever()


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
@click.option("--province", "-p", required=True, help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, help="Năm báo cáo, ví dụ 2022.")
@click.option("--period", help="h1 hoặc h2 cho báo cáo 6 tháng.")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="Ghi bảng chỉ tiêu của kỳ vào tệp .xlsx này.")
@click.option("--template-xlsx", "template_xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="Ghi biểu mẫu trống (danh sách chỉ tiêu của tỉnh) để cán bộ điền số liệu.")
@click.pass_context
@run_safely
def export(ctx, province, year, period, xlsx, template_xlsx):
    """Xuất bảng chỉ tiêu ra Excel (.xlsx): số liệu của một kỳ, hoặc biểu mẫu trống."""
    from .errors import UsageError

    if bool(xlsx) == bool(template_xlsx):
        raise UsageError("chọn một trong --xlsx TỆP (số liệu một kỳ) hoặc --template-xlsx TỆP "
                         "(biểu mẫu trống)")
    from .errors import display_path
    from .authoring.spreadsheet import export_template, export_workbook

    project = _project(ctx)
    if xlsx:
        n = export_workbook(project, province, _one_period(province, year, period), xlsx)
        click.echo(f"đã ghi {display_path(xlsx)} ({n} chỉ tiêu)")
    else:
        chosen = _one_period(province, year, period) if (year or period) else None
        n = export_template(project, province, chosen, template_xlsx)
        click.echo(f"đã ghi biểu mẫu {display_path(template_xlsx)} ({n} chỉ tiêu)")


@main.command(name="import")
@click.argument("book", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--province", "-p", required=True, help="Mã tỉnh, ví dụ bac-kan.")
@click.option("--year", "-y", type=int, help="Năm báo cáo, ví dụ 2022.")
@click.option("--period", help="h1 hoặc h2 cho báo cáo 6 tháng.")
@click.pass_context
@run_safely
def import_(ctx, book, province, year, period):
    """Nhập tệp Excel đã điền vào tệp số liệu YAML (giữ nguyên chú thích và phần khác)."""
    from .errors import display_path
    from .authoring.spreadsheet import import_workbook

    result = import_workbook(_project(ctx), book, province, _one_period(province, year, period))
    for w in result.warnings:
        click.echo(w, err=True)
    if not result.wrote:
        click.echo(f"không có gì thay đổi: {display_path(result.path)} giữ nguyên")
    elif result.created:
        click.echo(f"đã tạo {display_path(result.path)} ({len(result.changed)} chỉ tiêu)")
    else:
        click.echo(f"đã cập nhật {display_path(result.path)}: {len(result.changed)} thay đổi")
