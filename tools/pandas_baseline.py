#!/usr/bin/env python3
"""The baseline shuangsui is measured against (issue 17): what a capable office would script
instead of shuangsui, with pandas. Nothing is validated and nothing is durable.

    python3 tools/pandas_baseline.py TARGETS.csv [--inspectors N] [--excel OUT.xlsx]

Steps, each timed on its own (wall clock, seconds):
  read_csv   the whole registry into a DataFrame (every column as text);
  draw       a stratified sample: targets grouped by the categories of Table 1 (key lists,
             管理类别, radiation) and each group sampled at its row's ratio, then a team of two
             distinct inspectors drawn for every sampled target;
  to_excel   (only with --excel) the registry written to XLSX.

Prints one JSON object: the times, the rows read, the tasks drawn, and the peak RSS in MB of
this process (getrusage). benches/vs_pandas.rs runs it beside shuangsui on the same file.
"""

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

KEY_LISTS = ["部省重点监管", "督察重点监管", "市局确定重点", "昆明市重点排污单位", "市政府重点监管", "县政府重点监管"]

# Ratios of a quarter's draw per category (the demo year's plan 3 rows, roughly Table 1).
RATIOS = {
    "A-1 重点监管": 0.25,
    "B-1 重点管理": 0.10,
    "C-1 简化管理": 0.05,
    "C-3 登记管理": 0.03,
    "R 核技术利用": 0.25,
}


def category(df):
    key = np.zeros(len(df), dtype=bool)
    for col in KEY_LISTS:
        key |= (df[col] == "是").to_numpy()
    cls = df["管理类别"].to_numpy()
    radiation = (df["核技术利用单位"] == "是").to_numpy()
    cat = np.where(
        key,
        "A-1 重点监管",
        np.where(
            cls == "重点管理",
            "B-1 重点管理",
            np.where(cls == "简化管理", "C-1 简化管理", "C-3 登记管理"),
        ),
    )
    return np.where(radiation, "R 核技术利用", cat)


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0]
    inspectors = 10_000
    excel = None
    i = 1
    while i < len(args):
        if args[i] == "--inspectors":
            inspectors = int(args[i + 1])
            i += 2
        elif args[i] == "--excel":
            excel = args[i + 1]
            i += 2
        else:
            print(f"unknown argument {args[i]}", file=sys.stderr)
            return 2
    out = {}

    t = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    out["read_csv_s"] = time.perf_counter() - t
    out["rows"] = len(df)

    t = time.perf_counter()
    rng = np.random.default_rng()
    df["类别"] = category(df)
    active = df[df["经营状态"] == "在产"]
    parts = []
    for cat, group in active.groupby("类别"):
        parts.append(group.sample(frac=RATIOS.get(cat, 0.05), random_state=rng))
    tasks = pd.concat(parts)
    first = rng.integers(0, inspectors, len(tasks))
    second = (first + rng.integers(1, inspectors, len(tasks))) % inspectors
    tasks = tasks.assign(检查人员1=first, 检查人员2=second)[
        ["单位名称", "统一社会信用代码", "所在地区", "类别", "检查人员1", "检查人员2"]
    ]
    out["draw_s"] = time.perf_counter() - t
    out["tasks"] = len(tasks)

    if excel:
        t = time.perf_counter()
        df.to_excel(excel, index=False)
        out["to_excel_s"] = time.perf_counter() - t

    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["pandas"] = pd.__version__
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
