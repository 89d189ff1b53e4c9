#!/usr/bin/env python3
"""Fidelity of `callhome conn` against Zeek's own conn.log baselines, over a Zeek source tree.

    bench/zeek_fidelity.py ZEEK_SRC [--callhome PATH] [--conncmp PATH] [--jobs N]
                           [--only REGEX] [--out DIR] [--timeout SECONDS] [--show N]

Every btest under ZEEK_SRC/testing/btest that reads a trace from testing/btest/Traces (`zeek
... -r $TRACES/...`) and checks a conn log with btest-diff has that log's baseline compared
with what `callhome conn` writes for the same trace(s), by ../shared/tools/conncmp.py. Zeek's
checksum setting is the btest's: -C (or ignore_checksums) means ignore, otherwise verify
(`callhome conn --verify-checksums`). So are its likely server ports (`callhome conn
--likely-server-ports`): a bare-mode run (-b) has those of the scripts it loads, found in
ZEEK_SRC/scripts as Zeek finds them (base/init-bare.zeek, base/init-frameworks-and-bifs.zeek,
then the test's @load lines and the scripts on its command line, each with its @load closure):
the server ports of every Analyzer::register_for_ports and PacketAnalyzer::register_for_ports
call there, and `redef likely_server_ports += {...}`. Any other run has callhome's default
plus what the test's own scripts add that way. A baseline cut to some columns (zeek-cut,
btest-diff-cut) is compared on those columns only.

What Zeek was told beyond that is not reproduced: the protocol analyzers themselves (fewer in
bare mode), redefs in the test or on its command line, scripts that write the log their own
way, packet filters. Such baselines are flagged (columns `bare`, `redef`) and counted apart in
the summary, so a figure over plain baselines can be told from one over all. A load that cannot
be found under ZEEK_SRC/scripts (a file the test makes, a plugin's script) counts as a redef.

Writes OUT/results.tsv (one row per baseline), and per baseline the candidate log and the
conncmp report under OUT/runs/. The last line is machine-readable:
    zeek_fidelity: baselines=B compared=C ref=N core=K full=F
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# Columns conncmp compares: a baseline carrying none of them is not a conn log.
CONN_COLUMNS = {"conn_state", "history", "orig_pkts", "resp_pkts", "orig_ip_bytes",
                "resp_ip_bytes", "orig_bytes", "resp_bytes", "missed_bytes"}
SUMMARY = re.compile(r"conncmp: ref=(\d+) cand=(\d+) paired=(\d+) core=(\d+) full=(\d+)")


@dataclass
class Case:
    test: str                 # btest name, e.g. core.tcp.missing-syn
    baseline: str             # path of the baseline file
    traces: list              # absolute paths
    verify: bool              # callhome conn --verify-checksums
    bare: bool
    redef: bool
    columns: list = field(default_factory=list)  # from zeek-cut / btest-diff-cut, if known
    ports: str = "default"    # callhome conn --likely-server-ports
    status: str = ""
    ref: int = 0
    cand: int = 0
    paired: int = 0
    core: int = 0
    full: int = 0


def test_files(btest):
    """Every file under testing/btest but the traces, baselines and support files."""
    skip = {"Traces", "Baseline", "Files", ".tmp", ".state"}
    for root, dirs, files in os.walk(btest):
        dirs[:] = sorted(d for d in dirs
                         if not (root == btest and d in skip) and not d.startswith("."))
        for f in sorted(files):
            path = os.path.join(root, f)
            try:
                if os.path.isfile(path) and os.path.getsize(path) < (1 << 20):
                    yield path
            except OSError:
                continue


def read_text(path, limit=1 << 20):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(limit)
    except OSError:
        return ""


PORT = re.compile(r"\b(\d+)/(tcp|udp)\b")
REGISTER = re.compile(r"\b(Packet)?Analyzer::register_for_ports\s*\(([^;]*?)\)\s*;", re.S)
LIKELY_REDEF = re.compile(r"redef\s+likely_server_ports\s*\+=\s*\{([^}]*)\}")


def top_level_args(text):
    """Arguments of a call, split at the commas outside braces and parentheses."""
    args, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "{(["
        depth -= ch in "})]"
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return args + [cur.strip()] if cur.strip() else args


class ZeekScripts:
    """Zeek's likely_server_ports for a run, from the scripts of a Zeek source tree."""

    def __init__(self, zeek_src):
        root = os.path.join(zeek_src, "scripts")
        self.path = [root, os.path.join(root, "policy"), os.path.join(root, "site")]
        self.texts = {}
        bare, _ = self.closure(["base/init-bare", "base/init-frameworks-and-bifs"], root)
        self.bare_ports = self.server_ports(bare)

    def resolve(self, name, cur_dir):
        """A @load's file, searched relative to the loading file's directory, then on ZEEKPATH."""
        dirs = [cur_dir] if name.startswith(".") else [cur_dir] + self.path
        for d in dirs:
            base = os.path.normpath(os.path.join(d, name))
            for cand in (base, base + ".zeek", os.path.join(base, "__load__.zeek")):
                if os.path.isfile(cand):
                    return cand
        return None

    # Loads that a source tree lacks but that register no ports: scripts the build generates
    # (base/bif/..., base/misc/installation) and the optional cluster layout of a site.
    NOT_IN_SOURCE = re.compile(r"^(base/bif(/.*)?|base/misc/installation|cluster-layout)$")

    def closure(self, names, cur_dir):
        """The files `names` load, recursively; and the names not found (but NOT_IN_SOURCE)."""
        files, missing, todo = [], [], [(n, cur_dir) for n in names]
        seen = set()
        while todo:
            name, d = todo.pop()
            path = self.resolve(name, d)
            if path is None:
                if not self.NOT_IN_SOURCE.match(name.removesuffix(".zeek")):
                    missing.append(name)
                continue
            if path in seen:
                continue
            seen.add(path)
            files.append(path)
            for line in self.text(path).splitlines():
                m = re.match(r"\s*@load\s+(\S+)", line)
                if m:
                    todo.append((m.group(1), os.path.dirname(path)))
        return files, missing

    def text(self, path):
        if path not in self.texts:
            self.texts[path] = read_text(path)
        return self.texts[path]

    def server_ports(self, files):
        """Ports that register_for_ports calls and `redef likely_server_ports += {...}` in
        `files` add to likely_server_ports (register_for_port, one port, adds none)."""
        texts = {f: self.text(f) for f in files}
        ports = set()

        def port_set(expr, here):
            if expr.startswith("{") or expr.startswith("set("):
                return set(PORT.findall(expr))
            name = re.escape(expr.split("::")[-1])
            defn = re.compile(r"\b" + name + r"\s*(?::\s*set\[port\])?\s*=\s*\{([^}]*)\}")
            for text in [texts[here]] + list(texts.values()):
                m = defn.search(text)
                if m:
                    return set(PORT.findall(m.group(1)))
            return set()

        for f, text in texts.items():
            for m in REGISTER.finditer(text):
                args, at = top_level_args(m.group(2)), 2 if m.group(1) else 1
                if len(args) > at:
                    ports |= port_set(args[at], f)
            for m in LIKELY_REDEF.finditer(text):
                ports |= set(PORT.findall(m.group(1)))
        return ports

    def likely_server_ports(self, run, test_path):
        """The --likely-server-ports value mirroring `run`, and the loads not found."""
        names = list(run.scripts)
        files = []
        if run.loads_test:
            files.append(test_path)
            names += re.findall(r"^\s*@load\s+(\S+)", self.text(test_path), re.M)
        loaded, missing = self.closure(names, os.path.dirname(test_path))
        ports = self.server_ports(files + loaded)
        if run.bare:
            ports |= self.bare_ports
        listed = ",".join(f"{n}/{proto}"
                          for n, proto in sorted(ports, key=lambda p: (p[1], int(p[0]))))
        if run.bare:
            return listed or "none", missing
        return "default" + ("," + listed if listed else ""), missing


