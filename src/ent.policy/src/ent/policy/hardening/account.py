"""A directory person's account pages: read-only, with the County's account service.

Name, e-mail, profile and password come from the County directory (docs/security.md,
"The County directory is read-only from the portal"); the pages that would change them
show them and link to ENT_ACCOUNT_URL. Local accounts (Plone's own) keep Plone's pages.
"""

from ent.policy.directory.readonly import account_url
from ent.policy.directory.readonly import is_directory_account
from ent.policy.directory.readonly import is_directory_user
from ent.policy.directory.readonly import read_only_message
from ent.policy.groups import PROFILE_TITLES
from plone import api
from plone.app.users.browser.passwordpanel import PasswordPanel
from plone.app.users.browser.userdatapanel import UserDataPanel
from Products.CMFPlone.browser.login import login as plone_login
from Products.CMFPlone.browser.login.login_help import LoginHelpForm
from Products.CMFPlone.browser.login.password_reset import PasswordResetToolView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

import os


PLONE_LOGIN_TEMPLATES = os.path.dirname(plone_login.__file__)


class DirectoryAccount:
    """What the read-only page shows of the person logged in."""

    directory_template = ViewPageTemplateFile("templates/directory_account.pt")

    def is_directory_person(self):
        return not api.user.is_anonymous() and is_directory_user(api.user.get_current())

    def person(self):
        member = api.user.get_current()
        profile = member.getProperty("profile", "") or ""
        return {
            "login": member.getUserName(),
            "fullname": member.getProperty("fullname", "") or "",
            "email": member.getProperty("email", "") or "",
            "profile": PROFILE_TITLES.get(profile, profile),
        }

    def account_url(self):
        return account_url()

    def message(self):
        return read_only_message()


class PersonalInformation(DirectoryAccount, UserDataPanel):
    page_title = "Informations personnelles"

    def __call__(self):
        if self.is_directory_person():
            return self.directory_template()
        return super().__call__()


class ChangePassword(DirectoryAccount, PasswordPanel):
    page_title = "Mot de passe"

    def __call__(self):
        if self.is_directory_person():
            return self.directory_template()
        return super().__call__()


class LoginHelp(LoginHelpForm):
    """The log-in form's help link: the County's account service when there is one."""

    index = ViewPageTemplateFile("templates/login_help.pt", _prefix=PLONE_LOGIN_TEMPLATES)

    def __call__(self):
        url = account_url()
        if url:
            return self.request.response.redirect(url, lock=True)
        return super().__call__()


class MailPasswordTemplate(PasswordResetToolView):
    """The "forgotten password" mail, which every path renders before sending it
    (`portal_registration.mailPassword`): never for a directory account. The ValueError
    is what mailPassword's callers expect (the form shows it; @@login-help acts as if
    a mail went, so that nobody probes for accounts)."""

    index = ViewPageTemplateFile("templates/mail_password_template.pt", _prefix=PLONE_LOGIN_TEMPLATES)

    def __call__(self, *args, **kw):
        member = kw.get("member")
        if member is not None and is_directory_account(member.getId()):
            raise ValueError(read_only_message())
        return self.index(*args, **kw)
