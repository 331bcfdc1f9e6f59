"""HTTP caching (issue #15): public anonymous pages are cached by the front proxy (Varnish),
purged when their content changes; anything restricted or personal is `private, no-store`.

- `policy`: who may be answered from a shared cache, the ENT's caching operation and the
  guard that makes every other answer `private, no-store`.
- `purge`: what an edit purges, sent to the proxy that ENT_PURGE_URL names.
"""
