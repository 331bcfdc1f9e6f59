"""Catalog data of the audience (ent.policy.audience): who an item is for, where it shows."""

from ent.policy.audience import get_audience
from ent.policy.audience import IAudience
from ent.policy.audience import origin
from ent.policy.audience import sites
from ent.policy.audience import targets
from plone.indexer import indexer


@indexer(IAudience)
def audience_indexer(obj):
    return get_audience(obj) or []


@indexer(IAudience)
def audience_targets_indexer(obj):
    return targets(obj)


@indexer(IAudience)
def audience_sites_indexer(obj):
    return sites(obj)


@indexer(IAudience)
def origin_indexer(obj):
    return origin(obj)