def commands(text):
    """The @TEST-EXEC commands of a test, in order (@TEST-EXEC-FAIL ones are skipped)."""
    out = []
    for line in text.splitlines():
        m = re.search(r"@TEST-EXEC(-FAIL)?:\s*(.*)$", line)
        if m and not m.group(1):
            out.append(m.group(2).strip())
    return out


def split_shell(cmd):
    """Words of a command line, with && ; | < > as words of their own; None if unparsable."""
    try:
        lex = shlex.shlex(cmd, posix=True, punctuation_chars="|&;<>")
        lex.whitespace_split = True
        return list(lex)
    except ValueError:
        return None


def split_on(words, seps):
    part = []
    for w in words:
        if w in seps:
            if part:
                yield part
            part = []
        else:
            part.append(w)
    if part:
        yield part


def after(words, token):
    """The word after `token` (a redirection), or None."""
    if token in words:
        i = words.index(token)
        return words[i + 1] if i + 1 < len(words) else None
    return None


# Zeek's options that take an argument (src/Options.cc, getopt string and long options); -e
# and -f are handled apart.
OPTIONS_WITH_ARGUMENT = set("BcEefGHIinO0oprsTtUwX")
LONG_OPTIONS_WITH_ARGUMENT = {
    "--capture-unprocessed", "--iface", "--zeekygen", "--prefix", "--rulefile", "--tracefile",
    "--writefile", "--event-trace", "--load-seeds", "--save-seeds", "--optimize",
    "--optimize-funcs", "--optimize-files", "--re-level", "--print-id", "--status-file",
    "--debug"}


