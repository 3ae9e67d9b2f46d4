"""Inputs that used to crash or hang a build (issue 18, "Crashes and hangs" and "Clear
messages"): each is now a finding or a clear error, never exit 70, and nothing is written
outside the test's temporary folder."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeded(tmp_path):
    """A copy of the templates and of data/bac-kan in tmp_path; returns (project, entry)."""
    from reportgen.commands import select_entries
    from reportgen.project import Project

    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan",
                    ignore=shutil.ignore_patterns("*.xlsx", "output"))
    project = Project(data=tmp_path / "data", templates=tmp_path / "templates",
                      output=tmp_path / "output")
    [entry] = select_entries(project, "bac-kan", "2022")
    return project, entry


def cli(project, *args: str):
    from click.testing import CliRunner
    from reportgen.cli import main
    return CliRunner().invoke(main, ["--data", str(project.data), "--templates",
                                     str(project.templates), *args])


def no_crash(result) -> str:
    text = result.output
    assert result.exit_code != 70 and "lỗi nội bộ" not in text and "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return text


def set_subject(project, subject: str) -> None:
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\n  date: 2023-01-05\n" in text
    path.write_text(text.replace("\n  date: 2023-01-05\n",
                                 f"\n  date: 2023-01-05\n  subject: '{subject}'\n", 1),
                    encoding="utf-8")


# ---------------------------------------------------------------------------------------
# DOCX core properties: 255 characters at most (python-docx), the text stays whole


def test_long_subject_shortens_the_docx_metadata_never_the_text(seeded):
    import io

    import docx

    from reportgen.build.pipeline import make_document, render_formats

    project, entry = seeded
    subject = ("Kết quả thực hiện nhiệm vụ phát triển công nghiệp, thương mại, xuất nhập khẩu, "
               "năng lượng, quản lý thị trường, khuyến công, xúc tiến thương mại, thương mại điện "
               "tử, an toàn thực phẩm và cải cách hành chính năm 2022 của Sở Công Thương tỉnh Bắc "
               "Kạn, cùng phương hướng năm 2023")
    assert len(subject) > 255
    set_subject(project, subject)
    out = render_formats(project, make_document(project, entry), ("docx",))["docx"]
    d = docx.Document(io.BytesIO(out))
    props = d.core_properties
    assert len(props.subject) <= 255 and props.subject.endswith("…")
    assert subject.startswith(props.subject[:-1])  # cut at a word, nothing invented
    assert len(props.title) <= 255 and props.title.startswith("Báo cáo Kết quả thực hiện")
    body = "\n".join(p.text for p in d.paragraphs)
    assert subject in " ".join(body.split())  # the trích yếu itself is whole


# ---------------------------------------------------------------------------------------
# FIFOs and folders named *.yaml in a province folder


@pytest.mark.parametrize("kind", ["fifo", "dir"])
def test_a_yaml_that_is_not_a_regular_file_is_a_finding_not_a_hang(seeded, kind):
    project, _ = seeded
    odd = project.data / "bac-kan" / "old.yaml"
    if kind == "fifo":
        os.mkfifo(odd)  # reading it blocks forever: hashing the inputs hung the build
    else:
        odd.mkdir()
    for args in (("validate", "-p", "bac-kan"),
                 ("build", "-p", "bac-kan", "--format", "html", "--out",
                  str(project.output))):
        text = no_crash(cli(project, *args))
        assert "old.yaml: lỗi RG100 old.yaml là " + (
            "một ống dẫn (FIFO)" if kind == "fifo" else "một thư mục") in text, text
        assert "RG400" not in text  # not a write error
    assert not list(project.output.rglob("*.html"))


# ---------------------------------------------------------------------------------------
# SOURCE_DATE_EPOCH


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "253402300800", "-1", "١٢",
                                   "1e9"])
def test_bad_source_date_epoch_stops_before_any_report(seeded, monkeypatch, value):
    project, _ = seeded
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = cli(project, "build", "-p", "bac-kan", "--format", "html", "--out",
                 str(project.output))
    text = no_crash(result)
    assert result.exit_code == 2, text
    assert f"SOURCE_DATE_EPOCH={value!r} không dùng được: cần số giây" in text, text
    assert "bac-kan  2022" not in text and not project.output.exists()  # nothing started


def test_good_source_date_epoch_sets_the_metadata_date(seeded, monkeypatch):
    import datetime as dt

    from reportgen.build.pipeline import source_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1672876800 ")
    assert source_date() == dt.date(2023, 1, 5)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date() is None


# ---------------------------------------------------------------------------------------
# fonts: checked with fontconfig before WeasyPrint runs


def _fontconfig(tmp_path: Path, *dirs: str) -> Path:
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<fontconfig>'
                    + "".join(f"<dir>{d}</dir>" for d in dirs)
                    + f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return conf


needs_fontconfig = pytest.mark.skipif(not shutil.which("fc-match"), reason="no fontconfig tools")


@needs_fontconfig
@pytest.mark.parametrize("fonts,says", [
    ((), "không có phông chữ nào trên máy"),  # WeasyPrint crashed the process (SIGSEGV)
    (("/usr/share/fonts/truetype/dejavu",), "fontconfig thay bằng DejaVu"),  # silently DejaVu
])
def test_pdf_without_the_report_fonts_is_refused_with_the_packages(seeded, tmp_path,
                                                                     monkeypatch, fonts, says):
    if fonts and not Path(fonts[0]).is_dir():
        pytest.skip("no DejaVu fonts on this machine")
    project, _ = seeded
    monkeypatch.setenv("FONTCONFIG_FILE", str(_fontconfig(tmp_path, *fonts)))
    result = cli(project, "build", "-p", "bac-kan", "--format", "pdf,html", "--out",
                 str(project.output))
    text = no_crash(result)
    assert result.exit_code == 2, text
    assert says in text and "RG406" in text, text
    assert "sudo apt-get install fonts-liberation2 fonts-croscore" in text
    assert not project.output.exists()  # stopped before any report


@needs_fontconfig
def test_report_fonts_installed_pass_the_check():
    from reportgen.writers.fonts import METRIC_COMPATIBLE, check_fonts

    assert check_fonts() in METRIC_COMPATIBLE


@needs_fontconfig
def test_character_missing_from_the_font_is_a_warning_naming_it_and_the_field(seeded):
    from reportgen.commands import validate
    from reportgen.writers.fonts import report_font

    family, cmap = report_font()
    if not cmap:
        pytest.skip("the report font cannot be read")
    project, _ = seeded
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        label: Giá trị sản xuất công nghiệp\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "        label: Giá trị sản xuất công nghiệp 🏭\n"),
                    encoding="utf-8")
    findings = validate(project, "bac-kan").findings
    [f] = [f for f in findings if f.code == "RG303"]
    line = text.split("\n").index(old.rstrip("\n")) + 1
    assert (f.line, f.severity) == (line, "cảnh báo")
    assert "indicators.gtsx_cong_nghiep.label" in f.message and "'🏭' (U+1F3ED)" in f.message
    assert family in f.message
    assert [x for x in findings if x.is_error] == []  # a warning: the build still runs


# ---------------------------------------------------------------------------------------
# a template error in HTML built at run time names the template that wrote it


def test_runtime_html_error_names_the_template_not_report_html(seeded):
    from reportgen.build.pipeline import make_document
    from reportgen.errors import TemplateError

    project, entry = seeded
    section = project.templates / "sections" / "default.html"
    section.write_text(section.read_text(encoding="utf-8")
                       + '\n{{ "<p>một</p><span>hai</span>" | safe }}\n', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    exc = info.value
    assert exc.code == "RG505" and "<span>" in exc.message and "|safe" in exc.message
    assert Path(exc.file).resolve() == section.resolve(), str(exc)


def test_literal_html_error_keeps_its_template_line(seeded):
    from reportgen.build.pipeline import make_document
    from reportgen.errors import TemplateError

    project, entry = seeded
    section = project.templates / "sections" / "default.html"
    lines = section.read_text(encoding="utf-8").split("\n")
    section.write_text("\n".join(lines + ["<span>hai</span>"]), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    assert (Path(info.value.file).resolve(), info.value.line) == (section.resolve(),
                                                                  len(lines) + 1)


# ---------------------------------------------------------------------------------------
# a full disk names the file; Ctrl-C says which files were already replaced


def test_no_space_left_names_the_file(seeded, monkeypatch):
    import errno

    from reportgen.build import pipeline

    project, _ = seeded

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.os, "fsync", full_disk)
    result = cli(project, "build", "-p", "bac-kan", "--format", "html", "--out",
                 str(project.output))
    text = no_crash(result)
    assert result.exit_code == 1, text
    target = project.output / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.html"
    line = next(x for x in text.splitlines() if "RG400" in x)
    assert Path(line.split(": lỗi RG400")[0]).resolve() == target.resolve(), text
    assert "đĩa đã đầy" in line
    assert not target.exists() and not list(target.parent.glob(".*.tmp"))  # no half file


@pytest.mark.parametrize("stop_at", [1, 2])
def test_ctrl_c_says_which_files_were_already_replaced(seeded, monkeypatch, stop_at):
    from reportgen.build import pipeline

    project, _ = seeded
    real = pipeline.atomic_write
    calls = []

    def write_then_interrupt(path, data):
        calls.append(path)
        if len(calls) == stop_at:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(pipeline, "atomic_write", write_then_interrupt)
    result = cli(project, "build", "-p", "bac-kan", "--format", "html,docx", "-j", "1",
                 "--out", str(project.output))
    text = no_crash(result)
    assert result.exit_code == 130, text
    if stop_at == 1:  # nothing replaced yet
        assert "đã dừng (Ctrl-C); các tệp đã có không bị thay đổi" in text, text
    else:
        [done] = [p for p in calls[:1]]
        assert done.exists()
        assert "đã dừng (Ctrl-C); 1 tệp đã được thay bằng bản mới: " in text, text
        assert done.name in text and "không bị thay đổi" in text.split(done.name)[1]


# ---------------------------------------------------------------------------------------
# very long words: broken in the PDF (warning), refused beyond 1 000 characters


def _long_label(project, word: str) -> int:
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        label: Giá trị sản xuất công nghiệp\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, f"        label: Giá trị sản xuất công nghiệp {word}\n"),
                    encoding="utf-8")
    return text.split("\n").index(old.rstrip("\n")) + 1


def test_long_word_is_broken_in_the_pdf_and_warned(seeded):
    from reportgen.build.pipeline import make_document, render_formats
    from reportgen.commands import validate
    from seeded import pdf_pages_text

    project, entry = seeded
    word = "".join(f"{i:03d}" for i in range(100))  # 300 characters, no space
    line = _long_label(project, word)
    [f] = [f for f in validate(project, "bac-kan").findings if f.code == "RG304"]
    assert (f.line, f.severity) == (line, "cảnh báo") and "một từ dài 300 ký tự" in f.message
    pdf = render_formats(project, make_document(project, entry), ("pdf",))["pdf"]
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler) tells what is inside the page; pypdf reads clipped text")
    import re
    pages = [re.sub(r"^\d+ ", "", p) for p in pdf_pages_text(pdf)]  # page numbers at the top
    text = "".join(" ".join(pages).split())
    # every character is inside the page (it ran off the edge, clipped), in the body and in
    # the appendix row, whose last column (TH/cùng kỳ 110,09) stays on the page too
    assert text.count(word) == 2, text
    appendix = next(p for p in pages if "Phụ lục" in p)
    assert "110,09" in appendix


def test_word_over_a_thousand_characters_is_an_error(seeded):
    project, _ = seeded
    line = _long_label(project, "x" * 200_000)
    result = cli(project, "build", "-p", "bac-kan", "--format", "pdf", "--out",
                 str(project.output))
    text = no_crash(result)
    assert result.exit_code == 1, text
    assert f"2022.yaml:{line}:" in text and "lỗi RG125" in text
    assert "một từ dài 200.000 ký tự" in text and len(max(text.splitlines(), key=len)) < 700
    assert not project.output.exists() or not list(project.output.rglob("*.pdf"))


# ---------------------------------------------------------------------------------------
# the whole corpus through `build`: a finding or a clear error, never exit 70


def test_no_corpus_file_crashes_a_build(tree):
    """Every file of tests/bad as the period file of a build (HTML only): exit 1 with the
    file named, never 70 (an internal error) nor a traceback; nothing written outside."""
    bad = Path(__file__).resolve().parent / "bad"
    shutil.copytree(ROOT / "templates", tree.templates, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("layout.yaml"))
    out = tree.root / "output"
    codes = {}
    for path in sorted(bad.glob("*.yaml")):
        tree.write(path.read_bytes())
        result = tree.cli("build", "--all", "--format", "html", "--out", str(out))
        text = no_crash(result)
        codes[path.name] = result.exit_code
        assert result.exit_code in (0, 1), (path.name, text)
    # warnings only (RG3xx) build; every other file fails with its finding
    assert sum(1 for c in codes.values() if c == 1) >= len(codes) - 5, codes
