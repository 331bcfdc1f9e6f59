"""A directory person's account pages: read-only, with the County's account service.

Name, e-mail, profile and password come from the County directory (docs/security.md,
"The County directory is read-only from the portal"); the pages that would change them
show them and link to ENT_ACCOUNT_URL. Local accounts (Plone's own) keep Plone's pages.
Plone's "forgotten password" never mails a directory person nor records a reset request
for them, whether ENT_ACCOUNT_URL is set or not.
"""

from ent.policy.directory.readonly import account_url
from ent.policy.directory.readonly import is_directory_account
from ent.policy.directory.readonly import is_directory_user
from ent.policy.directory.readonly import read_only_message
from ent.policy.groups import PROFILE_TITLES
from ent.policy.i18n import _
from plone import api
from plone.app.users.browser.passwordpanel import PasswordPanel
from plone.app.users.browser.userdatapanel import UserDataPanel
from Products.CMFPlone.browser.login import login as plone_login
from Products.CMFPlone.browser.login.login_help import LoginHelpForm
from Products.CMFPlone.browser.login.login_help import RequestResetPassword
from Products.CMFPlone.browser.login.login_help import RequestUsername
from Products.CMFPlone.browser.login.password_reset import PasswordResetToolView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form import button
from z3c.form import form
from zope.i18n import translate

import logging
import os


PLONE_LOGIN_TEMPLATES = os.path.dirname(plone_login.__file__)
log = logging.getLogger(__name__)


def password_refused_message(request) -> str:
    """Why a directory person gets no forgotten-password mail, in the request's language."""
    url = account_url()
    if url:
        message = _(
            "directory_password_reset_refused_url",
            default="The password of a County directory account is not changed in the ENT: "
            "please contact the County's account service, ${url}.",
            mapping={"url": url},
        )
    else:
        message = _(
            "directory_password_reset_refused",
            default="The password of a County directory account is not changed in the ENT: "
            "please contact the County's account service.",
        )
    return translate(message, context=request)


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


class RequestReset(RequestResetPassword):
    """Plone's "reset your password" form, whose answer is the same for every login (so
    that nobody probes for accounts, as Plone's) and also tells a directory person to ask
    the County's account service: they get no mail (MailPasswordTemplate)."""

    @button.handler(RequestResetPassword.buttons["reset"])
    def handleResetPassword(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        try:
            api.portal.get_tool("portal_registration").mailPassword(data["reset_password"], self.request)
        except ValueError as error:
            log.info("No reset-password mail for %r: %s", data["reset_password"], error)
        answer = _(
            "password_reset_answer",
            default="If this login is an account of the ENT itself, an e-mail has been sent with "
            "instructions on how to reset your password. The password of a County directory "
            "account (pupils, parents, staff) is not changed in the ENT: please contact the "
            "County's account service.",
        )
        api.portal.show_message(translate(answer, context=self.request), request=self.request, type="info")


class LoginHelp(LoginHelpForm):
    """The log-in form's help link: the County's account service when there is one."""

    index = ViewPageTemplateFile("templates/login_help.pt", _prefix=PLONE_LOGIN_TEMPLATES)

    def __call__(self):
        url = account_url()
        if url:
            return self.request.response.redirect(url, lock=True)
        return super().__call__()

    def update(self):
        """LoginHelpForm.update with the reset form above."""
        self.subforms = [RequestReset(None, self.request)]
        if not self.use_email_as_login() and self.can_retrieve_username():
            self.subforms.append(RequestUsername(None, self.request))
        for subform in self.subforms:
            subform.update()
        form.EditForm.update(self)


class MailPasswordTemplate(PasswordResetToolView):
    """The "forgotten password" mail, which every path renders before sending it
    (`portal_registration.mailPassword`): never for a directory account. mailPassword
    has just recorded a reset request: it is withdrawn, so that the transaction, which
    commits, keeps none. The ValueError is what mailPassword's callers expect (the form
    shows it; @@login-help gives one answer for every login, RequestReset)."""

    index = ViewPageTemplateFile("templates/mail_password_template.pt", _prefix=PLONE_LOGIN_TEMPLATES)

    def __call__(self, *args, **kw):
        member = kw.get("member")
        if member is not None and is_directory_account(member.getId()):
            key = (kw.get("reset") or {}).get("randomstring")
            if key:
                api.portal.get_tool("portal_password_reset")._requests.pop(key, None)
            raise ValueError(password_refused_message(self.request))
        return self.index(*args, **kw)
