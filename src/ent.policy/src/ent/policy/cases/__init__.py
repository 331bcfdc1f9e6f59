"""Cases: what a person asks the County (an aid, help), followed until it is decided.

`model` makes and decides them, `attachments` judges the files, `content` is the stored
type, `purge` removes closed ones after the retention period. See docs/services.md.
"""
