"""The shared runner and renderer of the benchmarks (``benchmarks/_common``)."""

import doctest
import re

import pytest

from _common import collect, machine, render, runner, suite, timing

pytestmark = pytest.mark.benchmark


def _toy(**fields):
    """A benchmark that measures nothing, to drive the runner."""

    def run(config):
        rows = [("size", config.size), ("quick", config.quick)]
        return render.Page(
            render.table(["what", "value"], rows),
            figures={"toy.png": lambda path: path.write_bytes(b"png")},
            result=config,
        )

    return runner.Benchmark(
        name="toy",
        title="Toy",
        run=run,
        options=lambda p: p.add_argument("--size", type=int, default=5),
        **fields,
    )


@pytest.mark.parametrize("module", [render, collect], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


def test_table_writes_an_empty_cell_as_one_space():
    text = render.table(["a", "b", "c"], [["**x**", "", 1.5]])
    assert text.splitlines() == ["| a | b | c |", "|---|---|---|", "| **x** | | 1.5 |"]


def test_mean_std_leaves_out_missing_values_and_names_an_empty_cell():
    assert render.mean_std([0.25, None, float("nan"), 0.75]) == "50.0 ± 25.0"
    assert render.mean_std([1.5, 2.5], scale=1, digits=2) == "2.00 ± 0.50"
    # With ddof=1 a single value has no spread: 0, not NaN.
    assert render.mean_std([0.1], digits=2, ddof=1) == "10.00 ± 0.00"
    assert render.mean_std([0.1, 0.3], ddof=1) == "20.0 ± 14.1"
    assert render.mean_std([None], empty="—") == "—"


def test_paired_rounds_rotate_the_order_and_give_one_sample_per_round():
    calls = []
    samples = timing.paired_rounds(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        3,
        inner=2,
        warmup=1,
    )
    # Warm-up, then rounds 0, 1, 2: each side twice, in a rotating order.
    assert "".join(calls) == "ab" + "aabb" + "bbaa" + "aabb"
    assert {name: len(s) for name, s in samples.items()} == {"a": 3, "b": 3}
    assert timing.paired_ratio([2.0, 9.0, 3.0], [1.0, 3.0, 1.0]) == 3.0
    assert [timing.verdict(r, 1.05) for r in (1.05, 1.06)] == ["yes", "**no**"]


def test_peak_counts_what_the_call_allocates():
    size, seconds = timing.peak(lambda: bytearray(2**20))
    assert 2**20 <= size < 2**21 and seconds >= 0


def test_machine_lines_name_the_versions_and_the_load():
    assert "scikit-learn " in machine.machine_info("sklearn-la")
    assert machine.machine_info("no-such-dist").endswith("no-such-dist not installed")
    line = machine.load_line(1.5)
    assert line.startswith("load average (1 min) before / after: 1.50 / ")


def test_page_starts_with_its_title_and_the_command_that_reproduces_it():
    page = render.render_page("Title", "python benchmarks/run.py toy", "\nbody\n\n")
    assert page == "# Title\n\nCommand: `python benchmarks/run.py toy`\n\nbody\n"


def test_tiny_puts_its_sizes_before_the_users_flags():
    bench = _toy(tiny=("--seeds", "1", "--size", "1"), seeds=(3, 2))
    config = runner.configure(bench, ["--tiny", "--seeds", "2"])
    assert config.quick and config.seeds == 2 and config.size == 1
    assert config.command == "python benchmarks/run.py toy --tiny --seeds 2"
    assert runner.configure(bench, ["--quick"]).seeds == 2
    assert runner.configure(bench, []).seeds == 3


def test_full_run_writes_to_the_results_quick_run_only_where_told(tmp_path):
    bench = _toy()
    assert runner.configure(bench, []).out_dir == runner.RESULTS
    assert runner.configure(bench, ["--quick"]).out_dir is None
    assert (
        runner.configure(bench, ["--out", str(tmp_path), "--no-write"]).out_dir is None
    )
    with pytest.raises(SystemExit):
        runner.configure(bench, ["--quick", "--out", str(runner.RESULTS)])


def test_run_prints_and_writes_the_page_and_its_figures(tmp_path, capsys):
    outcome = runner.run(_toy(), ["--quick", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    page = (tmp_path / "bench_toy.md").read_text(encoding="utf-8")
    assert page == outcome.text and page in printed
    assert "| quick | True |" in page and (tmp_path / "toy.png").read_bytes() == b"png"
    assert outcome.written == [tmp_path / "bench_toy.md", tmp_path / "toy.png"]
    assert outcome.result.size == 5


def test_a_benchmark_without_device_refuses_the_flag():
    with pytest.raises(SystemExit):
        runner.configure(_toy(), ["--device", "cpu"])
    with pytest.raises(SystemExit):
        runner.configure(_toy(device=True), ["--device", "tpu"])


def test_shift_headings_moves_down_without_skipping_and_leaves_code_alone():
    text = "## a\n\n```\n# not a heading\n```\n#### b\n# c"
    assert collect.shift_headings(text, top=3).splitlines() == [
        "### a",
        "",
        "```",
        "# not a heading",
        "```",
        "#### b",
        "### c",
    ]


def test_every_committed_result_file_names_the_command_that_reproduces_it():
    for module in suite.BENCHMARKS:
        bench = suite.load(module)
        assert module.endswith("." + bench.name)
        lines = (runner.RESULTS / bench.md).read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"# {bench.title}"
        assert re.fullmatch(
            rf"Command: `python benchmarks/run\.py {bench.name}( [^`]*)?`( \(.*\))?",
            lines[2],
        )
