"""The suite: every benchmark in order, and ``benchmarks/run.py``'s main.

Each benchmark runs in this process through :func:`_common.runner.run`; one
that fails (an optional package missing, a bug) does not stop the others: its
error goes into the README and the exit status is 1. The README of the
output folder is then rebuilt from every result file there
(:mod:`_common.collect`).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import io
import os
import shlex
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path

from _common import runner
from _common.collect import render_readme

# Module of each benchmark, in the order the suite runs them and the README
# lists them: accuracy experiments, then speed and memory benchmarks.
BENCHMARKS = (
    "experiments.synthetic",
    "experiments.tabular",
    "experiments.neural",
    "experiments.family",
    "experiments.label_shift",
    "experiments.resampled_calibration",
    "speed.posthoc",
    "speed.tuning",
    "speed.scale",
    # Last: it pins glibc's allocator for the rest of the process.
    "speed.losses",
)


def _name(module):
    return module.rsplit(".", 1)[1]


def groups():
    """Group name -> benchmark names."""
    return {
        kind: tuple(_name(m) for m in BENCHMARKS if m.startswith(kind + "."))
        for kind in ("experiments", "speed")
    }


def load(module):
    """The :class:`~_common.runner.Benchmark` declared by ``module``."""
    return importlib.import_module(module).BENCHMARK


@dataclass
class Record:
    """One benchmark's part in a suite run."""

    name: str
    command: str
    status: str = "not run"
    seconds: float = 0.0
    error: str = ""
    notes: list = field(default_factory=list)

    @property
    def md(self):
        return runner.result_file(self.name)


