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
    from .build import build as run, parse_formats
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
