"""``results/README.md``: every result page of a folder, collected in one.

The README names the suite run (command, date, machine, a status line per
benchmark) and then copies in every ``.md`` file of the folder, this run's
and earlier runs', with its headings moved down so that the page's heading
levels never skip.
"""

from __future__ import annotations

import datetime
import re

from _common.machine import suite_lines


def shift_headings(text, top=3):
    """Move markdown headings down, none above ``top``, no level skipped.

    Headings inside fenced code blocks are left alone.

    Parameters
    ----------
    text : str
        Markdown.
    top : int, default=3
        Level the highest heading gets.

    Returns
    -------
    str
        The markdown with its headings moved.

    Examples
    --------
    >>> shift_headings("# a\\n#### b", top=3).splitlines()
    ['### a', '#### b']
    """
    out, prev, fence = [], top - 1, None
    for line in text.splitlines():
        marker = line.lstrip()[:3]
        if marker in ("```", "~~~"):
            fence = None if fence == marker else (fence or marker)
        match = None if fence else re.match(r"^(#{1,6})\s+(.*)$", line)
        if match:
            level = max(top, min(len(match.group(1)) + top - 2, prev + 1, 6))
            prev = level
            line = "#" * level + " " + match.group(2)
        out.append(line)
    return "\n".join(out)


def split_title(text):
    """``(H1 text, rest)`` if ``text`` starts with an H1, else ``(None, text)``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"^#\s+(.*)$", line)
        if match:
            return match.group(1).strip(), "\n".join(lines[i + 1 :])
        break
    return None, text


def _mtime(path):
    stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def _intro(command, started, device, quick):
    note = (
        " **Quick run**: small sizes, for checking that the suite runs; these "
        "are not the reference numbers."
    )
    return [
        "# Benchmark results",
        "",
        "Collected by `benchmarks/run.py` from the result files in this folder: "
        "each section below is one of those files, copied in with its headings "
        "one level down. Nothing here is typed by hand; rerun the command to "
        "update it." + (note if quick else ""),
        "",
        "## This run",
        "",
        f"- Command: `{command}`",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
        *suite_lines(device),
        "",
    ]


def _status(out, records):
    lines = []
    if records:
        lines += [
            "| part | command | status | time (s) | result file |",
            "|---|---|---|---|---|",
        ]
        for r in records:
            status = "ok" if r.status == "ok" else f"**{r.status}**"
            link = f"[{r.md}]({r.md})" if (out / r.md).exists() else "–"
            lines.append(
                f"| {r.name} | `{r.command}` | {status} | {r.seconds:.1f} | {link} |"
            )
        lines.append("")
    failed = [r for r in records if r.status != "ok"]
    if failed:
        lines += ["Failed parts (the suite went on without them):", ""]
        lines += [f"- {r.name}: {r.error}" for r in failed]
        lines.append("")
    notes = [(r.name, n) for r in records for n in r.notes]
    if notes:
        lines += ["Notes:", ""]
        lines += [f"- {name}: {n}" for name, n in notes]
        lines.append("")
    return lines


def _section(path, record):
    title, body = split_title(path.read_text(encoding="utf-8"))
    if record is not None and record.status == "ok":
        origin = "this run"
    elif record is not None:
        origin = "an earlier run (this run's attempt failed)"
    else:
        origin = "an earlier run"
    return [
        f"## {title if title is not None else path.stem}",
        "",
        f"From [{path.name}]({path.name}), written {_mtime(path)} by {origin}.",
        "",
        shift_headings(body.strip("\n"), top=3),
        "",
    ]


def render_readme(out, records, *, order, command, started, device, quick):
    """The README of the result folder ``out``.

    Parameters
    ----------
    out : Path
        The result folder; every ``.md`` file in it but ``README.md`` is
        copied in.
    records : list
        This run's parts, each with ``name``, ``md``, ``command``, ``status``
        (``"ok"`` or ``"failed"``), ``seconds``, ``error`` and ``notes``.
    order : sequence of str
        Result file names in suite order; other files come after them.
    command : str
        The suite's command line.
    started : datetime.datetime
        When the suite started (UTC).
    device : str
        The torch device of the run.
    quick : bool
        Whether this was a ``--quick``/``--tiny`` run.

    Returns
    -------
    str
        The README, ending with one newline.
    """
    order = list(order)
    files = sorted(
        (f for f in out.glob("*.md") if f.name != "README.md"),
        key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name),
    )
    lines = _intro(command, started, device, quick) + _status(out, records)
    if not files:
        lines += ["No result file in this folder yet.", ""]
    ran = {r.md: r for r in records}
    for f in files:
        lines += _section(f, ran.get(f.name))
    return "\n".join(lines).rstrip() + "\n"
