"""`@@workspace-members`: a space's members, for its managers to add, change and remove.

Everything goes through `workspaces.membership` (the one API of membership): the screen
only reads the form, calls it and shows its refusal (`MembershipRefused`, a French
sentence) where the person acted, with nothing changed. Members who do not manage read
the list only; anyone else finds no space here (the View permission, `concealment`).
No JavaScript: the search is a GET form, every change a POST with the CSRF token.
"""

from ent.policy.i18n import _
from ent.policy.workspaces import membership
from ent.policy.workspaces import principals
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate


KIND_TITLES = {
    "user": _("workspace_kind_user", default="Person"),
    "group": _("workspace_kind_group", default="Group"),
}
#: The screen's actions: the button's name → what it does with the form's `id` and `role`.
ACTIONS = ("add", "change", "remove")


def role_title(role) -> str:
    return membership.ROLE_TITLES.get(role, role)


class WorkspaceMembersView(BrowserView):
    """The list (managers first), the search, and the forms that change membership."""

    def __call__(self):
        # A management screen: the whole width, no portlets; no content views nor content
        # menu (a space's state offers no transition, and Plone's menu then writes an
        # invalid `aria-expanded=""`), the personal bar stays.
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        self.request.set("disable_border", True)
        self.error = None
        self.query = self.request.form.get("q", "")
        if not isinstance(self.query, str):
            self.query = ""
        self.query = self.query.strip()
        if self.request.method == "POST":
            action = next((name for name in ACTIONS if self.request.form.get(f"form.buttons.{name}")), None)
            if action is not None:
                CheckAuthenticator(self.request)
                try:
                    message = self.apply(action)
                except membership.MembershipRefused as refused:
                    # The API's French sentence, shown where the person acted; nothing changed.
                    self.error = str(refused)
                    self.request.response.setStatus(403 if not membership.may_manage(self.context) else 400)
                else:
                    api.portal.show_message(message, request=self.request)
                    # Back to the same search, to add the next one.
                    self.request.response.redirect(self.screen_url(self.query), status=303)
                    return ""
        return self.index()

    def apply(self, action):
        form = self.request.form
        principal_id = form.get("id")
        role = form.get("role")
        # A value given twice, or none, is no one: the API refuses it with its own sentence.
        principal_id = principal_id.strip() if isinstance(principal_id, str) else ""
        role = role if isinstance(role, str) else ""
        title = self.title_of(principal_id)
        if action == "add":
            membership.add_member(self.context, principal_id, role)
            return _(
                "workspace_member_added",
                default="${name} was added as ${role}.",
                mapping={"name": title, "role": role_title(role).lower()},
            )
        if action == "change":
            membership.set_role(self.context, principal_id, role)
            return _(
                "workspace_member_changed",
                default="${name} is now ${role}.",
                mapping={"name": title, "role": role_title(role).lower()},
            )
        membership.remove_member(self.context, principal_id)
        return _("workspace_member_removed", default="${name} is no longer a member.", mapping={"name": title})

    def title_of(self, principal_id) -> str:
        for member in membership.members(self.context):
            if member.id == principal_id:
                return member.title
        if api.group.get(groupname=principal_id) is not None:
            return principals.group_title(principal_id)
        return principals.user_title(principal_id) if principal_id else ""

    def may_manage(self) -> bool:
        return membership.may_manage(self.context)

    def members(self) -> list[dict]:
        found = membership.members(self.context)
        return [
            {
                "id": member.id,
                "kind": member.kind,
                "kind_title": translate(KIND_TITLES.get(member.kind, member.kind), context=self.request),
                "role": member.role,
                "role_title": role_title(member.role),
                "title": member.title,
                "key": f"{member.kind}-{index}",
            }
            for index, member in enumerate(found)
        ]

    def roles(self) -> list[tuple]:
        return [(role, role_title(role)) for role in membership.ROLES]

    def searched(self) -> bool:
        return bool(self.query)

    def too_short(self) -> bool:
        return bool(self.query) and not principals.is_search(self.query)

    def results(self) -> list[dict]:
        if not self.may_manage() or not principals.is_search(self.query):
            return []
        current = {member.id: member.role for member in membership.members(self.context)}
        return [
            {
                "id": found.id,
                "kind": found.kind,
                "kind_title": translate(KIND_TITLES[found.kind], context=self.request),
                "title": found.title,
                "role_title": role_title(current[found.id]).lower() if found.id in current else None,
                "key": f"found-{index}",
            }
            for index, found in enumerate(principals.search(self.query))
        ]

    def screen_url(self, query="") -> str:
        base = f"{self.context.absolute_url()}/@@workspace-members"
        return f"{base}?{urlencode({'q': query})}" if query else base
