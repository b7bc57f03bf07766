"""The shared runner and renderer of the benchmarks (``benchmarks/_common``)."""

import doctest
import re

import pytest

from _common import collect, render, runner, suite

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
