#!/usr/bin/env python3
"""Measures speechgen as its users run it, against the goals of issue 12 (a measurement, not a
test; run it on an idle machine for numbers to quote):

1. one whole `speechgen render --fonts bundled --format md,html,pdf` process on the sample:
   median wall time and peak memory, against Typst compiling the same speech in the same faces
   per role (a fresh `typst.compile()` per run, fonts loaded, Python's start excluded), the two
   measured alternately in one run; and the PDF's size against Typst's. Needs the `typst`
   Python package (`pip install typst`; without it those rows are left out) and GNU time.
2. a batch: one `speechgen render` of 100 facts files (copies of the sample): wall time per
   file, cpu/wall (both cores used?), peak memory.
3. the preview server under load: `benches/serve_load.rs` (64 connections, an edit every
   second, 30 s): errors, p99 of the page, peak memory.

With `--before PATH` an older build is measured the same way, alternately with this one, and
the table has a column for each.

    cargo build --release
    python3 benches/compare.py                      # this build against the goals
    python3 benches/compare.py --before /tmp/speechgen-old --runs 30
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = os.path.join(REPO, "fonts")
SONG = "AR PL SungtiL GB"
# The faces speechgen --fonts bundled gives each role, so that Typst embeds the same four.
KAI = "AR PL KaitiM GB"
HEI = "WenQuanYi Micro Hei"
TITLE = "Noto Serif CJK SC"
RENDER = ["render", "--fonts", "bundled", "--format", "md,html,pdf"]
TIME = "/usr/bin/time"


def run_measured(argv, cwd):
    """Runs a process to its end: (wall seconds, cpu seconds, peak RSS in MiB, exit code).

    The peak comes from GNU time (`/usr/bin/time`), not from this process's wait4: a child
    forked from this Python and then exec'd inherits its parent's high-water mark. The cpu time
    comes from wait4 (microseconds; GNU time prints hundredths): the process and GNU time, which
    adds well under a millisecond."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-f", "%M", "-o", report.name] + argv,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kib = report.read().split()[-1]
    return wall, usage.ru_utime + usage.ru_stime, int(peak_kib) / 1024.0, proc.returncode


def run_timed(argv, cwd):
    """Runs a process to its end, started directly: (wall seconds, cpu seconds, exit code).

    The wall and cpu times of a single render come from here rather than from `run_measured`:
    starting GNU time first, and the render from it, adds about 4 ms of wall time to a 13 ms
    render that Typst's in-process compile does not pay."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def sample_project(root):
    for sub in ("templates", "facts"):
        shutil.copytree(os.path.join(REPO, sub), os.path.join(root, sub))


def typst_escape(text):
    """Text as Typst markup: every markup character escaped."""
    return re.sub(r"([\\#*_`$\[\]<>@~/=+\-'\"])", r"\\\1", text)


def typst_source(markdown):
    """The rendered speech as a small Typst document on the GB/T 9704 page, in the faces speechgen
    gives each role: the title in the heavy serif, headings in the Hei, lead sentences (bold in
    the Markdown) in the Kai, the rest in the Song."""
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),',
        '  footer: context align(center, text(size: 14pt)[— #counter(page).display() —]))',
        f'#set text(font: "{SONG}", size: 16pt, lang: "zh")',
        "#set par(first-line-indent: (amount: 2em, all: true), justify: true, leading: 13pt, spacing: 13pt)",
    ]
    for block in markdown.split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("# "):
            title = typst_escape(block[2:].replace("**", ""))
            out.append(f'#align(center, text(font: "{TITLE}", weight: "bold", size: 22pt)[{title}])\n#v(16pt)')
        elif block.startswith("#"):
            out.append(f'#text(font: "{HEI}")[{typst_escape(block.lstrip("# ").replace("**", ""))}]')
        else:
            parts = re.split(r"\*\*(.*?)\*\*", block.replace("\\*", "*"))
            out.append("".join(
                f'#text(font: "{KAI}")[{typst_escape(p)}]' if i % 2 else typst_escape(p)
                for i, p in enumerate(parts)
            ))
    return "\n\n".join(out) + "\n"


# One compile in a Python process of its own: Typst memoizes across compiles in one process, so a
# second compile there is a warm recompile (a few ms), not what a user waits for. The compile
# alone is timed (Python's start and the import excluded); GNU time gives the process's peak.
TYPST_PROBE = """
import resource, sys, time, typst
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
if sys.argv[1] == "compile":
    start, start_cpu = time.perf_counter(), cpu()
    pdf = typst.compile(sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=sys.argv[4] == "bundled")
    print(time.perf_counter() - start, cpu() - start_cpu, len(pdf))
