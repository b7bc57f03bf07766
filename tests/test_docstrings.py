"""The one docstring-sharing mechanism: placeholders filled from one table."""

import re

import pytest

import sklearn_la
from sklearn_la._docstrings import _SHARED, _fill_doc


def _public_docstrings():
    objects = [getattr(sklearn_la, name) for name in sklearn_la.__all__]
    objects = [obj for obj in objects if callable(obj)]
    try:
        from sklearn_la.nn import functional
    except ImportError:
        return objects
    return objects + [getattr(functional, name) for name in functional.__all__]


@pytest.mark.parametrize("obj", _public_docstrings(), ids=lambda obj: obj.__name__)
def test_no_placeholder_is_left_unfilled(obj):
    doc = obj.__doc__ or ""
    names = "|".join(_SHARED)
    assert not re.search(rf"^\s*\{{({names})\}}\s*$", doc, re.M)
    assert "%(" not in doc


def test_the_functional_losses_share_the_table_text():
    functional = pytest.importorskip("sklearn_la.nn.functional")
    for name in functional.__all__:
        doc = getattr(functional, name).__doc__
        assert _SHARED["loss_tail"] in doc, name


def test_fill_doc_replaces_placeholder_lines_and_leaves_other_braces():
    def example():
        pass

    example.__doc__ = (
        "Summary.\n\n    Parameters\n    ----------\n    {loss_logits}\n"
        '    mode : {"a", "b"}\n        Braces that are not a placeholder.\n'
    )
    doc = _fill_doc(example).__doc__
    assert _SHARED["loss_logits"] in doc
    assert '{"a", "b"}' in doc