class _Tee(io.TextIOBase):
    """Write to a stream and keep a copy (the last line names an argparse error)."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def _error_line(exc, stderr_text):
    if isinstance(exc, SystemExit):
        last = [ln for ln in stderr_text.strip().splitlines() if ln.strip()]
        detail = last[-1] if last else ""
        return f"exited with status {exc.code}" + (f": {detail}" if detail else "")
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0] if message else ''}".rstrip(": ")


def part_argv(benchmark, args, out_flag, extra=()):
    """The flags a suite run gives one benchmark, and notes on what it lacks.

    Parameters
    ----------
    benchmark : Benchmark
        The declaration.
    args : argparse.Namespace
        The suite's flags.
    out_flag : str or None
        ``--out`` to pass on (None: the benchmark's default folder).
    extra : sequence of str, default=()
        The benchmark's own flags, given to the suite.

    Returns
    -------
    argv : list of str
    notes : list of str
    """
    argv = ["--tiny"] if args.tiny else ["--quick"] if args.quick else []
    notes = []
    if args.seeds is not None and benchmark.seeds is not None:
        argv += ["--seeds", str(args.seeds)]
    if args.device != "cpu":
        if benchmark.device:
            argv += ["--device", args.device]
        elif benchmark.torch:
            notes.append(f"takes no --device; ran on the CPU, not {args.device}")
    if args.no_write:
        argv.append("--no-write")
    elif out_flag is not None:
        argv += ["--out", out_flag]
    return argv + list(extra), notes


def run_part(module, args, out, out_flag, extra=()):
    """Run one benchmark of the suite; never raises but KeyboardInterrupt."""
    name = _name(module)
    record = Record(name, f"{runner.RUN_PY} {name}")
    start = time.perf_counter()
    print(f"\n{'=' * 78}\n== {name}: benchmarks/{module.replace('.', '/')}.py")
    stderr = _Tee(sys.stderr)
    try:
        benchmark = load(module)
        argv, record.notes = part_argv(benchmark, args, out_flag, extra)
        record.command = f"{runner.RUN_PY} {shlex.join([name, *argv])}"
        print(f"== {record.command}\n{'=' * 78}", flush=True)
        with redirect_stderr(stderr):
            runner.run(benchmark, argv)
        if out is not None and not (out / record.md).is_file():
            raise RuntimeError(f"it wrote no {record.md} to {out}")
        record.status = "ok"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit from argparse included
        record.status = "failed"
        record.error = _error_line(exc, stderr.copy.getvalue())
        traceback.print_exc()
    record.seconds = time.perf_counter() - start
    print(
        f"== {name}: {record.status} in {record.seconds:.1f} s"
        + (f" ({record.error})" if record.error else ""),
        flush=True,
    )
    return record


def _parser():
    names = ", ".join(_name(m) for m in BENCHMARKS)
    parser = argparse.ArgumentParser(
        prog=runner.RUN_PY,
        description="Run the sklearn-la benchmarks and collect their results.",
        epilog="A benchmark's own flags follow its name when it is the only one "
        f"named; '{runner.RUN_PY} NAME --help' lists them.",
        add_help=False,
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default all): {names}; or a group: "
        + ", ".join(f"{g} (= {','.join(n)})" for g, n in groups().items()),
    )
    parser.add_argument("-h", "--help", action="store_true", help="show this help")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every benchmark at its --quick size (under 3 minutes in all); writes "
        "to --out or a new temporary folder, never to benchmarks/results",
    )
    parser.add_argument(
        "--tiny", action="store_true", help="--quick at the smallest sizes (tests)"
    )
    parser.add_argument(
        "--seeds", type=int, default=None, help="seeds, for those that take --seeds"
    )
    parser.add_argument(
        "--device", default="cpu", help="torch device for those that take --device"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder (default {runner.RESULTS} for a full run, a new "
        "temporary folder for --quick/--tiny)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; write no file"
    )
    parser.add_argument(
        "--collect-only",
        action="store_true",
        help="run nothing: rebuild README.md from the result files in the folder",
    )
    return parser


def _select(args, parser):
    """Modules named on the command line, in suite order."""
    if not args.names:
        return list(BENCHMARKS)
    chosen, known = set(), groups()
    for name in args.names:
        if name in known:
            chosen.update(known[name])
        elif name in map(_name, BENCHMARKS):
            chosen.add(name)
        else:
            parser.error(
                f"unknown benchmark {name!r}; choose from "
                f"{', '.join([*map(_name, BENCHMARKS), *known])}"
            )
    return [m for m in BENCHMARKS if _name(m) in chosen]


def _out_folder(args, quick, parser):
    """The folder written to, and the ``--out`` the benchmarks are given."""
    if args.no_write:
        return None, None
    if quick and args.out is not None and runner.same_folder(args.out, runner.RESULTS):
        parser.error(
            "--quick/--tiny results must not replace the full ones: give --out "
            "another folder than benchmarks/results"
        )
    if not quick and args.out is None:
        return runner.RESULTS, None
    out = (args.out or Path(tempfile.mkdtemp(prefix="sklearn-la-bench-"))).resolve()
    shown = os.path.relpath(out)  # readable in the README when under the cwd
    return out, (str(out) if shown.startswith("..") else shown)


def main(argv=None):
    """Run the benchmarks named (all by default) and collect the README.

    Parameters
    ----------
    argv : list of str, default=None
        The command line after ``run.py``; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 if every benchmark ran, 1 if one failed.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    modules = _select(args, parser)
    single = len(modules) == 1 and args.names
    if args.help:
        target = runner.build_parser(load(modules[0])) if single else parser
        target.print_help()
        return 0
    if extra and not single:
        parser.error(
            f"unrecognized arguments: {' '.join(extra)} (a benchmark's own flags "
            "need that benchmark named alone)"
        )
    quick = args.quick or args.tiny
    out, out_flag = _out_folder(args, quick, parser)
    if extra:
        # A mistyped flag stops here, before the README is rewritten.
        benchmark = load(modules[0])
        runner.configure(benchmark, part_argv(benchmark, args, out_flag, extra)[0])
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MPLBACKEND", "Agg")
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    records = [
        run_part(m, args, out, out_flag, extra)
        for m in ([] if args.collect_only else modules)
    ]
    if out is not None:
        readme = render_readme(
            out,
            records,
            order=[runner.result_file(_name(m)) for m in BENCHMARKS],
            command=shlex.join(["python", "benchmarks/run.py", *argv]),
            started=started,
            device=args.device,
            quick=quick,
        )
        (out / "README.md").write_text(readme, encoding="utf-8")
    _summary(records, time.perf_counter() - t0, out)
    return 1 if any(r.status != "ok" for r in records) else 0


def _summary(records, seconds, out):
    print(f"\n{'=' * 78}\n== summary ({seconds:.0f} s)")
    for r in records:
        print(
            f"   {r.name:<10} {r.status:<7} {r.seconds:7.1f} s"
            + (f"  {r.error}" if r.error else "")
        )
    if out is not None:
        print(f"== results collected in {out / 'README.md'}")
