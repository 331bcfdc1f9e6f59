"""What a login and a password must look like before anything checks them.

One place for every entrance (`@login`, the login form, HTTP Basic, the directory plugin):
a value that is not a short string is refused at once, and never reaches the directory.
"""

#: Longer than any real login or password; bounds the work a request can ask for.
MAX_LOGIN = 256
MAX_PASSWORD = 1024


def credentials_problem(login, password, login_characters=True) -> str | None:
    """Why these credentials cannot be checked (one line, English), or None if they can.

    With login_characters=False a login with a NUL passes: `@login` answers it as any
    impossible login (401, like an injection attempt), the plugins still refuse it.
    """
    for name, value, limit in (("login", login, MAX_LOGIN), ("password", password, MAX_PASSWORD)):
        if not isinstance(value, str):
            return f"{name} must be a string"
        if not value:
            return f"{name} must not be empty"
        if len(value) > limit:
            return f"{name} is longer than {limit} characters"
        if "\x00" in value and (name == "password" or login_characters):
            return f"{name} contains a NUL character"
    return None
