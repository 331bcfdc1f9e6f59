"""Charts drawn on the server as SVG (no script): a column chart of a series and a bar chart
of a ranking. Each has a <title> and <desc>; the dashboards give the same figures in a table."""

from html import escape


def _number(value) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _scale(top):
    """A round maximum for the axis, at or above `top`."""
    if top <= 0:
        return 1
    step = 1
    while step * 10 <= top:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= top:
            return step * factor
    return step * 10


def columns(points, title, width=720, height=240, label=lambda key: key) -> str:
    """`points`: [(key, views, visits)]; views as columns, visits as a darker inner column."""
    left, bottom, top_margin = 48, 36, 12
    plot_width, plot_height = width - left - 8, height - bottom - top_margin
    maximum = _scale(max((views for _, views, _ in points), default=0))
    count = max(len(points), 1)
    slot = plot_width / count
    bar = max(slot * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ent-chart" viewBox="0 0 {width} {height}" '
        f'role="img"><title>{escape(title)}</title>',
    ]
    for fraction in (0, 0.5, 1):
        y = top_margin + plot_height * (1 - fraction)
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(round(maximum * fraction))}</text>'
        )
    every = max(1, round(count / 8))
    for i, (key, views, visits) in enumerate(points):
        x = left + i * slot + (slot - bar) / 2
        for value, css in ((views, "views"), (visits, "visits")):
            h = plot_height * value / maximum
            parts.append(
                f'<rect x="{x:.1f}" y="{top_margin + plot_height - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'class="{css}"><title>{escape(label(key))} : {_number(value)}</title></rect>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(label(key))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def bars(rows, title, width=720, label_width=220) -> str:
    """`rows`: [(label, value)] from the largest; one horizontal bar each."""
    row_height, gap = 22, 6
    height = max(len(rows), 1) * (row_height + gap) + gap
    maximum = max((value for _, value in rows), default=0) or 1
    plot = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ent-chart" viewBox="0 0 {width} {height}" '
        f'role="img"><title>{escape(title)}</title>',
    ]
    for i, (name, value) in enumerate(rows):
        y = gap + i * (row_height + gap)
        w = plot * value / maximum
        shown = name if len(name) <= 32 else name[:31] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{row_height}" class="views">'
            f"<title>{escape(name)} : {_number(value)}</title></rect>"
            f'<text x="{label_width + w + 4:.1f}" y="{y + 15}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
