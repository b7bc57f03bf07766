"""Tests of the ``sklearn-la`` command: ``_demo.main`` and ``python -m sklearn_la``."""

import contextlib
import io
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_la._demo import main

pd = pytest.importorskip("pandas")

BASES = ["logistic regression", "random forest", "gradient boosting"]
METHODS = ["base (ERM)", "logit-adjusted (tau=1)", 'class_weight="balanced"']


def _table(output):
    """``{(base model, method): [balanced acc, many, medium, few]}`` of the table."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in BASES:
            rows[cells[0], cells[1]] = [
                float("nan") if cell == "n/a" else float(cell) for cell in cells[2:]
            ]
    return rows


@pytest.fixture(scope="module")
def default_output():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main([])
    assert status == 0
    return buffer.getvalue()


def _write_csv(path, n_samples=300, seed=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.75, 0.2, 0.05],
        random_state=seed,
    )
    frame = pd.DataFrame(X, columns=["f0", "f1", "f2", "f3"])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(n_samples) % 3]
    frame["species"] = np.array(["common", "uncommon", "rare"])[y]
    frame.to_csv(path, index=False)
    return frame


def _error_of(argv, capsys):
    with pytest.raises(SystemExit) as exc_info:
        main(argv)
    assert exc_info.value.code == 2
    return capsys.readouterr().err


# -- the default digits demo --------------------------------------------------------


def test_default_demo_prints_a_row_per_base_model_and_method(default_output):
    assert "| base model | method | balanced accuracy | many | medium | few |" in (
        default_output
    )
    rows = _table(default_output)
    assert set(rows) == {(base, method) for base in BASES for method in METHODS}
    values = np.array(list(rows.values()))
    assert np.all((values >= 0) & (values <= 1))


def test_default_demo_describes_the_long_tailed_split_and_groups(default_output):
    assert "imbalance ratio 100" in default_output
    assert "test: 870 samples, 87 per class" in default_output
    assert "many > 20 (3 classes), medium 5 to 20 (3), few < 5 (4)" in default_output
    training = next(
        line for line in default_output.splitlines() if line.startswith("training")
    )
    sizes = [
        int(part.split(": ")[1]) for part in training.split("per class ")[1].split(", ")
    ]
    assert sizes[0] == 87 and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)


def test_logit_adjustment_beats_erm_for_logistic_regression_in_default_demo(
    default_output,
):
    rows = _table(default_output)
    base = rows["logistic regression", "base (ERM)"][0]
    adjusted = rows["logistic regression", "logit-adjusted (tau=1)"][0]
    # The expectation on digits-LT100: roughly 0.70 -> 0.83.
    assert adjusted > base + 0.05
    assert (
        rows["logistic regression", "logit-adjusted (tau=1)"][3]
        > rows["logistic regression", "base (ERM)"][3]
    )


def test_logit_adjustment_beats_erm_for_every_base_model_in_default_demo(
    default_output,
):
    rows = _table(default_output)
    for base in BASES:
        assert rows[base, "logit-adjusted (tau=1)"][0] > rows[base, "base (ERM)"][0], (
            base
        )


def test_ratio_option_changes_the_training_profile(capsys):
    assert main(["--ratio", "10", "--seed", "1"]) == 0
    output = capsys.readouterr().out
    assert "imbalance ratio 10)" in output and "seed 1" in output
    training = next(line for line in output.splitlines() if line.startswith("training"))
    sizes = [
        int(part.split(": ")[1]) for part in training.split("per class ")[1].split(", ")
    ]
    assert sizes[0] // 10 == sizes[-1]


# -- a user CSV --------------------------------------------------------------------


def test_csv_demo_one_hot_encodes_categories_and_keeps_string_labels(tmp_path, capsys):
    path = tmp_path / "animals.csv"
    frame = _write_csv(path)
    assert main(["--data", str(path), "--target", "species"]) == 0
    output = capsys.readouterr().out
    assert "animals.csv, target 'species', stratified 50/50 split" in output
    training = next(line for line in output.splitlines() if line.startswith("training"))
    counts = dict(
        part.split(": ") for part in training.split("per class ")[1].split(", ")
    )
    half = frame["species"].value_counts() / 2
    assert sorted(counts) == ["common", "rare", "uncommon"]
    assert all(abs(int(counts[name]) - half[name]) <= 0.5 for name in counts)
    assert set(_table(output)) == {
        (base, method) for base in BASES for method in METHODS
    }


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda f: f.drop(columns="species"), "column 'species' not found"),
        (
            lambda f: f.assign(note=[f"note {i}" for i in range(len(f))]),
            "non-numeric feature column(s) ['note']",
        ),
        (
            lambda f: f.assign(f0=f["f0"].where(f.index != 3)),
            "feature column(s) ['f0'] have missing values",
        ),
        (
            lambda f: pd.concat([f, f.iloc[[0]].assign(species="unique")]),
            "class(es) ['unique'] have fewer than 2 samples",
        ),
        (lambda f: f.assign(species="same"), "single class 'same'"),
        (
            lambda f: f.assign(species=np.linspace(0, 1, len(f))),
            "does not hold class labels",
        ),
        (lambda f: f[["species"]], "no feature column besides 'species'"),
    ],
    ids=[
        "missing-column",
        "free-text",
        "missing-values",
        "singleton-class",
        "single-class",
        "continuous-target",
        "no-features",
    ],
)
def test_csv_demo_refuses_unusable_data_clearly(tmp_path, capsys, edit, message):
    path = tmp_path / "data.csv"
    frame = _write_csv(path, n_samples=60)
    edit(frame).to_csv(path, index=False)
    assert message in _error_of(["--data", str(path), "--target", "species"], capsys)


def test_csv_demo_reports_missing_and_empty_files(tmp_path, capsys):
    missing = tmp_path / "absent.csv"
    assert "file not found" in _error_of(
        ["--data", str(missing), "--target", "y"], capsys
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "cannot read" in _error_of(["--data", str(empty), "--target", "y"], capsys)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "x.csv"], "--data and --target go together"),
        (["--target", "y"], "--data and --target go together"),
        (["--data", "x.csv", "--target", "y", "--ratio", "10"], "digits demo only"),
        (["--ratio", "0.5"], "--ratio must be a finite number >= 1"),
        (["--ratio", "nan"], "--ratio must be a finite number >= 1"),
        (["--few-threshold", "30"], "--few-threshold (30) must not exceed"),
        (["--seed", "one"], "invalid int value"),
    ],
)
def test_bad_options_exit_with_a_usage_error(capsys, argv, message):
    error = _error_of(argv, capsys)
    assert "usage: sklearn-la" in error
    assert message in error


def test_python_dash_m_runs_the_demo_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_la", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "usage: sklearn-la" in result.stdout
    assert "--target COLUMN" in result.stdout
