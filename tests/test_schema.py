"""JSON Schema of the data files (schema/*.schema.json): seeded files validate, mistakes do
not, every data file names its schema on its first line, and the committed files are exactly
what `reportgen schema` generates from the model."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.data.loader import load_yaml
from reportgen.authoring.schema import KINDS, file_name, render, write_schemas
from reportgen.vnformat import NumberFormatError, parse_number
from seeded import ROOT

SCHEMA_DIR = ROOT / "schema"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")


def seeded_files() -> list[Path]:
    """Every data file kept in the repository (and the layouts)."""
    files = sorted((ROOT / "data").glob("*/*.yaml"))
    # (a fixture's `seeds/` holds manifests like seeds/*.yaml, not data files)
    files += sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.yaml") if "seeds" not in p.parts)
    files.append(ROOT / "templates" / "layout.yaml")
    return files


def kind_of(path: Path) -> str:
    return {"province.yaml": "province", "layout.yaml": "layout"}.get(path.name, "period")


def jsonable(value):
    """Loaded YAML (Decimal, date) as the JSON types an editor's YAML server sees."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 \
            else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / file_name(kind)).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(kind: str, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(kind).iter_errors(data)]


def seeded(name: str):
    return jsonable(load_yaml(ROOT / "data" / name).data)


@pytest.mark.parametrize("path", seeded_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_seeded_file_names_and_fits_its_schema(path):
    text = path.read_text(encoding="utf-8")
    m = MODELINE.match(text)
    assert m, f"{path}: first line must be '# yaml-language-server: $schema=…'"
    target = (path.parent / m.group(1)).resolve()
    assert target == (SCHEMA_DIR / file_name(kind_of(path))).resolve(), m.group(1)
    assert errors(kind_of(path), jsonable(load_yaml(path).data)) == []


def test_misspelt_key_fails():
    data = seeded("bac-kan/2022.yaml")
    bad = copy.deepcopy(data)
    ind = bad["sections"]["cong_nghiep"]["indicators"]["gtsx_cong_nghiep"]
    ind["grwoth"] = ind.pop("growth")
    found = errors("period", bad)
    assert len(found) == 1 and "grwoth" in found[0], found
    bad = copy.deepcopy(data)
    bad["documnet"] = bad.pop("document")
    assert any("documnet" in e for e in errors("period", bad))
    province = seeded("bac-kan/province.yaml")
    province["signer"]["nmae"] = "X"
    assert any("nmae" in e for e in errors("province", province))


def test_wrong_values_fail():
    data = seeded("bac-kan/2022.yaml")
    for key, value in (("status", "uoc dat"), ("value", "1,586.397"), ("value", None),
                       ("growth", "10.09"), ("qualifier", "khoảng")):
        bad = copy.deepcopy(data)
        bad["sections"]["cong_nghiep"]["indicators"]["gtsx_cong_nghiep"][key] = value
        assert errors("period", bad), (key, value)
    assert errors("period", data) == []


@pytest.mark.parametrize("text", ["1.586,397", "34,410", "5.300", "âm 6,76", "-6,76", "12,77%",
                                  "0", "119.430.400", " 7 ", "1586", "1,586.397", "1.5",
                                  "1.58,6", "1..5", "1586.397", "0.500", "12,7,7", "", "abc",
                                  "nan", "1e5", "5.30"])
def test_number_pattern_agrees_with_parse_number(text):
    """The schema accepts exactly the strings the model reads as numbers."""
    full = json.loads((SCHEMA_DIR / "period.schema.json").read_text(encoding="utf-8"))
    growth = full["$defs"]["Indicator"]["properties"]["growth"]
    ok_schema = not list(jsonschema.Draft202012Validator(growth).iter_errors(text))
    try:
        parse_number(text)
        ok_model = True
    except NumberFormatError:
        ok_model = False
    assert ok_schema == ok_model, (text, ok_schema, ok_model)


def test_plain_numbers_accepted():
    data = seeded("bac-kan/2022.yaml")
    ind = data["sections"]["cong_nghiep"]["indicators"]["gtsx_cong_nghiep"]
    ind["value"] = 1586.397
    ind["same_period"] = 1440
    assert errors("period", data) == []


def test_committed_schema_is_what_reportgen_schema_generates(tmp_path):
    stale = write_schemas(SCHEMA_DIR, check=True)
    assert stale == [], ("schema/ is stale: run `.venv/bin/reportgen schema` and commit "
                         f"the result ({', '.join(p.name for p in stale)})")
    res = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for kind in KINDS:
        assert (tmp_path / file_name(kind)).read_bytes() == (SCHEMA_DIR / file_name(kind)).read_bytes()
        assert (tmp_path / file_name(kind)).read_bytes() == render(kind)
    res = CliRunner().invoke(main, ["schema", "--out", str(tmp_path), "--check"])
    assert res.exit_code == 0
    (tmp_path / "layout.schema.json").write_text("{}", encoding="utf-8")
    res = CliRunner().invoke(main, ["schema", "--out", str(tmp_path), "--check"])
    assert res.exit_code == 1 and "layout.schema.json" in res.output


def test_scaffolded_blanks_are_schema_errors(tmp_path):
    """An editor underlines each blank `reportgen new` leaves (value: with nothing after it)."""
    import shutil
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    res = CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "--templates",
                                    str(tmp_path / "templates"), "new", "--province", "bac-kan",
                                    "--year", "2023"])
    assert res.exit_code == 0, res.output
    found = errors("period", jsonable(load_yaml(tmp_path / "data" / "bac-kan" / "2023.yaml").data))
    assert any(e.startswith("document/number:") for e in found)
    assert any(e.startswith("sections/cong_nghiep/indicators/gtsx_cong_nghiep/value:") for e in found)