@dataclass
class Run:
    traces: list
    ignore_checksums: bool
    bare: bool
    configured: bool  # redefs or a packet filter on the command line
    scripts: list = field(default_factory=list)  # scripts named on the command line
    loads_test: bool = False                      # %INPUT: the test file itself is loaded


def zeek_run(stage, traces_dir):
    """The zeek run of one pipeline stage (`zeek ...`, `btest-bg-run NAME zeek ...`), or None;
    with the directory it writes its logs into."""
    at = next((i for i, w in enumerate(stage) if os.path.basename(w) in ("zeek", "bro")), None)
    if at is None:
        return None, ""
    logdir = stage[1] if at >= 2 and os.path.basename(stage[0]) == "btest-bg-run" else ""
    run = Run([], False, False, False)
    words, i = stage[at + 1:], 0
    while i < len(words):
        w = words[i]
        if re.fullmatch(r"[<>&]+", w):  # a redirection (>, >>, 2>&1, >&2) and its target
            i += 2
            continue
        if w.isdigit() and i + 1 < len(words) and re.fullmatch(r"[<>&]+", words[i + 1]):
            i += 1  # the descriptor of a redirection
            continue
        if w in ("-f", "--filter", "-e", "--exec"):
            run.configured = True
            i += 2
            continue
        if w.startswith("--"):
            if w == "--readfile" and i + 1 < len(words):
                run.traces.append(words[i + 1])
                i += 1
            elif w.startswith("--readfile="):
                run.traces.append(w.split("=", 1)[1])
            elif w in LONG_OPTIONS_WITH_ARGUMENT:
                i += 1
            run.ignore_checksums |= w == "--no-checksums"
            run.bare |= w == "--bare-mode"
        elif re.fullmatch(r"-[A-Za-z0-9]+", w):
            # A cluster of flags as getopt reads it; an option taking an argument ends it.
            for k, letter in enumerate(w[1:]):
                if letter in OPTIONS_WITH_ARGUMENT:
                    arg = w[k + 2:]
                    if not arg and i + 1 < len(words):
                        i += 1
                        arg = words[i]
                    if letter == "r" and arg:
                        run.traces.append(arg)
                    break
                run.ignore_checksums |= letter == "C"
                run.bare |= letter == "b"
        elif "=" in w and not w.startswith("-"):
            run.configured = True  # e.g. max_timer_expires=0, "ignore_checksums_nets += {...}"
            run.ignore_checksums |= bool(
                re.search(r"ignore_checksums\s*=\s*T|ignore_checksums_nets", w))
        elif w == "%INPUT":
            run.loads_test = True
        elif not re.match(r"[-%$]", w):  # not an option, %INPUT-like or a btest variable
            run.scripts.append(w)
        i += 1
    run.traces = [t.replace("${TRACES}", traces_dir).replace("$TRACES", traces_dir)
                  for t in run.traces]
    return run, logdir


def cut_columns(stage):
    """Columns a zeek-cut or btest-diff-cut stage keeps (options and redirections dropped)."""
    cols = []
    for w in stage[1:]:
        if w in ("<", ">", ">>"):
            break
        if not w.startswith("-"):
            cols.append(w)
    return cols


