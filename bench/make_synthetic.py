"""Generate a synthetic data set: N provinces x the years 2020..2022, from Bắc Kạn 2022.

    .venv/bin/python bench/make_synthetic.py OUT_DIR [--provinces 63] [--years 3] [--scale 1]

Values are scaled per year and per province; stated growth, plan completion and parts are
dropped so the figures stay consistent (growth is then computed from the previous year).
"""
from __future__ import annotations

import argparse
import shutil
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from reportgen.data.loader import load_yaml  # noqa: E402
from reportgen.vnformat import format_number  # noqa: E402


def scaled(value, factor: Decimal):
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        return value
    from reportgen.vnformat import parse_number
    d = Decimal(value) if not isinstance(value, str) else parse_number(value)
    exp = d.as_tuple().exponent
    return format_number((d * factor).quantize(Decimal(1).scaleb(min(exp, 0))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--provinces", type=int, default=63)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--scale", type=int, default=1,
                    help="each indicator, product and count K times (ids suffixed _2, _3, …)")
    args = ap.parse_args()
    src = load_yaml(ROOT / "data" / "bac-kan" / "2022.yaml").data
    province = (ROOT / "data" / "bac-kan" / "province.yaml").read_text(encoding="utf-8")
    if args.out.exists():
        shutil.rmtree(args.out)
    yaml = YAML()
    yaml.width = 4096
    for i in range(1, args.provinces + 1):
        slug = f"tinh-{i:03d}"
        pdir = args.out / slug
        pdir.mkdir(parents=True)
        (pdir / "province.yaml").write_text(
            province.replace("Bắc Kạn", f"Tỉnh Số {i}").replace("BẮC KẠN", f"TỈNH SỐ {i}"),
            encoding="utf-8")
        for k in range(args.years):
            year = 2022 - (args.years - 1) + k
            factor = Decimal(1) + Decimal(i) / 100 + Decimal(k) / 10
            data = {"document": {"number": k + 1, "date": f"{year + 1}-01-05"}, "sections": {}}
            for key, sec in src["sections"].items():
                out = {kk: vv for kk, vv in sec.items() if kk not in ("indicators", "products", "counts")}
                for group in ("indicators", "products"):
                    if group in sec:
                        out[group] = {}
                        for iid, ind in sec[group].items():
                            ind = {kk: vv for kk, vv in ind.items()
                                   if kk not in ("growth", "plan_completion", "parts")}
                            if "value" in ind and ind.get("unit") != "%":
                                ind["value"] = scaled(ind["value"], factor)
                            if "value" not in ind:
                                continue
                            out[group][iid] = ind
                            for k in range(2, args.scale + 1):
                                out[group][f"{iid}_{k}"] = {**ind, "label": f"{ind['label']} ({k})"}
                if "counts" in sec:
                    out["counts"] = {}
                    for cid, c in sec["counts"].items():
                        c = {kk: vv for kk, vv in c.items() if kk != "parts"}
                        out["counts"][cid] = c
                        for k in range(2, args.scale + 1):
                            out["counts"][f"{cid}_{k}"] = {**c, "label": f"{c['label']} ({k})"}
                data["sections"][key] = out
            with open(pdir / f"{year}.yaml", "w", encoding="utf-8") as fh:
                yaml.dump(data, fh)
    print(f"{args.provinces} provinces x {args.years} years (x{args.scale} figures) in {args.out}")


if __name__ == "__main__":
    main()
