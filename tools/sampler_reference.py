#!/usr/bin/env python3
"""Independent reference implementation of the shuangsui draw sampler ("shuangsui-sampler-1").

Plain Python 3, standard library only (hashlib for SHA-256). ChaCha20 is written out here from
RFC 8439 section 2.3, not taken from any library, so this file shares no code with the Rust
program: if both produce the same picks, the algorithm described in docs/sampler.md is what the
program does.

Usage:
    python3 tools/sampler_reference.py            print the test vectors (TOML) to stdout
    python3 tools/sampler_reference.py --write    rewrite fixtures/sampler-vectors.toml
    python3 tools/sampler_reference.py --check    exit 1 if fixtures/sampler-vectors.toml differs
    python3 tools/sampler_reference.py --seed HEX --n N --k K
                                                  re-check one draw: print the picks
    python3 tools/sampler_reference.py --entropy HEX --witness TEXT --n N --k K
                                                  the same, deriving the seed first (step 1)
    python3 tools/sampler_reference.py --record FILE
                                                  re-check a `shuangsui draw record N` output end
                                                  to end (docs/draw-record.md)
"""

import argparse
import hashlib
import json
import os
import struct
import sys

ALGORITHM_VERSION = "shuangsui-sampler-1"
MASK32 = 0xFFFFFFFF


# ---------------------------------------------------------------- step 1: the seed
def derive_seed(os_entropy: bytes, witness: str) -> bytes:
    """seed = SHA-256(os_entropy || UTF-8 bytes of the witness text)."""
    if len(os_entropy) != 32:
        raise ValueError("os_entropy must be 32 bytes")
    return hashlib.sha256(os_entropy + witness.encode("utf-8")).digest()


# ---------------------------------------------------------------- step 2: ChaCha20 (RFC 8439)
def _rotl(v, c):
    return ((v << c) & MASK32) | (v >> (32 - c))


def _quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """The ChaCha20 block function, RFC 8439 section 2.3: 64 bytes of keystream."""
    constants = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    key_words = list(struct.unpack("<8I", key))
    nonce_words = list(struct.unpack("<3I", nonce))
    state = constants + key_words + [counter & MASK32] + nonce_words
    working = list(state)
    for _ in range(10):  # 20 rounds = 10 double rounds
        _quarter_round(working, 0, 4, 8, 12)
        _quarter_round(working, 1, 5, 9, 13)
        _quarter_round(working, 2, 6, 10, 14)
        _quarter_round(working, 3, 7, 11, 15)
        _quarter_round(working, 0, 5, 10, 15)
        _quarter_round(working, 1, 6, 11, 12)
        _quarter_round(working, 2, 7, 8, 13)
        _quarter_round(working, 3, 4, 9, 14)
    out = [(working[i] + state[i]) & MASK32 for i in range(16)]
    return struct.pack("<16I", *out)


