"""Reliability cases of the ``sklearn-la`` command (see ``_reliability.py``).

A representative handful; ``tests/test_cli.py`` has them all. Each case runs
``sklearn_la._cli.main`` on small files in a temporary folder and checks what
the user sees: exit status 2, nothing on stdout (nothing was fitted), and one
line on stderr, ``sklearn-la: error: ...``, never a traceback.
"""

import contextlib
import io
import re
import tempfile
from pathlib import Path

from _reliability import Case

from sklearn_la._cli import main

AREA = "Command line (``sklearn-la``)"
ORDER = 3
PREFIX = "sklearn-la: error: "
# A small valid file: two numeric features, two classes.
GOOD = "a,b,y\n" + "".join(f"{i},{i % 3},{'x' if i % 4 else 'z'}\n" for i in range(40))


def _run(argv, files):
    """Exit status, stdout and stderr of the command, ``{NAME}`` being a file."""
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text)
        argv = [arg.format(DIR=folder) for arg in argv]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _cli_case(bad_input, argv, message, files=None):
    """A behaviour case: exit status 2 and one error line that matches ``message``.

    ``message`` follows the ``sklearn-la: error:`` prefix; an ellipsis in it
    stands for any text (a temporary path).
    """
    pattern = re.escape(PREFIX) + ".*".join(map(re.escape, message.split("…")))

    def run():
        status, out, err = _run(argv, files or {})
        assert status == 2, (status, err)
        assert out == "", out
        assert err.endswith("\n") and err.count("\n") == 1, err
        assert "Traceback" not in err and re.match(pattern, err), err

    return Case(bad_input, run, None, f"exit status 2; ``{PREFIX}{message}``")


def _data(text, *options, target="y"):
    return ["--data", "{DIR}/d.csv", "--target", target, *options], {"d.csv": text}


def _data_case(bad_input, text, message, *options, target="y"):
    argv, files = _data(text, *options, target=target)
    return _cli_case(bad_input, argv, message, files)


def _identifiers_dropped():
    # A row number and a code, each different in every row; ``c`` repeats.
    text = "row,code,c,y\n" + "".join(
        f"{i + 1},P{i:03d},{i % 5},{'x' if i % 4 else 'z'}\n" for i in range(40)
    )
    status, out, _ = _run(
        ["--data", "{DIR}/d.csv", "--target", "y", "-q"], {"d.csv": text}
    )
    assert status == 0
    assert "note: dropped identifier column(s) ['row', 'code']" in out, out
    assert "features (1): c" in out, out


CASES = [
    _data_case(
        "a header that repeats a column name (``a,y,y``; pandas would read the "
        "copy of the label as a feature ``y.1``)",
        "a,y,y\n" + "".join(f"{i * 0.5},p,p\n" for i in range(10)),
        "--data: the header of '…' repeats column name(s) 'y' (columns 2, 3)",
    ),
    Case(
        "an identifier column: a different whole number or text in every row "
        "(a row number 1..n, the index ``DataFrame.to_csv()`` writes, a key, a "
        "code)",
        _identifiers_dropped,
        None,
        "left out of the features and named in a ``note:`` line; ``--keep NAME`` "
        "uses it anyway (decimal numbers are never identifiers)",
    ),
    _data_case(
        "a CSV file with a header but no rows",
        "a,b,y\n",
        "--data: the file has a header but no data rows.",
    ),
    _data_case("an empty CSV file", "", "--data: '…' is empty."),
    _cli_case(
        "a ``--data`` file that does not exist",
        ["--data", "{DIR}/missing.csv", "--target", "y"],
        "--data: file not found: '…missing.csv'",
    ),
    _data_case(
        "``inf`` in a feature column",
        "a,b,y\n1,inf,x\n2,3,z\n3,3,x\n4,4,z\n",
        "--data: feature column(s) ['b'] hold infinite values (inf)",
    ),
    _data_case(
        "a ``--target`` column that is not in the file",
        GOOD,
        "--target: column 'q' not found in '…'; its columns are ['a', 'b', 'y'].",
        target="q",
    ),
    _data_case(
        "a target column with a single class",
        "a,y\n1,x\n2,x\n3,x\n4,x\n",
        "--target: column 'y' has a single class 'x'; need at least 2.",
    ),
    _data_case(
        "a continuous target column",
        "a,y\n" + "".join(f"{i},{i * 0.37:.3f}\n" for i in range(40)),
        "--target: column 'y' does not hold class labels (it looks continuous",
    ),
    _data_case(
        "``--test-size 2``",
        GOOD,
        "--test-size must be between 0 and 1; got 2.0.",
        "--test-size",
        "2",
    ),
    _cli_case(
        "``--models nope``",
        ["--models", "nope"],
        "--models: unknown model(s) ['nope']; choose among",
    ),
    _cli_case("``--cv 1``", ["--cv", "1"], "--cv needs at least 2 folds; got 1."),
    _cli_case(
        "``--output`` in a folder that does not exist (checked before fitting)",
        ["--output", "{DIR}/no/such/folder/results.csv"],
        "--output: cannot write '…results.csv': it is a directory or its folder "
        "does not exist.",
    ),
]
