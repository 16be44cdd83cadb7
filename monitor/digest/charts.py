"""Charts for the digest: matplotlib's object API on the Agg canvas, rendered to PNG bytes.

No pyplot: it keeps global state, and the daemon renders from worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from monitor.digest.model import Chart

MAX_LINES = 8  # more lines than this are unreadable; the busiest narratives are drawn


def adopters_chart(
    series: Mapping[str, Mapping[date, int]], days: Sequence[date], *, cid: str,
    title: str = "Adopting actors per narrative per day",
) -> Chart:
    """One line per narrative: distinct adopting actors per day over `days`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ranked = sorted(series, key=lambda key: (-sum(series[key].values()), key))[:MAX_LINES]
    figure = Figure(figsize=(9, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(days)))
    for key in ranked:
        axes.plot(positions, [series[key].get(day, 0) for day in days], marker="o",
                  markersize=3, linewidth=1.6, label=key)
    axes.set_xticks(positions, [day.strftime("%d %b") for day in days], rotation=45,
                    fontsize=8)
    axes.set_ylabel("adopting actors")
    axes.set_title(title, fontsize=11)
    axes.grid(True, alpha=0.3)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if ranked:
        axes.legend(fontsize=8, loc="upper left", frameon=False)
    else:
        axes.text(0.5, 0.5, "no narrative adopted in this period", ha="center",
                  va="center", transform=axes.transAxes, color="#777777")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    summary = ", ".join(f"{key} {sum(series[key].values())}" for key in ranked) or "none"
    alt = f"{title}, {days[0].isoformat()} to {days[-1].isoformat()}: {summary}"
    return Chart(cid=cid, title=f"{title}, last {len(days)} days", alt=alt, png=buffer.getvalue())