def keystream(seed: bytes, length: int) -> bytes:
    """The first `length` bytes of the ChaCha20 keystream: key = seed, nonce = 0, counter from 0."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += chacha20_block(seed, counter, bytes(12))
        counter += 1
    return bytes(out[:length])


class Sampler:
    """The keystream read as consecutive 32-bit little-endian words (steps 2 to 4)."""

    def __init__(self, seed: bytes):
        if len(seed) != 32:
            raise ValueError("seed must be 32 bytes")
        self.seed = seed
        self.counter = 0  # next ChaCha20 block to compute
        self.pending = []  # words of the current block not yet used
        self.words = 0  # words consumed so far

    def next_word(self) -> int:
        if not self.pending:
            block = chacha20_block(self.seed, self.counter, bytes(12))
            self.counter += 1
            self.pending = list(struct.unpack("<16I", block))
        self.words += 1
        return self.pending.pop(0)

    # ------------------------------------------------------------ step 3: uniform in [0, n)
    def uniform(self, n: int) -> int:
        if not 1 <= n <= 2**32 - 1:
            raise ValueError("n must be in 1 ..= 2^32 - 1")
        limit = 2**32 - (2**32 % n)
        while True:
            w = self.next_word()
            if w < limit:
                return w % n

    # ------------------------------------------------------------ step 4: k of n
    def choose_k(self, n: int, k: int) -> list:
        """Partial Fisher-Yates over a = [0, 1, ..., n-1].

        The list a is kept as a dictionary holding only the positions that have been changed
        (every other position p still holds p), which gives exactly the same result as a full
        list and lets n be as large as 2^32 - 1.
        """
        if not 0 <= k <= n:
            raise ValueError("need 0 <= k <= n")
        a = {}
        picks = []
        for i in range(k):
            j = i + self.uniform(n - i)
            ai = a.get(i, i)
            aj = a.get(j, j)
            a[i], a[j] = aj, ai
            picks.append(aj)
        return picks


# ---------------------------------------------------------------- the test vectors
# RFC 8439 Appendix A.1, ChaCha20 block function test vectors #1, #2 and #3, copied from the
# RFC text. All use nonce 0. Vector #1 is block 0 of key 00..00 (keystream bytes 0..64);
# vector #2 is block 1 of the same key (bytes 64..128); vector #3 is block 1 of key 00..01.
RFC8439_VECTORS = [
    (
        "RFC 8439 A.1 test vector #1 (key 0, counter 0)",
        "00" * 32,
        0,
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
        "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
    ),
    (
        "RFC 8439 A.1 test vector #2 (key 0, counter 1)",
        "00" * 32,
        64,
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
        "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
    ),
    (
        "RFC 8439 A.1 test vector #3 (key 00..01, counter 1)",
        "00" * 31 + "01",
        64,
        "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
        "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0",
    ),
]


def seed_of(label: str) -> bytes:
    """Fixed test seeds: SHA-256 of a short label, so anyone can see where they came from."""
    return hashlib.sha256(label.encode("utf-8")).digest()


# (name, seed source, n, k). A seed source is ("label", text), ("hex", hex) or
# ("witness", entropy_hex, witness_text).
VECTOR_CASES = [
    ("k = 0 takes no word", ("label", "vector k=0"), 10, 0),
    ("k = n is a full shuffle", ("label", "vector k=n"), 10, 10),
    ("n = 1 still consumes one word", ("label", "vector n=1"), 1, 1),
    ("small pool", ("label", "vector small"), 20, 3),
    ("all-zero seed", ("hex", "00" * 32), 100, 7),
    ("pool of 1,000,000", ("label", "vector million"), 1_000_000, 10),
    ("200 picks span several ChaCha20 blocks", ("label", "vector long"), 5000, 200),
    ("n = 2^31 + 1 rejects about half the words", ("label", "vector 2^31+1"), 2**31 + 1, 8),
    ("n = 3,000,000,000 rejects about 30% of the words", ("label", "vector 3e9"), 3_000_000_000, 6),
    ("n = 2^32 - 1, the largest pool", ("label", "vector max"), 2**32 - 1, 4),
    (
        "witness-derived seed (numbers read out at a public draw)",
        ("witness", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "07 23 15 31 02"),
        50,
        5,
    ),
    (
        "witness-derived seed, Chinese text",
        (
            "witness",
            "a5" * 32,
            "公证员：李明；现场摇号 3、8、1、9",
        ),
        137,
        12,
    ),
    ("empty witness", ("witness", "ff" * 32, ""), 30, 4),
]

# One stream used for several selections in turn (as the draw engine does: targets, then teams).
SEQUENCE_CASES = [
    ("targets then inspectors from one stream", ("label", "sequence"), [(40, 6), (12, 2), (10, 2), (8, 2)]),
]


def toml_str(s: str) -> str:
    out = '"'
    for ch in s:
        if ch == '"':
            out += '\\"'
        elif ch == "\\":
            out += "\\\\"
        elif ord(ch) < 0x20:
            out += "\\u%04x" % ord(ch)
        else:
            out += ch
    return out + '"'


def resolve_seed(source):
    """Return (seed bytes, extra TOML lines recording how the seed was made)."""
    kind = source[0]
    if kind == "label":
        return seed_of(source[1]), ["seed_label = %s" % toml_str(source[1])]
    if kind == "hex":
        return bytes.fromhex(source[1]), []
    if kind == "witness":
        entropy = bytes.fromhex(source[1])
        return derive_seed(entropy, source[2]), [
            "entropy = %s" % toml_str(source[1]),
            "witness = %s" % toml_str(source[2]),
        ]
    raise ValueError(kind)


def render() -> str:
    lines = [
        "# Test vectors for the draw sampler %s." % ALGORITHM_VERSION,
        "# GENERATED by tools/sampler_reference.py (independent Python implementation);",
        "# do not edit by hand: run `python3 tools/sampler_reference.py --write`.",
        "# The Rust tests in src/draw/sampler.rs check the program against every entry.",
        "",
        'algorithm = "%s"' % ALGORITHM_VERSION,
        "",
        "# Keystream checks: `bytes` is the keystream from byte `offset` on, for key `key`",
        "# (nonce 0, block counter starting at 0). Values copied from RFC 8439.",
    ]
    for name, key_hex, offset, expected in RFC8439_VECTORS:
        got = keystream(bytes.fromhex(key_hex), offset + len(expected) // 2)[offset:]
        if got.hex() != expected:
            raise SystemExit("ChaCha20 self-check failed on %s" % name)
        lines += [
            "",
            "[[keystream]]",
            "name = %s" % toml_str(name),
            'key = "%s"' % key_hex,
            "offset = %d" % offset,
            'bytes = "%s"' % expected,
        ]
    lines += [
        "",
        "# Selections: choose `k` of `n` with a fresh sampler on `seed`; `picks` are the chosen",
        "# positions in order, `words` the number of 32-bit words consumed (rejections included).",
        "# `seed_label`: seed = SHA-256(UTF-8 label). `entropy` + `witness`: seed =",
        "# SHA-256(entropy || UTF-8 witness) (step 1).",
    ]
    for name, source, n, k in VECTOR_CASES:
        seed, extra = resolve_seed(source)
        s = Sampler(seed)
        picks = s.choose_k(n, k)
        lines += ["", "[[vector]]", "name = %s" % toml_str(name)] + extra + [
            'seed = "%s"' % seed.hex(),
            "n = %d" % n,
            "k = %d" % k,
            "picks = [%s]" % ", ".join(str(p) for p in picks),
            "words = %d" % s.words,
        ]
    lines += [
        "",
        "# Sequences: several selections in turn from ONE sampler; `words` is the running total",
        "# after each step.",
    ]
    for name, source, steps in SEQUENCE_CASES:
        seed, extra = resolve_seed(source)
        s = Sampler(seed)
        lines += ["", "[[sequence]]", "name = %s" % toml_str(name)] + extra + ['seed = "%s"' % seed.hex()]
        for n, k in steps:
            picks = s.choose_k(n, k)
            lines += [
                "",
                "[[sequence.step]]",
                "n = %d" % n,
                "k = %d" % k,
                "picks = [%s]" % ", ".join(str(p) for p in picks),
                "words = %d" % s.words,
            ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- a draw record, end to end
# `--record FILE` re-checks the output of `shuangsui draw record N` (docs/draw-record.md):
# the commitment, the seed derivation, the input hash and the whole draw, recomputed here from
# the texts of docs/sampler.md ("The draw engine") with nothing taken from the program.
ENGINE_VERSION = "shuangsui-draw-2"
ENGINE_VERSION_1 = "shuangsui-draw-1"


def _u64(n: int) -> bytes:
    return struct.pack("<Q", n)


def _text(t: str) -> bytes:
    b = t.encode("utf-8")
    return _u64(len(b)) + b


def input_hash(inp: dict) -> str:
    """docs/sampler.md, "The input hash"."""
    d2 = inp.get("draw2")
    out = bytearray(_text(ENGINE_VERSION if d2 is not None else ENGINE_VERSION_1))
    out += _u64(len(inp["strata"]))
    for s in inp["strata"]:
        out += _text(s["row"]) + _u64(s["quota"]) + _u64(len(s["pool"]))
        for t in s["pool"]:
            out += _u64(t)
    out += _u64(inp["internal_joint"])
    out += _u64(len(inp["inspectors"]))
    for i in inp["inspectors"]:
        out += _u64(i["id"]) + _text(i["department"])
        out += bytes([1 if i["internal"] else 0, 1 if i["certified"] else 0])
        out += _u64(i["load"])
    out += _u64(len(inp["recusals"]))
    for t, i in inp["recusals"]:
        out += _u64(t) + _u64(i)
    out += _u64(len(inp["last_teams"]))
    for t, team in inp["last_teams"]:
        out += _u64(t) + _u64(len(team))
        for m in team:
            out += _u64(m)
    out += _u64(inp["team_size"])
    out += _u64(len(inp["partners"]))
    for p in inp["partners"]:
        out += _text(p)
    out += _u64(inp["workload_cap"])
    if d2 is not None:
        # shuangsui-draw-2: visits (target, task, team, joint), joint_all, year_tasks,
        # year_joint, joint_min_percent.
        out += _u64(len(d2["visits"]))
        for v in d2["visits"]:
            out += _u64(v["target"]) + _u64(v["task"]) + _u64(len(v["team"]))
            for m in v["team"]:
                out += _u64(m)
            out += bytes([1 if v["joint"] else 0])
        out += bytes([1 if d2["joint_all"] else 0])
        out += _u64(d2["year_tasks"]) + _u64(d2["year_joint"]) + _u64(d2["joint_min_percent"])
    return hashlib.sha256(bytes(out)).hexdigest()


def joint_needed(year_tasks: int, year_joint: int, this_draw: int, min_percent: int) -> int:
    """docs/sampler.md, "The yearly share of internal joint inspections"."""
    total_needed = -(-(min_percent * (year_tasks + this_draw)) // 100)
    return min(max(total_needed - year_joint, 0), this_draw)


class Infeasible(Exception):
    pass


def run_engine(inp: dict, seed: bytes) -> dict:
    """docs/sampler.md, "The draw engine", steps 2 to 5 (the input is taken as valid)."""
    s = Sampler(seed)
    picks, tasks = [], []
    for st in inp["strata"]:
        if st["quota"] > len(st["pool"]):
            raise Infeasible("quota exceeds pool: " + st["row"])
        ids = [st["pool"][p] for p in s.choose_k(len(st["pool"]), st["quota"])]
        picks.append([st["row"], ids])
        tasks += [(t, st["row"]) for t in ids]
    d2 = inp.get("draw2")
    merges = []
    if d2 is None:
        designate = inp["internal_joint"]
    else:
        # draw-2, step 3: picks with a visit this period are merges, the rest new tasks.
        visits = {v["target"]: v for v in d2["visits"]}
        merges = [(t, row) for t, row in tasks if t in visits]
        tasks = [(t, row) for t, row in tasks if t not in visits]
        n = len(tasks)
        if d2["joint_all"]:
            designate = n
        else:
            newly = sum(1 for t, _ in merges if not visits[t]["joint"])
            designate = joint_needed(d2["year_tasks"], d2["year_joint"] + newly, n,
                                     d2["joint_min_percent"])
        designate = min(designate, inp["internal_joint"], n)
    joint = set(s.choose_k(len(tasks), designate))
    insp = inp["inspectors"]  # ascending id
    known = {i["id"] for i in insp}
    recused = {}
    for t, i in inp["recusals"]:
        recused.setdefault(t, set()).add(i)
    last = {t: set(team) & known for t, team in inp["last_teams"]}
    partners = inp["partners"]
    members = max(inp["team_size"], 2 + len(partners))
    cap = inp["workload_cap"]
    assigned = {i["id"]: 0 for i in insp}

    def attempt(excluded: set, is_joint: bool):
        team = []

        def pick(cond):
            lst = [i for i in insp if i["id"] not in excluded and i["id"] not in team
                   and i["load"] + assigned[i["id"]] < cap and cond(i)]
            if not lst:
                return None
            return lst[s.uniform(len(lst))]

        for d in partners:
            k = pick(lambda i, d=d: not i["internal"] and i["department"] == d)
            if k is None:
                return None
            team.append(k["id"])
        first = pick(lambda i: i["internal"] and i["certified"])
        if first is None:
            return None
        team.append(first["id"])
        if is_joint:
            second = pick(lambda i: i["internal"] and i["certified"]
                          and i["department"] != first["department"])
        else:
            second = pick(lambda i: i["internal"] and i["certified"])
        if second is None:
            return None
        team.append(second["id"])
        while len(team) < members:
            k = pick(lambda i: i["internal"])
            if k is None:
                return None
            team.append(k["id"])
        return team

    out_tasks = []
    for n, (target, row) in enumerate(tasks):
        is_joint = n in joint
        rec = recused.get(target, set())
        team = attempt(rec | last.get(target, set()), is_joint)
        relaxed = False
        if team is None:
            team = attempt(rec, is_joint)
            relaxed = True
            if team is None:
                raise Infeasible("no team for target %d (%s)" % (target, row))
        for m in team:
            assigned[m] += 1
        out_tasks.append({"target": target, "row": row, "team": team,
                          "internal_joint": is_joint, "relaxed_last_team": relaxed})
    # draw-2, step 5: the merges, in drawn order.
    out_merges = []
    by_id = {i["id"]: i for i in insp}
    for target, row in merges:
        v = visits[target]
        added = None
        if not any(m in by_id and by_id[m]["internal"] and by_id[m]["certified"]
                   for m in v["team"]):
            rec = recused.get(target, set())
            lst = [i for i in insp if i["internal"] and i["certified"]
                   and i["load"] + assigned[i["id"]] < cap
                   and i["id"] not in rec and i["id"] not in v["team"]]
            if not lst:
                raise Infeasible("no certified inspector to merge target %d (%s)" % (target, row))
            added = lst[s.uniform(len(lst))]["id"]
            assigned[added] += 1
        out_merges.append({"target": target, "row": row, "task": v["task"], "added": added})
    return {"picks": picks, "tasks": out_tasks, "words_consumed": s.words,
            "merges": out_merges}


def check_record(path: str) -> list:
    """Every problem found in the record at `path` (empty: it re-checks)."""
    with open(path, encoding="utf-8") as f:
        r = json.load(f)
    problems = []
    if r.get("format") != "shuangsui-draw-record-1":
        problems.append("format is %r, not shuangsui-draw-record-1" % r.get("format"))
    engine = ENGINE_VERSION if r["input"].get("draw2") is not None else ENGINE_VERSION_1
    if r.get("algorithm") != ALGORITHM_VERSION + "+" + engine:
        problems.append("algorithm %r is not %r, which its input is for"
                        % (r.get("algorithm"), ALGORITHM_VERSION + "+" + engine))
    d = r["seed_derivation"]
    seed = bytes.fromhex(d["seed"])
    if d["entropy"] is not None:
        entropy = bytes.fromhex(d["entropy"])
        if derive_seed(entropy, d["witness"]) != seed:
            problems.append("seed != SHA-256(entropy || witness)")
        if r["kind"] == "announced":
            commitment = hashlib.sha256(entropy).hexdigest()
            a = r["announcement"] or {}
            if d["commitment"] != commitment or a.get("commitment") != commitment:
                problems.append("SHA-256(entropy) is not the announced commitment")
            if a.get("input_hash") != r["input_hash"]:
                problems.append("the draw's input hash is not the announced one")
    elif r["kind"] == "announced":
        problems.append("an announced draw without its entropy")
    if input_hash(r["input"]) != r["input_hash"]:
        problems.append("input hash differs: recomputed %s" % input_hash(r["input"]))
    try:
        got = run_engine(r["input"], seed)
    except Infeasible as e:
        problems.append("recomputing fails: %s" % e)
        return problems
    want = r["outcome"]
    want = dict(want, merges=want.get("merges", []))
    for key in ("picks", "tasks", "words_consumed", "merges"):
        if got[key] != want[key]:
            problems.append("%s differ: recomputed %r, recorded %r" % (key, got[key], want[key]))
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    fixture = os.path.join(here, "..", "fixtures", "sampler-vectors.toml")
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--write", action="store_true")
    p.add_argument("--check", action="store_true")
    p.add_argument("--seed")
    p.add_argument("--entropy")
    p.add_argument("--witness", default="")
    p.add_argument("--n", type=int)
    p.add_argument("--k", type=int)
    p.add_argument("--record")
    args = p.parse_args()

    if args.record:
        problems = check_record(args.record)
        for m in problems:
            print("FAIL:", m)
        if problems:
            return 1
        print("draw record re-checks: commitment, seed, input hash, picks, teams, merges, words")
        return 0

    if args.n is not None or args.k is not None:
        if args.n is None or args.k is None:
            p.error("--n and --k go together")
        if args.seed:
            seed = bytes.fromhex(args.seed.strip())
        elif args.entropy:
            seed = derive_seed(bytes.fromhex(args.entropy.strip()), args.witness)
        else:
            p.error("give --seed HEX, or --entropy HEX with --witness TEXT")
        if len(seed) != 32:
            p.error("a seed is 32 bytes (64 hex digits)")
        s = Sampler(seed)
        picks = s.choose_k(args.n, args.k)
        print("algorithm:", ALGORITHM_VERSION)
        print("seed:", seed.hex())
        print("picks:", " ".join(str(x) for x in picks))
        print("words consumed:", s.words)
        return 0

    text = render()
    if args.write:
        with open(fixture, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return 0
    if args.check:
        with open(fixture, encoding="utf-8") as f:
            if f.read() != text:
                print("fixtures/sampler-vectors.toml differs from the reference output", file=sys.stderr)
                return 1
        print("fixtures/sampler-vectors.toml matches the reference implementation")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
