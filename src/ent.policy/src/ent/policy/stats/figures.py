"""The figures of a period for one site or all of them, read from the aggregates: what the
dashboards, their CSV and `@stats` show. A period without data gives zeros."""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from ent.policy.i18n import _
from ent.policy.stats import sketch
from ent.policy.stats import store


#: The period selector's choices: (id, label).
PERIODS = (
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("month", _("This month")),
    ("12m", _("Last 12 months")),
    ("year", _("This year")),
    ("custom", _("Chosen dates")),
)
#: Longest period shown day by day; longer ones are shown month by month.
DAILY_UP_TO = 62


#: The years a period may cover (the ENT counts nothing before or after).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodError(ValueError):
    """A period that cannot be read: its message (a msgid of `ent`) says why."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    name: str = "custom"

    @property
    def by_month(self) -> bool:
        return (self.end - self.start).days + 1 > DAILY_UP_TO

    def buckets(self):
        """Every day or month of the period, in order (the series' x axis)."""
        if self.by_month:
            month, last = self.start.replace(day=1), self.end.replace(day=1)
            while month <= last:
                yield month.strftime("%Y-%m")
                month = (month + timedelta(days=32)).replace(day=1)
        else:
            day = self.start
            while day <= self.end:
                yield day.isoformat()
                day += timedelta(days=1)

    def months(self):
        month, last = self.start.replace(day=1), self.end.replace(day=1)
        while month <= last:
            yield month.strftime("%Y-%m")
            month = (month + timedelta(days=32)).replace(day=1)


def period(name="30d", start=None, end=None, today=None) -> Period:
    """The period chosen in the selector (or `start`/`end`, ISO dates, for "custom")."""
    today = today or date.today()
    name = name or ("custom" if start or end else "30d")
    if name == "7d":
        return Period(today - timedelta(days=6), today, name)
    if name == "30d":
        return Period(today - timedelta(days=29), today, name)
    if name == "month":
        return Period(today.replace(day=1), today, name)
    if name == "12m":
        first = today.replace(day=1)
        for _month in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
        return Period(first, today, name)
    if name == "year":
        return Period(today.replace(month=1, day=1), today, name)
    if name != "custom":
        raise PeriodError(_("Unknown period: ${name}.", mapping={"name": name}))
    try:
        first = date.fromisoformat(start) if start else today - timedelta(days=29)
        last = date.fromisoformat(end) if end else today
    except (TypeError, ValueError):
        raise PeriodError(_("Dates are written YYYY-MM-DD.")) from None
    if not (FIRST_YEAR <= first.year and last.year <= LAST_YEAR):
        # The month after 9999-12 does not exist (OverflowError); nothing was counted then.
        raise PeriodError(_("Choose dates between 2000 and 2100."))
    if last < first:
        raise PeriodError(_("The end date is before the start date."))
    if (last - first).days > 3660:
        raise PeriodError(_("A period is ten years at most."))
    return Period(first, last, "custom")


def _source(period, today):
    """The table, its time column and the bounds: whole months (the 12 months, the year:
    from a 1st to today or to a month's end) are read from `months`, 30 times fewer rows."""
    month_end = (period.end.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if period.by_month and period.start.day == 1 and period.end in (month_end, today):
        return "months", "month", [period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")]
    return "views", "day", [period.start.isoformat(), period.end.isoformat()]


def _where(period, site, today):
    table, column, values = _source(period, today)
    clause = f"{column} BETWEEN ? AND ?"
    if site is not None:
        clause += " AND site = ?"
        values.append(site)
    return table, column, clause, values


def figures(database, period: Period, site=None, top=10, today=None) -> dict:
    """Totals, the series, per profile, per section (the `top` first), per site, and the
    distinct people of each month, for `site` (a UAI or "county") or every site (None)."""
    result = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "by": "month" if period.by_month else "day",
        "site": site,
        "views": 0,
        "visits": 0,
        "series": [{"period": bucket, "views": 0, "visits": 0} for bucket in period.buckets()],
        "profiles": [],
        "sections": [],
        "sites": [],
        "people": [{"month": month, "people": 0} for month in period.months()],
    }
    connection = store.connect(database, create=False)
    if connection is None:
        return result
    try:
        table, column, where, values = _where(period, site, today or date.today())
        bucket = f"substr({column}, 1, 7)" if period.by_month else column
        series = {
            row[0]: row[1:]
            for row in connection.execute(
                f"SELECT {bucket}, SUM(views), SUM(visits) FROM {table} WHERE {where} GROUP BY 1", values
            )
        }
        for point in result["series"]:
            point["views"], point["visits"] = series.get(point["period"], (0, 0))
        result["views"] = sum(point["views"] for point in result["series"])
        result["visits"] = sum(point["visits"] for point in result["series"])
        for name in ("profile", "section", "site"):
            rows = connection.execute(
                f"SELECT {name}, SUM(views), SUM(visits) FROM {table} WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1",
                values,
            ).fetchall()
            if name == "section":
                rows = rows[:top]
            result[name + "s"] = [{name: row[0], "views": row[1], "visits": row[2]} for row in rows]
        for entry in result["people"]:
            query = "SELECT sketch FROM people WHERE month = ?"
            args = [entry["month"]]
            if site is not None:
                query += " AND site = ?"
                args.append(site)
            registers = sketch.empty()
            for (blob,) in connection.execute(query, args):
                sketch.merge(registers, sketch.unpack(blob))
            entry["people"] = sketch.estimate(registers)
    finally:
        connection.close()
    return result
