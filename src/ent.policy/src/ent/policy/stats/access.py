"""Who sees which figures: the County admins every site's, a principal their school's only
(docs/statistics.md). Statistics are not content with an audience: the rule is the
directory's groups (`ent.policy.groups`), checked by the dashboards and `@stats` alike."""

from ent.policy import groups
from ent.policy.stats.collect import COUNTY
from plone import api


def _groups(user):
    try:
        return set(user.getGroups())
    except Exception:
        return set()


def is_county_admin(user) -> bool:
    if user is None or api.user.is_anonymous():
        return False
    if "Manager" in user.getRoles():
        return True
    return groups.COUNTY_ADMINS in _groups(user)


def may_view(user, site) -> bool:
    """Whether `user` may see the figures of `site` (a UAI, COUNTY, or None: every site)."""
    if is_county_admin(user):
        return True
    if user is None or api.user.is_anonymous() or site in (None, COUNTY):
        return False
    return groups.school_group(site, "principal") in _groups(user)
