"""Local government codes (全国地方公共団体コード): five digits and a check digit."""

from __future__ import annotations

CHECK_DIGIT_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(five_digits: str) -> int:
    """Weights 6,5,4,3,2 on the five digits; r = sum mod 11; check = (11 - r) mod 10."""
    remainder = sum(int(d) * w for d, w in zip(five_digits, CHECK_DIGIT_WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def with_check_digit(five_digits: str) -> str:
    """The 6-digit code of a 5-digit one."""
    return five_digits + str(check_digit(five_digits))


def is_valid_code(code: str) -> bool:
    """Six digits whose last is the check digit of the first five (says nothing of whether the code exists)."""
    return len(code) == 6 and code.isascii() and code.isdigit() and int(code[5]) == check_digit(code[:5])
