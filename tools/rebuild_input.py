#!/usr/bin/env python3
"""Rebuild a draw's input and its hash from the office's exports, by the rules of
docs/draw-record.md ("How the input is built from the registries") alone.

Plain Python 3.11+ (standard library only); shares no code with the program. It reads:

  --targets/--inspectors/--departments/--conflicts  `shuangsui export registry KIND -o F.xlsx`
                                                    (Chinese headers, the default language)
  --tasks   `shuangsui list tasks --json`      --draws  `shuangsui list draws --json`
  --plans   `shuangsui list plans --json`      --rules  Table 1 (fixtures/rules.toml)

and the draw's request: --plan N --period P --date YYYY-MM-DD [--team-size M]; for a plan with an
exclusion window (`plan window --plan N --days D`), --inspections (`shuangsui list inspections
--json`) and --window D. It prints the
input hash in hex (with --json, the rebuilt input too). Directed draws and inspector scopes
are out of its reach: it says so and stops (exit 2).
"""

import argparse
import datetime
import hashlib
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ENGINE = "shuangsui-draw-2"
LISTS = {
    "mee_provincial_key": "部省重点监管",
    "inspection_key": "督察重点监管",
    "city_confirmed_key": "市局确定重点",
    "kunming_key_discharge": "昆明市重点排污单位",
    "city_government": "市政府重点监管",
    "county_government": "县政府重点监管",
    "concentrated_complaints": "群众集中投诉",
}
PERMIT = {"重点管理": "key", "简化管理": "simplified", "登记管理": "registration"}
CYCLE_LEN = {"quarter": 3, "half": 6, "year": 12}


def out_of_reach(why):
    print(f"not rebuilt: {why}")
    sys.exit(2)


# --- reading an exported sheet --------------------------------------------------------------


