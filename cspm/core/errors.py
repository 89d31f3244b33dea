"""Errors that carry a message meant for the user.

A `BadInputError` is the user's input being wrong (a file, a value, a rule): the message is one
clear sentence naming the file, row and column where it can; the CLI prints it and exits with 2,
the window shows it in a dialog. Anything else escaping is a bug (exit code 1).
"""


class CspmError(Exception):
    """Base class of errors cspm reports to the user as they are."""


class BadInputError(CspmError):
    """The user's input (file, value, rule, argument) cannot be used; nothing was changed."""


class NotFoundError(BadInputError):
    """A named thing (account, segment, profile, import) does not exist."""