def cases_of_test(path, btest, traces_dir, scripts):
    """The conn-log baselines one btest checks, each with the zeek run that wrote the log.

    Follows the files between the run and btest-diff: `mv`/`cp`, and zeek-cut pipelines
    (`zeek-cut COLS < conn.log > X`, `cat conn.log | zeek-cut COLS > X`)."""
    text = read_text(path)
    if "@TEST-EXEC" not in text or "@TEST-START-NEXT" in text:
        return []
    rel = os.path.relpath(path, btest)
    name = os.path.splitext(rel)[0].replace(os.sep, ".")
    base_dir = os.path.join(btest, "Baseline", name)
    if not os.path.isdir(base_dir):
        return []
    redef_in_test = bool(re.search(r"^\s*redef\s", text, re.M))
    ignore_in_test = bool(re.search(r"redef\s+ignore_checksums\s*=\s*T", text))
    made_by, cuts, last_run, out = {}, {}, None, []
    for cmd in commands(text):
        words = split_shell(cmd)
        if words is None:
            continue
        for command in split_on(words, {"&&", "||", ";"}):
            stages = list(split_on(command, {"|"}))
            runs = [r for r in (zeek_run(st, traces_dir) for st in stages) if r[0] is not None]
            if runs:
                last_run, logdir = runs[-1]
                made_by[os.path.join(logdir, "conn.log")] = last_run
                continue
            first, last = stages[0], stages[-1]
            tool = os.path.basename(first[0])
            if tool in ("mv", "cp") and len(first) >= 3:
                made_by[first[-1]] = made_by.get(first[-2])
                cuts[first[-1]] = cuts.get(first[-2], [])
                continue
            cutter = next((st for st in stages if os.path.basename(st[0]) == "zeek-cut"), None)
            dst = after(last, ">")
            if cutter is not None and dst:
                src = after(first, "<") or (first[1] if tool == "cat" and len(first) > 1 else None)
                made_by[dst] = made_by.get(src)
                cuts[dst] = cut_columns(cutter)
                continue
            if tool not in ("btest-diff", "btest-diff-cut") or len(first) < 2:
                continue
            target = first[-1]
            if not re.match(r"conn([.-].*)?$", os.path.basename(target)):
                continue  # conn_long.log and the like are other logs
            baseline = os.path.join(base_dir, target.replace("/", ".."))
            run = made_by.get(target) or last_run
            if not os.path.isfile(baseline) or run is None:
                continue
            cols = cut_columns(first[:-1]) if tool == "btest-diff-cut" else cuts.get(target, [])
            ports, missing = scripts.likely_server_ports(run, path)
            out.append(Case(test=name, baseline=baseline, traces=run.traces,
                            verify=not (run.ignore_checksums or ignore_in_test), bare=run.bare,
                            redef=redef_in_test or run.configured or bool(missing), columns=cols,
                            ports=ports))
    return out


