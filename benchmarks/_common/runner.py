"""The one runner: a benchmark's declaration, its flags, and running it.

A benchmark module defines ``BENCHMARK = Benchmark(...)``: its name, title,
``run(config) -> Page`` function, its own flags and the sizes ``--tiny``
gives it. :func:`run` does the rest: the common flags, the output folder
(``benchmarks/results`` for a full run; a ``--quick`` run writes only where
``--out`` says), restoring process-wide state, printing the page and writing
it with :mod:`_common.render`. The suite (:mod:`_common.suite`) times each
benchmark and reports it in the results README.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _common.render import Page, render_page, write_page

BENCH = Path(__file__).resolve().parents[1]
RESULTS = BENCH / "results"
RUN_PY = "python benchmarks/run.py"


@dataclass(frozen=True)
class Benchmark:
    """What a benchmark declares; the runner supplies everything else.

    Parameters
    ----------
    name : str
        Name on the command line (``python benchmarks/run.py NAME``); the
        result file is ``bench_NAME.md``.
    title : str
        The page's level-1 heading.
    run : callable
        ``run(config) -> Page``; ``config`` is the parsed namespace: the
        common flags (``quick``, ``tiny``, ``seeds``, ``device``), the
        benchmark's own, ``out_dir`` (the folder the page goes to, None when
        nothing is written) and ``command``.
    options : callable, default=None
        ``options(parser)`` adds the benchmark's own flags.
    tiny : tuple of str, default=()
        Flags ``--tiny`` puts before the user's: the smallest sizes the
        benchmark accepts, for the tests.
    seeds : (int, int) or None, default=None
        Default number of seeds of a full and of a ``--quick`` run; None: the
        benchmark takes no ``--seeds``.
    device : bool, default=False
        Whether it takes ``--device`` (a torch device).
    torch : bool, default=False
        Whether it runs torch code (the suite notes when such a benchmark
        runs on the CPU although another device was asked for).
    """

    name: str
    title: str
    run: Callable[[argparse.Namespace], Page]
    options: Callable[[argparse.ArgumentParser], None] | None = None
    tiny: tuple[str, ...] = ()
    seeds: tuple[int, int] | None = None
    device: bool = False
    torch: bool = False

    @property
    def md(self):
        """File name of the result page."""
        return result_file(self.name)


def result_file(name):
    """File name of the result page of the benchmark ``name``."""
    return f"bench_{name}.md"


@dataclass
class Outcome:
    """A benchmark run: its page, the files written and its data."""

    text: str
    written: list[Path] = field(default_factory=list)
    result: object = None


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1; got {value}")
    return value


def build_parser(benchmark):
    """The argument parser of ``benchmark``: the common flags, then its own.

    Parameters
    ----------
    benchmark : Benchmark
        The declaration.

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog=f"{RUN_PY} {benchmark.name}", description=benchmark.title
    )
    common = parser.add_argument_group("common flags")
    common.add_argument(
        "--quick",
        action="store_true",
        help="small sizes, for a smoke run; writes nothing unless --out",
    )
    common.add_argument(
        "--tiny",
        action="store_true",
        help="--quick at the smallest sizes: " + (" ".join(benchmark.tiny) or "none"),
    )
    common.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder for {benchmark.md} (default {RESULTS} for a full run)",
    )
    common.add_argument("--no-write", action="store_true", help="print only")
    if benchmark.seeds is not None:
        full, quick = benchmark.seeds
        common.add_argument(
            "--seeds",
            type=_positive_int,
            default=None,
            help=f"number of seeds (default {full}; {quick} with --quick)",
        )
    if benchmark.device:
        common.add_argument(
            "--device", default="cpu", help="torch device: cpu (default), cuda, cuda:0"
        )
    if benchmark.options is not None:
        benchmark.options(parser.add_argument_group(f"{benchmark.name} flags"))
    return parser


def configure(benchmark, argv=()):
    """Parse ``argv`` into the config that ``benchmark.run`` reads.

    Parameters
    ----------
    benchmark : Benchmark
        The declaration.
    argv : sequence of str
        The benchmark's flags, as after ``run.py NAME``.

    Returns
    -------
    argparse.Namespace
        The flags, plus ``out_dir`` and ``command``; ``quick`` is true for
        ``--tiny`` too.
    """
    argv = list(argv)
    parser = build_parser(benchmark)
    config = parser.parse_args(argv)
    if config.tiny:
        # The user's own flags come last, so they win over the tiny sizes.
        config = parser.parse_args([*benchmark.tiny, *argv])
        config.quick = True
    if benchmark.device:
        _check_device(config.device, parser)
    if benchmark.seeds is not None and config.seeds is None:
        config.seeds = benchmark.seeds[1 if config.quick else 0]
    if config.quick and config.out is not None and same_folder(config.out, RESULTS):
        parser.error(
            "--quick/--tiny results must not replace the full ones: give --out "
            "another folder than benchmarks/results"
        )
    if config.no_write:
        config.out_dir = None
    else:
        config.out_dir = config.out or (None if config.quick else RESULTS)
    config.command = f"{RUN_PY} {shlex.join([benchmark.name, *argv])}"
    return config


def _check_device(device, parser):
    if device == "cpu":
        return
    if not device.startswith("cuda"):
        parser.error(f"--device must be cpu or cuda[:N]; got {device!r}")
    import torch

    if not torch.cuda.is_available():
        parser.error(f"--device {device}: torch sees no CUDA device")


def same_folder(a, b):
    """Whether two paths name the same folder."""
    return Path(a).resolve() == Path(b).resolve()


@contextlib.contextmanager
def isolated():
    """Restore what a benchmark may change for the whole process.

    Warning filters, torch's thread count and determinism flag, open
    matplotlib figures: the suite runs every benchmark in one process.
    """
    torch = sys.modules.get("torch")
    state = (
        (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
        if torch is not None
        else None
    )
    try:
        with warnings.catch_warnings():
            yield
    finally:
        torch = sys.modules.get("torch")
        if torch is not None and state is not None:
            torch.set_num_threads(state[0])
            torch.use_deterministic_algorithms(state[1])
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def run(benchmark, argv: Sequence[str] = ()):
    """Run one benchmark: parse its flags, measure, print and write its page.

    Parameters
    ----------
    benchmark : Benchmark
        The declaration.
    argv : sequence of str, default=()
        Its flags (see :func:`build_parser`).

    Returns
    -------
    Outcome
        The page's text, the files written and ``Page.result``.
    """
    config = configure(benchmark, argv)
    with isolated():
        page = benchmark.run(config)
        text = render_page(benchmark.title, config.command, page.body)
        print(text, flush=True)
        written = []
        if config.out_dir is not None:
            out = Path(config.out_dir)
            written = write_page(out, benchmark.md, text, page.figures)
            print("wrote " + ", ".join(str(p) for p in written), flush=True)
    return Outcome(text, written, page.result)
