"""Writing a benchmark's markdown result (shared by the scripts that write one file)."""


def write_markdown(md, out, *, quick, default):
    """Write ``md`` to ``out``, or to ``default`` for a full run.

    A ``--quick`` run writes nothing unless ``--out`` is given, so quick numbers
    never replace the reference results. Returns the path written, or None.
    """
    path = out if out is not None else (None if quick else default)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(md)
        print(f"written to {path}")
    return path
