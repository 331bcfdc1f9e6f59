"""The batching of the ENT's lists, as plone.restapi's @search: `b_start` and `b_size` in,
`@id`, `items`, `items_total` and (when there is more than one batch) `batching` links out.

A `b_start` or `b_size` that is not a number is plone.restapi's 400; a negative one (or a
size of 0) is a 400 too (`batch_window`, also used by @my-feed, which batches in the
catalog): plone.batching would answer a wrong batch or a 500.
"""

from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.batching import HypermediaBatch
from plone.restapi.deserializer import parse_int
from zExceptions import BadRequest


def batch_window(form) -> tuple[int, int]:
    """`(b_start, b_size)` of a request's form, checked: the one check of every ENT list."""
    b_start, b_size = parse_int(form, "b_start", 0), parse_int(form, "b_size", DEFAULT_BATCH_SIZE)
    if b_size < 1 or b_start < 0:
        raise BadRequest("b_size must be positive and b_start not negative")
    return b_start, b_size


def batched(request, sequence, entry=None) -> dict:
    """The batch of `sequence` the request asks for, each element through `entry`."""
    batch_window(request.form)
    batch = HypermediaBatch(request, sequence)
    result = {
        "@id": batch.canonical_url,
        "items": [entry(element) for element in batch] if entry else list(batch),
        "items_total": batch.items_total,
    }
    links = batch.links
    if links:
        result["batching"] = links
    return result
