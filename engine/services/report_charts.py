"""Charts of the report drawn as inline SVG on the server: no JavaScript, no chart library.

pygal (the well-kept SVG charting library) embeds scripts from a CDN for its tooltips; the
report must render offline and under a strict content policy, and two simple charts are a few
lines of SVG. Every value is also written as text, so the chart reads without colours.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 32, 40
INK, GRID, LINE, BAR, TARGET = "#1f2933", "#d9e2ec", "#0b6e4f", "#c0392b", "#7b8794"


def _svg(body: list[str], title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>"
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>" + "".join(body) + "</svg>"
    )


def line_chart(
    points: list[tuple[str, float | None]], title: str, target: float | None = None
) -> str:
    """A percentage (0-100) per period as a line with labelled points; gaps where None."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(value, 100.0)) / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}"/><text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{tick}%</text>'
        )
    if target is not None:
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-dasharray="4 3"/>'
        )
    coords: list[tuple[float, float] | None] = []
    for i, (label, value) in enumerate(points):
        x = LEFT + (i * step if len(points) > 1 else plot_w / 2)
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        if value is None:
            coords.append(None)
            continue
        coords.append((x, y(value)))
        body.append(
            f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="{LINE}"/>'
            f'<text x="{x:.1f}" y="{y(value) - 8:.1f}" text-anchor="middle" fill="{INK}">'
            f"{value:.2f}%</text>"
        )
    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in coords + [None]:
        if point is None:
            if len(current) > 1:
                segments.append(current)
            current = []
        else:
            current.append(point)
    for segment in segments:
        path = " ".join(f"{x:.1f},{yv:.1f}" for x, yv in segment)
        body.insert(0, f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    return _svg(body, title)


def bar_chart(items: list[tuple[str, int]], title: str, limit: int = 15) -> str:
    """Horizontal bars, largest first, each labelled with its count."""
    shown = sorted(items, key=lambda item: (-item[1], item[0]))[:limit]
    row, label_w = 20, 150
    height = TOP + row * max(len(shown), 1) + 16
    top = max((count for _, count in shown), default=0) or 1
    plot_w = WIDTH - LEFT - RIGHT - label_w - 40
    body = []
    if not shown:
        body.append(f'<text x="{LEFT}" y="{TOP + 14}" fill="{INK}">Không có hồ sơ quá hạn</text>')
    for i, (label, count) in enumerate(shown):
        yv = TOP + i * row
        w = plot_w * count / top
        body.append(
            f'<text x="{LEFT + label_w - 6}" y="{yv + 13}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{LEFT + label_w}" y="{yv + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{BAR}"/><text x="{LEFT + label_w + w + 4:.1f}" y="{yv + 13}" '
            f'fill="{INK}">{count}</text>'
        )
    return _svg(body, title, height)
