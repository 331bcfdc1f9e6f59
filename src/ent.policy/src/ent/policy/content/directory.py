"""For databases made before profile 1004: /colleges was pickled as a `SchoolDirectory`.

The ZODB stores a class's dotted name in the object's record and in every persistent
reference to it (its parent's BTree, the intids' key references): this name must keep
loading the object, which is now a `SchoolFinder` (upgrades/v1004.py).
"""

from ent.policy.content.finder import ISchoolFinder
from ent.policy.content.finder import SchoolFinder


SchoolDirectory = SchoolFinder
ISchoolDirectory = ISchoolFinder
