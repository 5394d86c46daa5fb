"""Label codes: what a scanner or a person produces is understood; a typo is caught."""

from __future__ import annotations

import pytest

from shared.labels import (
    ALPHABET,
    LabelCheckSymbolMismatch,
    LabelError,
    check_symbol,
    format_code,
    generate_code,
    parse_code,
    passport_url,
)


def test_a_generated_code_has_eight_symbols_and_a_valid_check_symbol() -> None:
    for _ in range(200):
        code = generate_code()
        assert len(code) == 9
        assert set(code) <= set(ALPHABET)
        assert parse_code(code) == code


def test_codes_are_shown_grouped_for_people() -> None:
    assert format_code("K7Q2M9XBA") == "K7Q2-M9XB-A"


@pytest.mark.parametrize(
    "scanned",
    [
        "{code}",
        "{grouped}",
        "{grouped_lower}",
        "  {grouped}\n",
        "HTTPS://BOUCLE.EXAMPLE/D/{code}",
        "https://boucle.example/d/{grouped_lower}/",
    ],
)
def test_anything_a_scanner_or_a_person_produces_is_understood(scanned: str) -> None:
    code = generate_code()
    raw = scanned.format(
        code=code, grouped=format_code(code), grouped_lower=format_code(code).lower()
    )
    assert parse_code(raw) == code


def test_letters_people_confuse_with_digits_are_read_as_the_digit() -> None:
    body = "10000000"
    code = body + check_symbol(body)
    assert parse_code("IO00-0000-" + code[-1]) == code
    assert parse_code("l0000000" + code[-1]) == code


def test_every_single_symbol_typo_is_caught_by_the_check_symbol() -> None:
    code = generate_code()
    for position in range(9):
        for symbol in ALPHABET:
            if symbol == code[position]:
                continue
            typo = code[:position] + symbol + code[position + 1 :]
            with pytest.raises(LabelCheckSymbolMismatch):
                parse_code(typo)


def test_a_wrong_check_symbol_says_so_in_words_a_collector_understands() -> None:
    code = generate_code()
    wrong = code[:8] + next(s for s in ALPHABET if s != code[8])
    with pytest.raises(LabelCheckSymbolMismatch, match="wrong check symbol"):
        parse_code(wrong)


@pytest.mark.parametrize("raw", ["", "K7Q2", "K7Q2-M9XB-AA1", "K7Q2-M9XB-U"])
def test_what_cannot_be_a_label_is_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(LabelError):
        parse_code(raw)


def test_the_printed_url_is_upper_case_for_a_small_alphanumeric_qr_code() -> None:
    assert passport_url("boucle.lillemetropole.fr", "K7Q2M9XBA") == (
        "HTTPS://BOUCLE.LILLEMETROPOLE.FR/D/K7Q2M9XBA"
    )


def test_a_development_stack_prints_its_own_address_in_the_qr_code() -> None:
    assert passport_url("http://127.0.0.1:8001/", "K7Q2M9XBA") == (
        "HTTP://127.0.0.1:8001/D/K7Q2M9XBA"
    )


# What a scanner set to QWERTY types on a French AZERTY computer, key for key.
TYPED_ON_AZERTY = str.maketrans("QAWZM:/.-1234567890", "AQZW?M!:)&é\"'(-è_çà")
AZERTY_DIGIT_ROW = str.maketrans("1234567890", "&é\"'(-è_çà")


def _with_digits(body: str) -> str:
    """A code made of ``body`` and its check symbol: every digit key comes into play."""
    return body + check_symbol(body)


@pytest.mark.parametrize(
    "code", [_with_digits("K7Q2M9XB"), _with_digits("12345678"), _with_digits("A6W8Z0QM")]
)
@pytest.mark.parametrize(
    "scanned",
    [
        "{digits}",
        "{digits}\n",
        "HTTPS:..BOUCLE.EXAMPLE.D.{code}",
        "HTTPS:..BOUCLE.EXAMPLE.D.{digits}",
        "HTTP:..127.0.0.1:8001.D.{digits}",
        "{typed_url}",
    ],
)
def test_a_scan_garbled_by_an_azerty_keyboard_lands_on_the_right_code(
    code: str, scanned: str
) -> None:
    raw = scanned.format(
        code=code,
        digits=code.translate(AZERTY_DIGIT_ROW),
        typed_url=f"HTTPS://BOUCLE-LILLE.EXAMPLE/D/{code}".translate(TYPED_ON_AZERTY),
    )
    assert parse_code(raw) == code


def test_a_scan_of_the_right_code_typed_by_a_person_with_dashes_is_still_read_as_typed() -> None:
    code = _with_digits("K6Q8M9XB")
    assert parse_code(format_code(code)) == code
    assert parse_code(code.translate(AZERTY_DIGIT_ROW)) == code  # "K-Q_M…": 6 and 8 on AZERTY


@pytest.mark.parametrize(
    "raw",
    [
        "HTTPS:..BOUCLE.EXAMPLE.D.K7Q2M9XB",
        "Kèçé(MçXB",
        "HTTPSM!!BOUCLE:EXQ?PLE!D!",
        "&é\"'(-è_",
    ],
)
def test_a_garbled_scan_that_still_is_no_label_is_refused(raw: str) -> None:
    with pytest.raises(LabelError):
        parse_code(raw)


def test_a_garbled_scan_with_a_wrong_check_symbol_says_so() -> None:
    code = _with_digits("K7Q2M9XB")
    wrong = code[:8] + next(s for s in ALPHABET if s != code[8])
    with pytest.raises(LabelCheckSymbolMismatch):
        parse_code(wrong.translate(AZERTY_DIGIT_ROW))