def col_index(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet(path, key_header):
    """The first sheet's records below its header row (the row holding `key_header`), each a
    dict from header to cell text; numbers stay as their text."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            sroot = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(MAIN + "t")) for si in sroot]
    header, records = None, []
    for row in root.iter(MAIN + "row"):
        cells = {}
        for c in row.iter(MAIN + "c"):
            kind = c.get("t")
            if kind == "inlineStr":
                v = "".join(t.text or "" for t in c.iter(MAIN + "t"))
            else:
                v = c.find(MAIN + "v")
                v = "" if v is None else (v.text or "")
                if kind == "s":
                    v = shared[int(v)]
            cells[col_index(c.get("r"))] = v.strip()
        if header is None:
            if key_header in cells.values():
                header = cells
            continue
        if any(cells.values()):
            records.append({h: cells.get(i, "") for i, h in header.items()})
    if header is None:
        sys.exit(f"{path}: no header row with {key_header}")
    return records


def excel_date(text):
    """A date cell: an Excel serial day number (1900 system), or YYYY-MM-DD text."""
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(text)))
    return datetime.date.fromisoformat(text[:10])


def months(text):
    if text in ("", "全年"):
        return set(range(1, 13))
    out = set()
    for part in re.split(r"[,，、]", text):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


# --- periods --------------------------------------------------------------------------------


def period(text):
    """(year, first month, number of months)."""
    m = re.fullmatch(r"(\d{4})(?:([QH])(\d))?", text.strip().upper())
    if not m:
        sys.exit(f"bad period {text}")
    y = int(m.group(1))
    if m.group(2) == "Q":
        return (y, 3 * int(m.group(3)) - 2, 3)
    if m.group(2) == "H":
        return (y, 6 * int(m.group(3)) - 5, 6)
    return (y, 1, 12)


def containing(year, month, length):
    return (year, (month - 1) // length * length + 1, length)


def contains(outer, inner):
    """Whether the first day of `inner` lies in `outer`."""
    return outer[0] == inner[0] and outer[1] <= inner[1] < outer[1] + outer[2]


def overlaps(a, b):
    return a[0] == b[0] and a[1] < b[1] + b[2] and b[1] < a[1] + a[2]


def cycle_of(p, cycle):
    n = CYCLE_LEN[cycle]
    return None if n < p[2] else containing(p[0], p[1], n)


# --- Table 1 --------------------------------------------------------------------------------


def holds(cond, t):
    if cond.startswith("permit_class:"):
        return t["permit"] == cond.split(":", 1)[1]
    if cond.startswith("list:"):
        return t["lists"][cond.split(":", 1)[1]]
    if cond in ("radiation_user", "construction_project"):
        return t[cond]
    return False  # other


def category(row):
    g = row["group"]
    return g if g in ("radiation", "construction") else "pollution"


def obligations(rules, t):
    level = rules["settings"]["office_level"]
    rows = rules["rows"]
    here = [r for r in rows if r["level"] == level]
    pollution = [r for r in here if category(r) == "pollution"]

    def excluded(r):
        return any(
            o["id"] != r["id"] and o["class"] in r.get("excludes", []) and holds(o["condition"], t)
            for o in pollution
        )

    won = [r for r in pollution if holds(r["condition"], t) and not excluded(r)]
    out = []
    if won:
        out.append(min(won, key=lambda r: r["priority"]))
    elif not any(holds(r["condition"], t) for r in here):
        out += [r for r in here if r["condition"] == "other"][:1]
    for cat in ("radiation", "construction"):
        held = [r for r in here if category(r) == cat and holds(r["condition"], t)]
        if held:
            out.append(min(held, key=lambda r: r["priority"]))
    return out


def quota(row, eligible, chosen):
    bp = round(row["ratio_min"] * 100)
    if "ratio_max" in row and chosen is not None:
        bp = round(chosen * 100)
    return min(-(-min(bp, 10000) * eligible // 10000), eligible)


# --- the input ------------------------------------------------------------------------------


def build(a):
    with open(a.rules, "rb") as f:
        rules = tomllib.load(f)
    settings = rules["settings"]
    plan = next(p for p in json.load(open(a.plans, encoding="utf-8")) if p["id"] == a.plan)
    draws = json.load(open(a.draws, encoding="utf-8"))
    tasks = [t for t in json.load(open(a.tasks, encoding="utf-8")) if not t["voided"]]
    if plan["scope"].strip():
        out_of_reach("a directed plan (its scope is not evaluated here)")
    date = datetime.date.fromisoformat(a.date)
    per = period(a.period)
    row_of = {r["id"]: r for r in rules["rows"]}

    targets = []
    for n, r in enumerate(sheet(a.targets, "统一社会信用代码"), start=1):
        targets.append(
            {
                "id": n,
                "code": r["统一社会信用代码"],
                "permit": PERMIT.get(r["管理类别"], "none"),
                "lists": {k: r[zh] == "是" for k, zh in LISTS.items()},
                "radiation_user": r["核技术利用单位"] == "是",
                "construction_project": r["建设项目"] == "是",
                "months": months(r["生产周期"]),
                "operating": r["经营状态"] in ("", "在产"),
            }
        )
    # The plan's exclusion window: targets inspected outside the draw on one of the `window`
    # days up to the draw date are in no pool (they stay eligible).
    recent = set()
    if a.window:
        if not a.inspections:
            out_of_reach("--window needs --inspections (shuangsui list inspections --json)")
        since = date - datetime.timedelta(days=a.window - 1)
        for i in json.load(open(a.inspections, encoding="utf-8")):
            if since <= datetime.date.fromisoformat(i["date"]) <= date:
                recent.add(i["target"])
    directed = {d["id"] for d in draws if d.get("scope", "").strip()}
    def items(t):
        # Every 抽查事项 of a task (a merged visit has several); older exports: its row.
        return t.get("items") or [{"row": t["row"], "draw": t["draw"], "plan": None}]

    # One visit per target per period: the categories its visit covers, and the visit (the
    # task with the lowest number) a pick would be merged into.
    visited, visit = {}, {}
    for t in sorted(tasks, key=lambda t: t["id"]):
        if overlaps(period(t["period"]), per):
            visit.setdefault(t["target"], t)
            cats = visited.setdefault(t["target"], set())
            for i in items(t):
                if i["row"] in row_of:
                    cats.add(category(row_of[i["row"]]))
    merge_into = {}

    members = {}
    for t in targets:
        for r in obligations(rules, t):
            members.setdefault(r["id"], []).append(t)
    plan_rows = plan["rows"] or [
        r["id"]
        for r in rules["rows"]
        if r["level"] == settings["office_level"] and category(r) == "pollution"
    ]

    def plan_overlaps(p):
        return p[0] == plan["year"] and p[1] <= plan["end_month"] and plan["start_month"] < p[1] + p[2]

    strata, placed = [], set()
    for row in rules["rows"]:
        if row["level"] != settings["office_level"] or row["id"] not in plan_rows:
            continue
        cyc = cycle_of(per, row["cycle"])
        if cyc is None:
            continue
        cat = category(row)
        already_set = {
            t["target"]
            for t in tasks
            if contains(cyc, period(t["period"]))
            and any(
                i["draw"] not in directed and i["row"] in row_of and category(row_of[i["row"]]) == cat
                for i in items(t)
            )
        }
        slots, p = 0, per
        while contains(cyc, p) and p[0] == per[0]:
            slots += plan_overlaps(p)
            if p[1] + p[2] > 12:
                break
            p = (p[0], p[1] + p[2], p[2])
        slots = max(slots, 1)
        eligible = already = 0
        pool = []
        for t in members.get(row["id"], []):
            if not t["operating"] or not any(
                m in t["months"] for m in range(per[1], per[1] + per[2])
            ):
                continue
            eligible += 1
            if t["id"] in already_set:
                already += 1
            elif t["id"] in placed or t["id"] in recent:
                pass
            elif t["id"] in visited:
                if cat not in visited[t["id"]]:
                    pool.append(t["id"])
                    merge_into[t["id"]] = visit[t["id"]]
            else:
                pool.append(t["id"])
        owed = max(quota(row, eligible, plan["chosen_ratio"]) - already, 0)
        wanted = -(-owed // slots)
        strata.append({"row": row["id"], "quota": min(wanted, len(pool)), "pool": pool})
        placed.update(pool)
    total = sum(s["quota"] for s in strata)

    year = [t for t in tasks if period(t["period"])[0] == per[0]]
    year_joint = sum(1 for t in year if t["internal_joint"])
    if plan["joint"] == "internal":
        internal_joint = total
    else:
        internal_joint = total
        for x in range(total + 1):
            if (year_joint + x) * 100 >= settings["internal_joint_min_percent"] * (len(year) + total):
                internal_joint = x
                break

    joint = plan["joint"]
    partners = joint["departments"] if isinstance(joint, dict) else []
    kinds = {r["部门代码"]: r["类型"] for r in sheet(a.departments, "部门代码")}
    load_period = cycle_of(per, settings["workload_cap_cycle"]) or per
    load = {}
    for t in tasks:
        if contains(load_period, period(t["period"])):
            for m in t["team"]:
                load[m] = load.get(m, 0) + 1
    inspectors, cert_id = [], {}
    for n, r in enumerate(sheet(a.inspectors, "执法证号"), start=1):
        cert_id[r["执法证号"]] = n
        dept = r["单位"]
        if r["状态"] != "在岗" or dept not in kinds:
            continue
        internal = kinds[dept] == "内部"
        expertise = [e.strip() for e in re.split(r"[、;；]", r["业务专长"]) if e.strip()]
        if internal:
            if plan["required_expertise"] and not set(plan["required_expertise"]) & set(expertise):
                continue
        elif dept not in partners:
            continue
        until = excel_date(r["证件有效期至"])
        inspectors.append(
            {
                "id": n,
                "department": dept,
                "internal": internal,
                "certified": until is not None and until >= date,
                "load": load.get(n, 0),
            }
        )
    sections = {i["department"] for i in inspectors if i["internal"] and i["certified"]}
    if len(sections) < 2 and plan["joint"] != "internal":
        internal_joint = 0

    pool_ids = {t for s in strata for t in s["pool"]}
    ins_ids = {i["id"] for i in inspectors}
    target_id = {t["code"]: t["id"] for t in targets}
    recusals = sorted(
        {
            (target_id[r["统一社会信用代码"]], cert_id[r["执法证号"]])
            for r in sheet(a.conflicts, "执法证号")
            if target_id.get(r["统一社会信用代码"]) in pool_ids and cert_id.get(r["执法证号"]) in ins_ids
        }
    )
    last = {}
    for t in tasks:
        if t["target"] in pool_ids and t["id"] >= last.get(t["target"], (0, []))[0]:
            last[t["target"]] = (t["id"], sorted(t["team"]))
    return {
        "strata": strata,
        "internal_joint": internal_joint,
        "inspectors": inspectors,
        "recusals": [list(p) for p in recusals],
        "last_teams": [[k, last[k][1]] for k in sorted(last)],
        "team_size": a.team_size or settings["default_team_size"],
        "partners": partners,
        "workload_cap": settings["workload_cap"],
        "draw2": {
            "visits": [
                {
                    "target": k,
                    "task": merge_into[k]["id"],
                    "team": merge_into[k]["team"],
                    "joint": merge_into[k]["internal_joint"],
                }
                for k in sorted(merge_into)
            ],
            "joint_all": plan["joint"] == "internal",
            "year_tasks": len(year),
            "year_joint": year_joint,
            "joint_min_percent": settings["internal_joint_min_percent"],
        },
    }


def input_hash(inp):
    h = hashlib.sha256()
    num = lambda n: h.update(int(n).to_bytes(8, "little"))
    flag = lambda b: h.update(b"\x01" if b else b"\x00")

    def text(s):
        b = s.encode("utf-8")
        num(len(b))
        h.update(b)

    def each(xs, write):
        num(len(xs))
        for x in xs:
            write(x)

    text(ENGINE)
    each(inp["strata"], lambda s: (text(s["row"]), num(s["quota"]), each(s["pool"], num)))
    num(inp["internal_joint"])
    each(
        inp["inspectors"],
        lambda i: (
            num(i["id"]),
            text(i["department"]),
            flag(i["internal"]),
            flag(i["certified"]),
            num(i["load"]),
        ),
    )
    each(inp["recusals"], lambda p: (num(p[0]), num(p[1])))
    each(inp["last_teams"], lambda p: (num(p[0]), each(p[1], num)))
    num(inp["team_size"])
    each(inp["partners"], text)
    num(inp["workload_cap"])
    d2 = inp["draw2"]
    each(
        d2["visits"],
        lambda v: (num(v["target"]), num(v["task"]), each(v["team"], num), flag(v["joint"])),
    )
    flag(d2["joint_all"])
    num(d2["year_tasks"])
    num(d2["year_joint"])
    num(d2["joint_min_percent"])
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for f in ("targets", "inspectors", "departments", "conflicts", "tasks", "draws", "plans", "rules"):
        ap.add_argument("--" + f, required=True)
    ap.add_argument("--plan", type=int, required=True)
    ap.add_argument("--period", required=True)
    ap.add_argument("--date", required=True)
    ap.add_argument("--team-size", type=int)
    ap.add_argument("--inspections", help="`shuangsui list inspections --json` (with --window)")
    ap.add_argument("--window", type=int, default=0, help="the plan's exclusion window in days")
    ap.add_argument("--json", action="store_true", help="print the rebuilt input as well")
    a = ap.parse_args()
    inp = build(a)
    if a.json:
        print(json.dumps({"input": inp, "input_hash": input_hash(inp)}, ensure_ascii=False))
    else:
        print(input_hash(inp))


if __name__ == "__main__":
    main()
