"""Charts drawn on the server as SVG (no script, nothing from elsewhere): a column chart of a
series and a bar chart of a ranking. Positions along the width are percentages and the SVG
has no viewBox, so the text keeps its size from a phone to a wide screen. Each chart has a
<title>, each mark its own; the dashboards give the same figures in tables too."""

from html import escape


def number(value) -> str:
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


def columns(points, title, height=220, label=lambda key: key, labels=6) -> str:
    """`points`: [(key, views, visits)]: views as light columns, visits dark in front."""
    top, bottom = 16, 22
    plot = height - top - bottom
    # At least 2, so that the middle line is a whole number too.
    maximum = max(_scale(max((views for _, views, _ in points), default=0)), 2)
    count = max(len(points), 1)
    slot = 100 / count
    bar = slot * 0.72
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ent-chart ent-chart-columns" width="100%" '
        f'height="{height}" role="img"><title>{escape(title)}</title>'
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot * (1 - fraction)
        parts.append(
            f'<line x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="0" y="{y - 3:.1f}" class="axis">{number(round(maximum * fraction))}</text>'
        )
    every = max(1, -(-count // labels))
    for i, (key, views, visits) in enumerate(points):
        x = i * slot + (slot - bar) / 2
        for value, css in ((views, "views"), (visits, "visits")):
            h = plot * value / maximum
            parts.append(
                f'<rect x="{x:.2f}%" y="{top + plot - h:.1f}" width="{bar:.2f}%" height="{h:.1f}" class="{css}">'
                f"<title>{escape(label(key))} : {number(value)}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.2f}%" y="{height - 6}" text-anchor="middle" class="axis">'
                f"{escape(label(key))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def bars(rows, title) -> str:
    """`rows`: [(label, value)] from the largest: the label, then its bar and value below."""
    step, bar = 38, 14
    height = max(len(rows), 1) * step
    maximum = max((value for _, value in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ent-chart ent-chart-bars" width="100%" '
        f'height="{height}" role="img"><title>{escape(title)}</title>'
    ]
    for i, (name, value) in enumerate(rows):
        y = i * step
        width = 80 * value / maximum
        parts.append(
            f'<text x="0" y="{y + 13}">{escape(name)}</text>'
            f'<rect x="0" y="{y + 18}" width="{width:.2f}%" height="{bar}" class="views">'
            f"<title>{escape(name)} : {number(value)}</title></rect>"
            f'<text x="{width:.2f}%" dx="5" y="{y + 30}" class="value">{number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
