"""Usage statistics (issue 17, docs/statistics.md): aggregates only, nothing per person.

`collect` writes one access-log line per page view (logger `ent.stats`, no database write,
no cookie); `ingest` adds the lines to the aggregates (`store`, SQLite under var/stats);
`figures` reads them for a period and a site; `access` says who may see which figures;
`charts` draws them as SVG on the server; `views` are the dashboards and their CSV.
"""