def header_of(path):
    """Columns of a conn log: its #fields, or the first line of a cut log; JSON logs: None."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                return line.split("\t")[1:]
            if not line or line.startswith("#"):
                continue
            if line.startswith("{"):
                return None
            return line.split("\t")
    return []


def normalised_baseline(case, work):
    """The baseline as conncmp reads it: a cut log without its header line gets one."""
    cols = header_of(case.baseline)
    if cols is None or CONN_COLUMNS & set(cols):
        return case.baseline, cols
    if not case.columns or not CONN_COLUMNS & set(case.columns):
        return None, None
    fixed = os.path.join(work, "baseline.log")
    with open(case.baseline, encoding="utf-8", errors="replace") as src, open(fixed, "w") as dst:
        dst.write("\t".join(case.columns) + "\n")
        for line in src:
            if not line.startswith("#"):
                dst.write(line)
    return fixed, case.columns


def cut_to(ours, columns):
    """Our full conn.log cut to a cut baseline's columns, as zeek-cut -m would."""
    fields, rows = [], []
    with open(ours, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields\t"):
                fields = line.split("\t")[1:]
            elif line and not line.startswith("#"):
                vals = dict(zip(fields, line.split("\t")))
                rows.append("\t".join(vals.get(c, "-") for c in columns))
    with open(ours, "w") as f:
        f.write("\t".join(columns) + "\n" + "".join(r + "\n" for r in rows))


def run_case(i, case, args):
    try:
        return compare(i, case, args)
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        case.status = f"error: {type(e).__name__}"
        return case


def compare(i, case, args):
    work = os.path.join(args.out, "runs", f"{i:05d}-{case.test}")
    os.makedirs(work, exist_ok=True)
    missing = [t for t in case.traces if not os.path.isfile(t)]
    if not case.traces or missing or any(t == "-" for t in case.traces):
        case.status = "no-trace" if not missing else "missing-trace"
        return case
    baseline, cols = normalised_baseline(case, work)
    if baseline is None:
        case.status = "unknown-columns"
        return case
    ours = os.path.join(work, "callhome.conn.log")
    cmd = ([args.callhome, "conn", "--likely-server-ports", case.ports] +
           (["--verify-checksums"] if case.verify else []) + case.traces)
    try:
        with open(ours, "w") as out:
            r = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        case.status = "timeout"
        return case
    if r.returncode != 0:
        case.status = f"callhome-exit-{r.returncode}"
        with open(os.path.join(work, "callhome.stderr"), "wb") as f:
            f.write(r.stderr)
        return case
    if cols is not None and "#fields" not in read_text(baseline, 1 << 16):
        cut_to(ours, cols)
    try:
        rep = subprocess.run(
            [sys.executable, args.conncmp, baseline, ours, "--show", str(args.show)],
            capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        case.status = "compare-timeout"
        return case
    with open(os.path.join(work, "conncmp.txt"), "w") as f:
        f.write(rep.stdout + rep.stderr)
    m = SUMMARY.search(rep.stdout)
    if not m:
        case.status = "compare-error"
        return case
    case.ref, case.cand, case.paired, case.core, case.full = map(int, m.groups())
    case.status = "ok"
    return case


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("zeek_src", help="a Zeek source checkout (with testing/btest)")
    ap.add_argument("--callhome",
                    default=os.environ.get("CALLHOME", os.path.join(REPO, "build", "callhome")))
    ap.add_argument("--conncmp", default=os.path.join(REPO, "..", "shared", "tools", "conncmp.py"))
    ap.add_argument("--jobs", "-j", type=int, default=1, help="runs at once (default 1)")
    ap.add_argument("--only", help="regular expression on the btest name")
    ap.add_argument("--out", help="directory for results (default: a new temporary one)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per run")
    ap.add_argument("--show", type=int, default=5, help="disagreements listed per baseline")
    args = ap.parse_args()

    btest = os.path.join(args.zeek_src, "testing", "btest")
    traces_dir = os.path.join(btest, "Traces")
    for need, what in ((btest, "testing/btest"), (traces_dir, "testing/btest/Traces"),
                       (os.path.join(btest, "Baseline"), "testing/btest/Baseline"),
                       (os.path.join(args.zeek_src, "scripts", "base"), "scripts/base")):
        if not os.path.isdir(need):
            sys.exit(f"zeek_fidelity: {args.zeek_src} has no {what}: not a Zeek source tree")
    for tool in (args.callhome, args.conncmp):
        if not os.path.isfile(tool):
            sys.exit(f"zeek_fidelity: {tool} not found "
                     "(build callhome, or pass --callhome/--conncmp)")
    args.callhome, args.conncmp = os.path.abspath(args.callhome), os.path.abspath(args.conncmp)
    args.out = os.path.abspath(args.out or tempfile.mkdtemp(prefix="zeek-fidelity-"))
    os.makedirs(args.out, exist_ok=True)

    scripts = ZeekScripts(args.zeek_src)
    cases = []
    for path in test_files(btest):
        cases += cases_of_test(path, btest, traces_dir, scripts)
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.test)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = list(pool.map(lambda ic: run_case(ic[0], ic[1], args), enumerate(cases)))

    with open(os.path.join(args.out, "results.tsv"), "w") as f:
        f.write("\t".join(["test", "baseline", "traces", "checksums", "bare", "redef", "status",
                           "ref", "cand", "paired", "core", "full",
                           "likely_server_ports"]) + "\n")
        for c in done:
            f.write("\t".join([c.test, os.path.relpath(c.baseline, btest),
                               ",".join(os.path.relpath(t, traces_dir) for t in c.traces),
                               "verify" if c.verify else "ignore", "T" if c.bare else "F",
                               "T" if c.redef else "F", c.status] +
                              [str(v) for v in (c.ref, c.cand, c.paired, c.core, c.full)] +
                              [c.ports]) + "\n")
    for c in done:
        flags = ",".join(x for x, on in (("bare", c.bare), ("redef", c.redef)) if on) or "-"
        line = f"{c.test}/{os.path.basename(c.baseline)}"
        if c.status == "ok":
            print(f"{line:60s} ref={c.ref} core={c.core} full={c.full} [{flags}]")
        else:
            print(f"{line:60s} {c.status} [{flags}]")

    ok = [c for c in done if c.status == "ok"]
    plain = [c for c in ok if not (c.bare or c.redef)]
    for label, group in (("all", ok), ("plain (not bare, no redef)", plain)):
        ref = sum(c.ref for c in group)
        core, full = sum(c.core for c in group), sum(c.full for c in group)
        print(f"fidelity, {label}: {len(group)} baselines, {ref} reference connections, "
              f"core {pct(core, ref)}, full {pct(full, ref)}")
    skipped = len(done) - len(ok)
    if skipped:
        print(f"not compared: {skipped} baselines (see the status column of results.tsv)")
    print(f"results: {args.out}/results.tsv")
    print(f"zeek_fidelity: baselines={len(done)} compared={len(ok)} ref={sum(c.ref for c in ok)} "
          f"core={sum(c.core for c in ok)} full={sum(c.full for c in ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
