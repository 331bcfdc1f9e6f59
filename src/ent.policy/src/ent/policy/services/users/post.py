"""POST @users/{id}/reset-password: plone.restapi's, refused for a directory account (403):
its password is the County's (docs/security.md, "The County directory is read-only from
the portal")."""

from ent.policy.directory.readonly import is_directory_account
from ent.policy.directory.readonly import read_only_message
from plone.restapi.services.users.add import UsersPost


class EntUsersPost(UsersPost):
    """POST @users/{id}/reset-password: refused for a directory account (403)."""

    def update_password(self, data):
        if is_directory_account(self.params[0]):
            self.request.response.setStatus(403)
            return {"error": {"type": "Forbidden", "message": read_only_message()}}
        return super().update_password(data)
