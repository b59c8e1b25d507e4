"""Encryption of case fields and keyed hashing of phone numbers.

All of a case's ``fields`` are stored as one Fernet token; the phone number is
also kept as an HMAC-SHA256 so cases can be found by phone without storing it
in clear. The HMAC key is derived from the encryption key, so one secret covers
both.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, Optional

from cryptography.fernet import Fernet, InvalidToken

_HASH_CONTEXT = b"backoffice/phone-hash/v1"
_COUNTRY_PREFIX = re.compile(r"^(?:0086|86)(1[3-9]\d{9})$")


class DecryptionError(RuntimeError):
    """Stored data cannot be decrypted with the configured key."""


def normalise_phone(raw: Any) -> str:
    """Digits only, without a +86/0086 country prefix on a mobile number."""
    digits = re.sub(r"\D", "", str(raw or ""))
    match = _COUNTRY_PREFIX.match(digits)
    return match.group(1) if match else digits


class FieldCipher:
    """Encrypts JSON documents and hashes phone numbers with keys from one secret."""

    def __init__(self, fernet_key: str) -> None:
        self._fernet = Fernet(fernet_key.encode("ascii"))
        raw_key = base64.urlsafe_b64decode(fernet_key.encode("ascii"))
        self._hash_key = hmac.new(raw_key, _HASH_CONTEXT, hashlib.sha256).digest()

    def encrypt_json(self, document: Any) -> str:
        plain = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt_json(self, token: str) -> Any:
        try:
            plain = self._fernet.decrypt(token.encode("ascii"))
        except InvalidToken:
            raise DecryptionError("stored case data cannot be decrypted with this key") from None
        return json.loads(plain.decode("utf-8"))

    def encrypt_text(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt_text(self, token: Optional[str]) -> Optional[str]:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DecryptionError("stored note cannot be decrypted with this key") from None

    def phone_hash(self, phone: Any) -> Optional[str]:
        """Hex HMAC of the normalised phone, or None when it holds no digits."""
        digits = normalise_phone(phone)
        if not digits:
            return None
        return hmac.new(self._hash_key, digits.encode("ascii"), hashlib.sha256).hexdigest()
