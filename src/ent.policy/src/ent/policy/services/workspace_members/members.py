"""REST `@workspace-members` on a space: GET the list, POST `{"id", "role"}` (add), PATCH
`{"id", "role"}` (change the role), DELETE `{"id"}` or `/@workspace-members/{id}` (remove);
`@workspace-principals?q=` searches people and groups to add.

Every change goes through `workspaces.membership`. Its refusal (`MembershipRefused`) is
answered with its French sentence and nothing changed: 403 when the caller may not manage
the space's members, 400 for anything else (unknown person, group or role, the last
manager). A space one may not see answers as the site does (401 anonymous, 404 others).
"""

from ent.policy.i18n import _
from ent.policy.workspaces import membership
from ent.policy.workspaces import principals
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


def member_item(member) -> dict:
    return {"id": member.id, "kind": member.kind, "role": member.role, "title": member.title}


def members_reply(space) -> dict:
    found = membership.members(space)
    return {
        "@id": f"{space.absolute_url()}/@workspace-members",
        "items": [member_item(member) for member in found],
        "items_total": len(found),
        "roles": list(membership.ROLES),
        "may_manage": membership.may_manage(space),
    }


class MembersGet(Service):
    """The space's members, managers first, for anyone who sees the space."""

    def reply(self):
        return members_reply(self.context)


class MembershipChange(Service):
    """What POST, PATCH and DELETE share: the body, the refusal, the answer."""

    #: What the body must hold besides `id`.
    needs_role = True

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = self.body()
        if data is None:
            return self.refuse(400, self.usage())
        try:
            self.change(data.get("id"), data.get("role"))
        except membership.MembershipRefused as refused:
            return self.refuse(400 if membership.may_manage(self.context) else 403, str(refused))
        return self.answer()

    def body(self):
        try:
            data = json_body(self.request)
        except Exception:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return None
        if self.needs_role and not isinstance(data.get("role"), str):
            return None
        return data

    def usage(self) -> str:
        return _("workspace_members_rest_usage", default='Send {"id": "…", "role": "member", "editor" or "manager"}.')

    def refuse(self, status, message):
        # plone.restapi's shape of a refused request (as its @login, @users).
        self.request.response.setStatus(status)
        message = translate(message, context=self.request)
        return {"error": {"type": "Forbidden" if status == 403 else "BadRequest", "message": message}}

    def answer(self):
        return members_reply(self.context)


class MembersPost(MembershipChange):
    def change(self, principal_id, role):
        membership.add_member(self.context, principal_id, role)

    def answer(self):
        self.request.response.setStatus(201)
        return members_reply(self.context)


class MembersPatch(MembershipChange):
    def change(self, principal_id, role):
        membership.set_role(self.context, principal_id, role)


@implementer(IPublishTraverse)
class MembersDelete(MembershipChange):
    """DELETE `/@workspace-members/{id}`, or DELETE with the body `{"id"}`."""

    needs_role = False

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def body(self):
        if len(self.params) == 1:
            return {"id": self.params[0]}
        if self.params:
            return None
        return super().body()

    def usage(self) -> str:
        return _("workspace_members_rest_usage_delete", default='Send DELETE …/@workspace-members/{id} or {"id": "…"}.')

    def change(self, principal_id, role):
        membership.remove_member(self.context, principal_id)

    def answer(self):
        return self.reply_no_content()


class PrincipalsGet(Service):
    """`@workspace-principals?q=`: people and groups to add, for the space's managers."""

    def reply(self):
        if not membership.may_manage(self.context):
            self.request.response.setStatus(403)
            message = _("workspace_members_readonly", default="Only the space's managers change its members.")
            return {"error": {"type": "Forbidden", "message": translate(message, context=self.request)}}
        query = self.request.form.get("q")
        if not principals.is_search(query):
            self.request.response.setStatus(400)
            message = _(
                "workspace_members_search_short",
                default="Type at least 3 characters (letters, digits, spaces, dots, hyphens).",
            )
            return {"error": {"type": "BadRequest", "message": translate(message, context=self.request)}}
        current = {member.id: member.role for member in membership.members(self.context)}
        found = principals.search(query)
        return {
            "@id": f"{self.context.absolute_url()}/@workspace-principals",
            "items": [
                {"id": one.id, "kind": one.kind, "title": one.title, "role": current.get(one.id)} for one in found
            ],
            "items_total": len(found),
        }
