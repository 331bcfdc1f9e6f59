"""A person's data (GDPR): what the ENT holds about someone (`person`), as a ZIP they or an
administrator download (`export`), and its erasure once the directory has deactivated
them for longer than the retention delay (`erasure`, `leavers`). docs/gdpr.md."""

from ent.policy.gdpr import submitter


# Before any form saves a row: the sender of each row easyform saves is recorded beside it.
submitter.install()
