"""How long /stats takes on a realistic year: 3,000 registrations seeded with the country and
gender mix of the 2021 report (`bot.services.seed`), then the report computed (database
aggregation), rendered as Telegram text, and drawn as the two charts — what a staff member
waits for.

Run: `.venv/bin/python bench/stats.py` (options: --registrations, --repeat, --json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from cryptography.fernet import Fernet

from bot.app import create_app
from bot.config import Settings
from bot.domain.stats import Period
from bot.presentation.charts import country_gender_chart, funnel_chart
from bot.presentation.reports import text_report
from bot.services.seed import seed


async def run(registrations: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'stats.db'}",
            DATA_KEY=Fernet.generate_key().decode(),
        )
        app = await create_app(settings)
        started = time.perf_counter()
        await seed(app.uow, registrations=registrations, year=2026)
        seeding = time.perf_counter() - started
        t = app.catalogs["en"]
        timings: dict[str, list[float]] = {"report": [], "text": [], "charts": [], "total": []}
        for _ in range(repeat):
            begin = time.perf_counter()
            report = await app.stats.report(Period(date(2026, 1, 1), date(2026, 12, 31)))
            after_report = time.perf_counter()
            text_report(report, t, "All offices")
            after_text = time.perf_counter()
            country_gender_chart(report, t, "Registrations")
            funnel_chart(report, t, "Funnel")
            end = time.perf_counter()
            timings["report"].append(after_report - begin)
            timings["text"].append(after_text - after_report)
            timings["charts"].append(end - after_text)
            timings["total"].append(end - begin)
        await app.close()
    result = {f"{k}_median_s": round(statistics.median(v), 3) for k, v in timings.items()}
    result["total_max_s"] = round(max(timings["total"]), 3)
    result["seeding_s"] = round(seeding, 1)
    result["registrations"] = registrations
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.registrations, args.repeat))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:<20}{value:>10}")


if __name__ == "__main__":
    main()