"""


def typst_compile(path, what="compile", fonts="bundled"):
    """(wall and cpu seconds the compile took, PDF bytes, peak memory of the process in MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        out = subprocess.run(
            [TIME, "-f", "%M", "-o", report.name, sys.executable, "-c", TYPST_PROBE, what, path, FONTS, fonts],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        peak = int(report.read().split()[-1]) / 1024.0
    if what != "compile":
        return None, None, None, peak
    return float(out[0]), float(out[1]), int(out[2]), peak


def have_typst():
    try:
        import typst  # noqa: F401

        return True
    except ImportError:
        return False


def serve_load_binary():
    """Builds benches/serve_load.rs (release) and returns its path."""
    out = subprocess.run(
        ["cargo", "build", "--release", "--bench", "serve_load", "--message-format=json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "serve_load" and msg.get("executable"):
            return msg["executable"]
    raise SystemExit("benches/serve_load.rs did not build")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/speechgen"), help="the build to measure")
    ap.add_argument("--before", help="an older build, measured alternately with --bin")
    ap.add_argument("--runs", type=int, default=20, help="single renders per build (default 20)")
    ap.add_argument("--files", type=int, default=100, help="facts files in the batch (default 100)")
    ap.add_argument("--batch-runs", type=int, default=3, help="batch renders per build (default 3)")
    ap.add_argument("--serve-secs", type=int, default=30, help="length of the server load (default 30)")
    ap.add_argument("--no-serve", action="store_true", help="leave out the server load")
    ap.add_argument(
        "--tmp",
        default="/dev/shm" if os.access("/dev/shm", os.W_OK) else None,
        help="where the project copy and the outputs go (default /dev/shm, a tmpfs, where there is "
        "one: Typst writes no file, and a shared machine's disk adds milliseconds of fsync and "
        "rename to every render)",
    )
    ap.add_argument(
        "--typst-system-fonts",
        action="store_true",
        help="let Typst also discover the system's fonts, as it does by default (slower); by default "
        "it is given the bundled faces alone, as speechgen --fonts bundled",
    )
    args = ap.parse_args()

    builds = [("after", args.bin)] + ([("before", args.before)] if args.before else [])
    if not os.access(TIME, os.X_OK):
        raise SystemExit(f"{TIME} (GNU time) is needed for the peak memory: apt-get install time")
    for _, path in builds:
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path}: no such build (cargo build --release)")
    typst_ok = have_typst()
    typst_fonts = "system" if args.typst_system_fonts else "bundled"
    cores = os.cpu_count()
    load_start = os.getloadavg()
    print(f"machine: {cores} cores, load average {load_start[0]:.2f} at the start", flush=True)

    work = tempfile.mkdtemp(prefix="speechgen-compare-", dir=args.tmp)
    print(f"outputs written under {work}", flush=True)
    try:
        proj = os.path.join(work, "project")
        sample_project(proj)
        results = {name: {} for name, _ in builds}

        # 1. One whole render, alternately with Typst.
        wall = {name: [] for name, _ in builds}
        peak = {name: [] for name, _ in builds}
        cpu = {name: [] for name, _ in builds}
        typst_wall = []
        typst_cpu = []
        first_out = os.path.join(work, "first")
        w, _, _, code = run_measured([args.bin] + RENDER + ["-o", first_out], proj)
        if code != 0:
            raise SystemExit(f"{args.bin} render failed (exit {code})")
        typ_path = os.path.join(work, "speech.typ")
        if typst_ok:
            with open(os.path.join(first_out, "speech.md"), encoding="utf-8") as f:
                source = typst_source(f.read())
            with open(typ_path, "w", encoding="utf-8") as f:
                f.write(source)
            _, _, typst_size, _ = typst_compile(typ_path)
            typst_peaks = []
        for i in range(args.runs):
            for name, path in builds:
                argv = [path] + RENDER + ["-o", os.path.join(work, f"single-{name}")]
                w, c, code = run_timed(argv, proj)
                assert code == 0, f"{path} render failed"
                # The peak from a second run under GNU time (see run_measured).
                _, _, rss, code = run_measured(argv, proj)
                assert code == 0, f"{path} render failed"
                wall[name].append(w)
                cpu[name].append(c)
                peak[name].append(rss)
            if typst_ok:
                seconds, seconds_cpu, _, typst_rss = typst_compile(typ_path, fonts=typst_fonts)
                typst_wall.append(seconds)
                typst_cpu.append(seconds_cpu)
                typst_peaks.append(typst_rss)
        for name, _ in builds:
            r = results[name]
            r["render_ms"] = statistics.median(wall[name]) * 1000
            r["render_min_ms"] = min(wall[name]) * 1000
            r["render_cpu_ms"] = statistics.median(cpu[name]) * 1000
            r["render_peak_mib"] = statistics.median(peak[name])
            r["render_peak_max_mib"] = max(peak[name])
            r["pdf_kb"] = os.path.getsize(os.path.join(work, f"single-{name}", "speech.pdf")) / 1000
        if typst_ok:
            typst_ms = statistics.median(typst_wall) * 1000
            typst_kb = typst_size / 1000
            typst_peak = max(typst_peaks)
            python_peak = typst_compile(typ_path, "import")[3]
            typst_cpu_ms = statistics.median(typst_cpu) * 1000
            for name, _ in builds:
                results[name]["ratio"] = results[name]["render_ms"] / typst_ms
                results[name]["cpu_ratio"] = results[name]["render_cpu_ms"] / typst_cpu_ms

        # 2. The batch.
        batch = os.path.join(proj, "batch")
        os.makedirs(batch)
        with open(os.path.join(proj, "facts", "2021.yaml"), encoding="utf-8") as f:
            facts = f.read()
        names = []
        for i in range(args.files):
            name = os.path.join("batch", f"s{i + 1:03}.yaml")
            with open(os.path.join(proj, name), "w", encoding="utf-8") as f:
                f.write(facts)
            names.append(name)
        runs = {name: [] for name, _ in builds}
        for i in range(args.batch_runs):
            for name, path in builds:
                out = os.path.join(work, f"batch-{name}")
                shutil.rmtree(out, ignore_errors=True)
                w, cpu, rss, code = run_measured([path] + RENDER + names + ["-o", out], proj)
                assert code == 0, f"{path} batch failed (exit {code})"
                runs[name].append((w, cpu, rss))
        for name, _ in builds:
            w, cpu, rss = sorted(runs[name])[len(runs[name]) // 2]
            r = results[name]
            r["batch_per_file_ms"] = w / args.files * 1000
            r["batch_cpu_wall"] = cpu / w
            r["batch_peak_mib"] = max(x[2] for x in runs[name])
            r["batch_half"] = r["batch_per_file_ms"] / r["render_ms"]

        # 3. The server.
        if not args.no_serve:
            load = serve_load_binary()
            for name, path in builds:
                env = dict(os.environ, SPEECHGEN_BIN=path, SERVE_LOAD_SECS=str(args.serve_secs))
                out = subprocess.run([load], env=env, capture_output=True, text=True, check=True).stdout
                print(f"[{name}] " + "\n".join(l for l in out.splitlines() if not l.startswith("JSON")), flush=True)
                line = next(l for l in out.splitlines() if l.startswith("JSON "))
                results[name]["serve"] = json.loads(line[5:])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load_end = os.getloadavg()
    cols = [name for name, _ in builds][::-1]  # before first
    print()
    print(f"load average {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end ({cores} cores)")
    print("| measure | " + " | ".join(cols) + " | goal |")
    print("|---|" + "---|" * len(cols) + "---|")

    def row(label, fmt, key, goal="", sub=None):
        cells = []
        for c in cols:
            v = results[c].get(key) if sub is None else results[c].get("serve", {}).get(sub)
            cells.append("–" if v is None else fmt.format(v))
        print(f"| {label} | " + " | ".join(cells) + f" | {goal} |")

    row(f"whole render, median of {args.runs} (ms)", "{:.1f}", "render_ms")
    row("whole render, fastest (ms)", "{:.1f}", "render_min_ms")
    if typst_ok:
        print(f"| Typst compile ({typst_fonts} fonts), median (ms) | " + " | ".join(f"{typst_ms:.1f}" for _ in cols) + " | |")
        row("render ÷ Typst (wall)", "{:.2f}", "ratio", "≤ 0.25")
    row("whole render, cpu time, median (ms)", "{:.1f}", "render_cpu_ms")
    if typst_ok:
        print(f"| Typst compile, cpu time, median (ms) | " + " | ".join(f"{typst_cpu_ms:.1f}" for _ in cols) + " | |")
        row("render ÷ Typst (cpu time)", "{:.2f}", "cpu_ratio")
    row("whole render, peak memory, median (MiB)", "{:.1f}", "render_peak_mib", "≤ 24")
    row("whole render, peak memory, largest (MiB)", "{:.1f}", "render_peak_max_mib")
    if typst_ok:
        print(
            f"| Typst peak memory (MiB; Python + typst, import alone {python_peak:.0f}) | "
            + " | ".join(f"{typst_peak:.0f}" for _ in cols)
            + " | |"
        )
    row("PDF (KB)", "{:.1f}", "pdf_kb", f"≤ Typst's ({typst_kb:.1f})" if typst_ok else "≤ Typst's")
    row(f"batch of {args.files}: per file (ms)", "{:.1f}", "batch_per_file_ms")
    row("batch per file ÷ single render", "{:.2f}", "batch_half", "≤ 0.5")
    row("batch cpu/wall", "{:.2f}", "batch_cpu_wall", "≥ 1.6")
    row("batch peak memory (MiB)", "{:.1f}", "batch_peak_mib", "≤ 60")
    if not args.no_serve:
        row("serve: errors", "{}", None, "0", "errors")
        row("serve: page p99 (ms)", "{:.2f}", None, "< 20", "page_p99_ms")
        row("serve: PDF p99 (ms)", "{:.1f}", None, "", "pdf_p99_ms")
        row("serve: peak memory (MiB)", "{:.1f}", None, "< 60", "rss_peak_mib")


if __name__ == "__main__":
    main()
