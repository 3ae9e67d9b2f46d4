"""The reports workflow (.github/workflows/reports.yml) and the one `reportgen init` writes.

The shell steps of the repository's workflow are run in order, as the runner would, in a
project holding a copy of one province's data: the first run builds the reports (they stand
for the committed ones); after a change to the data the check step fails, before the build
step could make the files current again. Broken data stops the job at the validate step with
an annotation on the line."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "reports.yml"
SETUP_STEP = "bash scripts/setup.sh"  # provided here by the test's own environment
CHECK_IF = "hashFiles('output/**/*.pdf') != ''"


def load(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(text)


def steps(workflow: dict) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def check_shape(workflow: dict, text: str) -> None:
    """What every reports workflow of ours holds to."""
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]
    (job,) = workflow["jobs"].values()
    assert 0 < job["timeout-minutes"] <= 30
    uses = {s["uses"].split("@")[0]: s["uses"].split("@")[1] for s in job["steps"] if "uses" in s}
    assert uses == {"actions/checkout": "v6", "actions/setup-python": "v6",
                    "actions/upload-artifact": "v6"}
    python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache"] == "pip"
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "output/"
    runs = [s["run"] for s in job["steps"] if "run" in s]
    lowered = "\n".join(line for line in text.lower().splitlines()
                         if not line.lstrip().startswith("#"))
    for banned in ("chromium", "libreoffice", "pytest", "[test]"):
        assert banned not in lowered, banned
    validate = next(i for i, r in enumerate(runs) if "reportgen validate" in r)
    check = next(i for i, r in enumerate(runs) if "build --all --check" in r)
    build = next(i for i, r in enumerate(runs) if r.strip().endswith("reportgen build --all"))
    assert validate < check < build, "validate, then check the committed reports, then build"
    assert "--format github" in runs[validate]
    assert next(s for s in job["steps"] if "build --all --check" in s.get("run", ""))["if"] == CHECK_IF


def test_repository_workflow_shape():
    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = load(text)
    check_shape(workflow, text)
    (job,) = workflow["jobs"].values()
    assert job["env"]["REPORTGEN_RUNTIME_ONLY"] == "1"  # scripts/setup.sh: no test tools
    assert steps(workflow)[2]["run"] == SETUP_STEP


def test_init_workflow_shape_and_packages_match_setup(tmp_path):
    from reportgen.authoring.init import APT_PACKAGES, WORKFLOW as TEXT
    text = TEXT.format(apt=" ".join(APT_PACKAGES))
    check_shape(load(text), text)
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    runtime = re.search(r'^pkgs="([^"$]+)"$', setup, re.M)[1].split()
    assert tuple(runtime) == APT_PACKAGES


def run_steps(project: Path) -> list[tuple[str, subprocess.CompletedProcess]]:
    """The workflow's shell steps in order, stopping at the first that fails (as a job does)."""
    done = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTGEN_")}
    env["REPORTGEN_RUNTIME_ONLY"] = "1"
    for step in steps(load(WORKFLOW.read_text(encoding="utf-8"))):
        if "run" not in step or step["run"].strip() == SETUP_STEP:
            continue
        if "if" in step:
            assert step["if"] == CHECK_IF, step["if"]  # the only condition this runner knows
            if not list(project.glob("output/**/*.pdf")):
                continue
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        done.append((step["name"], proc))
        if proc.returncode != 0:
            break
    return done


@pytest.fixture
def project(tmp_path):
    """A project as a repository clone holds it: data/ and the set-up .venv (this one)."""
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    assert (tmp_path / ".venv" / "bin" / "reportgen").exists()
    return tmp_path


def test_steps_in_order_the_check_fails_after_a_data_change(project):
    first = run_steps(project)
    names = [n for n, _ in first]
    assert [p.returncode for _, p in first] == [0, 0], [(n, p.stderr) for n, p in first]
    assert any("Build" in n for n in names) and not any("current" in n for n in names)
    pdf = project / "output" / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.pdf"
    assert pdf.is_file()  # these stand for the committed reports
    before = pdf.read_bytes()

    data = project / "data" / "bac-kan" / "2022.yaml"
    text = data.read_text(encoding="utf-8")
    old = re.search(r"^    intro: (.{12})", text, re.M)[1]  # a narrative change will do
    data.write_text(text.replace(old, old + " (đã sửa)", 1), encoding="utf-8")

    second = run_steps(project)
    assert len(second) == 2, [n for n, _ in second]  # validate, check; the job stops there
    (validate_name, validate), (check_name, check) = second
    assert validate_name == names[0]
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "current" in check_name and check.returncode == 1
    assert "khác với số liệu hiện tại" in check.stderr
    assert "bao-cao-bac-kan-2022.pdf" in check.stderr
    assert pdf.read_bytes() == before  # the build step did not run, nothing was rewritten


def test_broken_data_stops_the_job_with_an_annotation(project):
    data = project / "data" / "bac-kan" / "2022.yaml"
    text = data.read_text(encoding="utf-8")
    lines = text.split("\n")
    no = next(i for i, line in enumerate(lines) if re.match(r"^\s+status: ", line))
    lines[no] = re.sub(r"status: .*", "status: uoc dat", lines[no])
    data.write_text("\n".join(lines), encoding="utf-8")
    ((name, validate),) = run_steps(project)
    assert "Validate" in name and validate.returncode == 1
    expected = f"::error file=data/bac-kan/2022.yaml,line={no + 1},col="
    assert any(line.startswith(expected) and "RG123" in line
               for line in validate.stdout.splitlines()), validate.stdout
    assert not (project / "output").exists()
